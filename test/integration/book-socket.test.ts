// The book socket, `GET /api/book/ws`: one socket for many markets. First a
// `book` frame, then `summary`, `added` and `removed`; views by event or ids;
// the market socket's origin rule, limits and heartbeat; relays past
// BOOK_RELAY_SIZE (3 in tests) sockets each.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bookOf, bookRelay } from "../../worker/book/book-config.ts";
import { unwrap } from "../../worker/http/unwrap.ts";
import type { BookRelay } from "../../worker/book/book-relay.ts";
import type { Summary } from "../../worker/protocol/book.ts";
import { BASE, type TestSocket, adminSession, call, createMarket, openBook, uniqueId } from "../helpers/api.ts";

async function mustOpenBook(query?: string): Promise<TestSocket> {
  const r = await openBook(query ? { query } : {});
  if (!r.socket) throw new Error(`book socket refused: ${r.status} ${JSON.stringify(r.json)}`);
  return r.socket;
}

/** The next frame about this market, skipping frames about others (the default view holds every open market). */
async function nextAbout(ws: TestSocket, id: string, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = await ws.next(undefined, Math.max(1, deadline - Date.now()));
    if ((f.type === "summary" || f.type === "added") && f.market.id === id) return f;
    if (f.type === "removed" && f.id === id) return f;
  }
}

/** Summaries follow a change through the shards: wait until the book holds the settlement. */
async function settledInBook(id: string): Promise<void> {
  await expect
    .poll(async () => (await call("GET", "/api/markets?status=settled&status=voided&limit=500")).json.markets.some((m: Summary) => m.id === id), {
      timeout: 2000,
      interval: 20,
    })
    .toBe(true);
}

const price = (s: Summary, sel: string) => s.selections.find((x) => x.id === sel)?.odds;

