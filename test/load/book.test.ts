// The whole book under load, on 127.0.0.1 against the server `npm start` runs: 500 markets
// whose odds keep moving, 200 book sockets spread over book relays, and some
// market sockets besides. Every book socket ends holding each market's final
// odds and status (settled markets: their settlement, then removed), and every
// market socket its market's final seq. Bounded: fixed counts, every wait with
// a deadline.
import assert from "node:assert/strict";
import { it } from "node:test";
import WebSocket from "ws";
import { loadServer, until } from "./load-server.ts";

const PORT = Number(process.env.BOOK_LOAD_PORT ?? 8900);
const MARKETS = 500;
const BOOK_SOCKETS = 200;
const MARKET_SOCKETS = 20;
const ROUNDS = 4;
const ADMIN_KEY = "book-load-admin-key";

interface Summary {
  id: string;
  status: string;
  seq: number;
  selections: { id: string; odds: number }[];
  winner?: string;
}

const { server, sockets } = loadServer("book-load", PORT, {
  ADMIN_KEY,
  SESSION_SECRET: "book-load-session-secret",
  ALLOWED_ORIGINS: `http://127.0.0.1:${PORT}`,
  RATE_SOCKETS_PER_10S: "1000000",
  MAX_HELD_SOCKETS_PER_ADDRESS: "1000000",
  BOOK_RELAY_SIZE: "50",
  LOG_LEVEL: "warn",
}, {
  // Every socket comes from 127.0.0.1: the per-address connection cap must leave room for all of them.
  MAX_CONNECTIONS_PER_ADDRESS: String(BOOK_SOCKETS + MARKET_SOCKETS + 100),
});

async function request(method: string, path: string, body?: unknown, token?: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Run `fn` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map((x, j) => fn(x, i + j)));
}

function open(path: string, onFrame: (frame: any) => void): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}${path}`, { perMessageDeflate: false, origin: `http://127.0.0.1:${PORT}` });
  sockets.push(ws);
  ws.on("message", (data) => onFrame(JSON.parse(String(data))));
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
}

/** What one book socket holds: the view now, and the last summary it saw of each market (also after removal). */
class BookHolder {
  readonly view = new Map<string, Summary>();
  readonly last = new Map<string, Summary>();
  books = 0;

  take(frame: any): void {
    if (frame.type === "book") {
      this.books++;
      this.view.clear();
      for (const s of frame.markets) this.#keep(s);
    } else if (frame.type === "summary" || frame.type === "added") this.#keep(frame.market);
    else if (frame.type === "removed") this.view.delete(frame.id);
  }

  #keep(s: Summary): void {
    const held = this.last.get(s.id);
    if (held && held.seq > s.seq) return;
    this.last.set(s.id, s);
    this.view.set(s.id, s);
  }
}

it(`keeps ${BOOK_SOCKETS} book sockets current with ${MARKETS} moving markets`, { timeout: 300_000 }, async () => {
  const { token: admin } = await request("POST", "/api/session", { name: "load", adminKey: ADMIN_KEY });
  const ids = Array.from({ length: MARKETS, }, (_, i) => `book-load-${i}`);
  await inBatches(ids, 25, (id, i) =>
    request("POST", "/api/markets", {
      id,
      name: "Match odds",
      event: `Load ${i % 10} v Test`,
      selections: [{ id: "home", name: "Home", odds: 2 }, { id: "away", name: "Away", odds: 3 }],
    }, admin),
  );

  const holders = Array.from({ length: BOOK_SOCKETS }, () => new BookHolder());
  await inBatches(holders, 50, (h) => open("/api/book/ws", (f) => h.take(f)));
  await until(() => holders.every((h) => h.books === 1), "every first book frame", 60_000);
  for (const h of holders) assert.equal(h.view.size, MARKETS, "the default view holds every market");

  const watched = ids.slice(0, MARKET_SOCKETS);
  const marketSeqs = new Map<string, number>();
  await inBatches(watched, 10, (id) => open(`/api/markets/${id}/ws`, (f) => {
    if (typeof f.seq === "number") marketSeqs.set(id, Math.max(marketSeqs.get(id) ?? -1, f.seq));
  }));

  // Odds move on every market, round after round, while the sockets watch.
  for (let round = 1; round <= ROUNDS; round++) {
    await inBatches(ids, 25, (id, i) =>
      request("POST", `/api/markets/${id}/odds`, { odds: { home: (200 + ((round + i) % 50)) / 100, away: (300 + round) / 100 } }, admin),
    );
  }
  // Then the status of some changes, and some are settled.
  await inBatches(ids.slice(0, 100), 25, (id) => request("POST", `/api/markets/${id}/status`, { status: "suspended", inPlay: true }, admin));
  await inBatches(ids.slice(100, 150), 25, (id) => request("POST", `/api/markets/${id}/settle`, { winner: "home" }, admin));

  const finals = new Map<string, Summary>();
  for (const id of ids) finals.set(id, (await request("GET", `/api/markets/${id}`)).market);
  const current = (h: BookHolder) =>
    ids.every((id) => {
      const want = finals.get(id)!;
      const got = h.last.get(id);
      return got !== undefined && got.seq === want.seq && (want.status === "settled" ? !h.view.has(id) : h.view.has(id));
    });
  await until(() => holders.every(current), "every book socket to hold every market's final state", 90_000).catch(async (err) => {
    const stale = holders.filter((h) => !current(h));
    const listed = new Map<string, Summary>();
    for (const q of ["limit=500", "limit=500&status=settled"]) for (const m of (await request("GET", `/api/markets?${q}`)).markets) listed.set(m.id, m);
    const h = stale[0];
    const wrong = ids.filter((id) => h.last.get(id)?.seq !== finals.get(id)!.seq || (finals.get(id)!.status === "settled") === h.view.has(id));
    const show = (s?: Summary) => (s ? `${s.seq}/${s.status}` : "none");
    console.log(`# ${stale.length} stale sockets, books ${stale.map((x) => x.books).join(",")}; first has ${wrong.length} wrong: ` +
      wrong.slice(0, 5).map((id) => `${id} want ${show(finals.get(id))} got ${show(h.last.get(id))} inView ${h.view.has(id)} book ${show(listed.get(id))}`).join("; "));
    throw err;
  });
  for (const h of holders) {
    for (const id of ids) {
      const want = finals.get(id)!;
      const got = h.last.get(id)!;
      assert.equal(got.status, want.status, `${id} status`);
      assert.deepEqual(got.selections.map((s) => s.odds), want.selections.map((s) => s.odds), `${id} odds`);
      if (want.winner) assert.equal(got.winner, want.winner);
    }
  }
  await until(() => watched.every((id) => marketSeqs.get(id) === finals.get(id)!.seq), "every market socket at its final seq", 30_000);
  const stats = await request("GET", "/api/book/stats", undefined, admin);
  const busiestShard = Math.max(...stats.shards.map((s: { peak: number }) => s.peak));
  console.log(
    `# ${MARKETS} markets, ${BOOK_SOCKETS} book sockets on ${stats.book.relays} relays: all current; busiest second: book ${stats.book.peak} calls, shard ${busiestShard}`,
  );
});