describe("the book socket", () => {
  it("sends the book first, then summaries, added and removed", async () => {
    const admin = await adminSession();
    const event = uniqueId("Socket");
    const a = await createMarket(admin, { event });
    const settledBefore = await createMarket(admin, { event });
    await call("POST", `/api/markets/${settledBefore.id}/settle`, { token: admin, body: { void: true } });
    await settledInBook(settledBefore.id);
    const ws = await mustOpenBook(`event=${event}`);
    const first = await ws.next();
    if (first.type !== "book") throw new Error(`first frame was ${first.type}`);
    // Settled and voided markets are not in a view by event or the default view.
    expect(first.markets.map((m) => m.id)).toEqual([a.id]);
    expect(first.markets[0]).toEqual({ id: a.id, name: "Match odds", event, status: "open", inPlay: false, selections: a.selections, seq: 0 });

    await call("POST", `/api/markets/${a.id}/odds`, { token: admin, body: { odds: { home: 2.6 } } });
    const odds = await nextAbout(ws, a.id);
    expect(odds).toMatchObject({ type: "summary", market: { id: a.id, seq: 1 } });
    if (odds.type === "summary") expect(price(odds.market, "home")).toBe(2.6);

    await call("POST", `/api/markets/${a.id}/status`, { token: admin, body: { status: "suspended", inPlay: true } });
    expect(await nextAbout(ws, a.id)).toMatchObject({ type: "summary", market: { status: "suspended", inPlay: true, seq: 2 } });

    const b = await createMarket(admin, { event });
    expect(await nextAbout(ws, b.id)).toMatchObject({ type: "added", market: { id: b.id, seq: 0, status: "open" } });

    await call("POST", `/api/markets/${a.id}/settle`, { token: admin, body: { winner: "home" } });
    expect(await nextAbout(ws, a.id)).toMatchObject({ type: "summary", market: { status: "settled", winner: "home", seq: 3 } });
    expect(await nextAbout(ws, a.id)).toEqual({ type: "removed", id: a.id });
    ws.close();
  });

  it("serves the default view (every market not settled or voided) and a view by ids", async () => {
    const admin = await adminSession();
    const a = await createMarket(admin);
    const b = await createMarket(admin);
    await call("POST", `/api/markets/${b.id}/settle`, { token: admin, body: { winner: "draw" } });
    await settledInBook(b.id);
    const all = await mustOpenBook();
    const book = await all.next("book");
    const ids = book.markets.map((m) => m.id);
    expect(ids).toContain(a.id);
    expect(ids).not.toContain(b.id);
    for (const m of book.markets) expect(["settled", "voided"]).not.toContain(m.status);

    // A view by ids keeps what it names, settled or not, and follows only those.
    const byIds = await mustOpenBook(`ids=${b.id},${a.id}`);
    const named = await byIds.next("book");
    expect(named.markets.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    const other = await createMarket(admin);
    await call("POST", `/api/markets/${other.id}/odds`, { token: admin, body: { odds: { home: 5 } } });
    await call("POST", `/api/markets/${a.id}/odds`, { token: admin, body: { odds: { home: 4 } } });
    const next = await byIds.next();
    expect(next).toMatchObject({ type: "summary", market: { id: a.id, seq: 1 } });
    all.close();
    byIds.close();
  });

  it("refuses a bad view with 400 and a foreign origin with 403", async () => {
    const tooMany = Array.from({ length: 501 }, (_, i) => `m-${i}`).join(",");
    for (const query of [`ids=${tooMany}`, "ids=Bad_Id", "ids=", `event=${"x".repeat(121)}`, "event=a&ids=b"]) {
      const r = await openBook({ query });
      expect(r.status, query.slice(0, 40)).toBe(400);
      expect(r.json.error.code).toBe("INVALID");
    }
    expect((await openBook({ query: Array.from({ length: 500 }, (_, i) => `m-${i}`).join(",").replace(/^/, "ids=") })).status).toBe(101);
    // The longest view the contract allows: 500 ids of 64 characters (past the runtime's 16 KiB cap on a socket's attachment).
    const longest = await openBook({ query: `ids=${Array.from({ length: 500 }, (_, i) => `m${String(i).padStart(63, "0")}`).join(",")}` });
    expect(longest.status).toBe(101);
    longest.socket?.close();
    for (const origin of ["https://evil.example", `${BASE}.evil.test`, "null"]) {
      expect((await openBook({ origin })).status, origin).toBe(403);
    }
    const same = await openBook({ origin: BASE });
    expect(same.status).toBe(101);
    same.socket?.close();
    const plain = await call("GET", "/api/book/ws");
    expect(plain.status).toBe(400);
  });

  it("counts book socket opens against the address's budget, as market socket opens are", async () => {
    const address = "10.200.0.1";
    // Opens refused for a bad view still spend the budget, as opens of unknown markets do: no socket is held meanwhile.
    for (let i = 0; i < 300; i += 50) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => openBook({ headers: { "cf-connecting-ip": address }, query: "ids=" })),
      );
      for (const r of answers) expect(r.status).toBe(400);
    }
    expect(await openBook({ headers: { "cf-connecting-ip": address } })).toMatchObject({ status: 429, json: { error: { code: "RATE_LIMITED" } } });
    const other = await openBook({ headers: { "cf-connecting-ip": "10.200.0.2" } });
    expect(other.status).toBe(101);
    other.socket?.close();
  });

  it("answers ping with pong, refuses other frames, closes on 4 KiB+ (1009) and on a flood (1008)", async () => {
    const ws = await mustOpenBook("ids=nobody-here");
    await ws.next("book");
    ws.send("ping");
    await expect.poll(() => ws.frames.includes("pong")).toBe(true);
    ws.send({ type: "bet", id: "book-bet-1", selectionId: "home", stake: 100, odds: 2 });
    ws.send({ type: "hello" });
    expect(await ws.next()).toMatchObject({ type: "error", code: "INVALID" });
    expect(await ws.next()).toMatchObject({ type: "error", code: "INVALID" });
    ws.send("€".repeat(1366));
    expect((await ws.closedWith()).code).toBe(1009);

    const flooder = await mustOpenBook("ids=nobody-here");
    await flooder.next("book");
    for (let i = 0; i < 25; i++) flooder.send("{}");
    const replies = [];
    for (let i = 0; i < 25; i++) replies.push(await flooder.next("error"));
    expect(replies.filter((r) => r.code === "RATE_LIMITED").length).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < 100; i++) flooder.send("{}");
    expect((await flooder.closedWith()).code).toBe(1008);
  });

  it("keeps a book socket through its relay's hibernation, and wakes with a fresh book from the socket's own view", async () => {
    const admin = await adminSession();
    const event = uniqueId("Sleep");
    const market = await createMarket(admin, { event });
    const ws = await mustOpenBook(`event=${event}`);
    expect((await ws.next("book")).markets.map((m) => m.id)).toEqual([market.id]);
    const { relays } = unwrap(await bookOf(env).stats());
    for (let i = 0; i < relays; i++) await evictDurableObject(bookRelay(env, i));
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 3.5 } } });
    // The relay forgot the book with its memory: it reloads it and the view comes back from the socket's attachment.
    const again = await ws.next("book");
    expect(again.markets.map((m) => m.id)).toEqual([market.id]);
    let latest = again.markets[0];
    while (latest.seq < 1) latest = (await ws.next("summary")).market;
    expect(price(latest, "home")).toBe(3.5);
    ws.close();
  });

  it("spreads book sockets over relays and delivers every change to each", async () => {
    const admin = await adminSession();
    const event = uniqueId("Fanout");
    const market = await createMarket(admin, { event });
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 8; i++) sockets.push(await mustOpenBook(`event=${event}`));
    for (const s of sockets) expect((await s.next("book")).markets.map((m) => m.id)).toEqual([market.id]);
    const { relays } = unwrap(await bookOf(env).stats());
    const counts = await Promise.all(
      Array.from({ length: relays }, (_, i) => runInDurableObject(bookRelay(env, i), (r: BookRelay) => r.room.count())),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...counts)).toBeLessThanOrEqual(3);
    for (const home of [2.6, 2.7, 2.8]) await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home } } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    for (const s of sockets) {
      // Odds may be conflated on the way; the last state always arrives, and seq only rises.
      let last: Summary | null = null;
      while (last?.seq !== 4) {
        const f = await s.next("summary");
        if (last) expect(f.market.seq).toBeGreaterThan(last.seq);
        last = f.market;
      }
      expect(last).toMatchObject({ status: "suspended" });
      expect(price(last, "home")).toBe(2.8);
    }
    for (const s of sockets) s.close();
  });
});
