// The book's summaries and the market list served from them: a new market is
// listed at once, changes follow through the shards ordered by seq, a shard
// restart loses nothing, and the list pages and filters in one object call.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Book } from "../../worker/book/book.ts";
import { bookOf, shardFor } from "../../worker/book/book-config.ts";
import { unwrap } from "../../worker/http/unwrap.ts";
import type { Market } from "../../worker/protocol/schemas.ts";
import { adminSession, call, createMarket, uniqueId } from "../helpers/api.ts";

type Listed = { markets: Market[]; next?: string };

async function list(query = ""): Promise<Listed> {
  const r = await call("GET", `/api/markets${query ? `?${query}` : ""}`);
  if (r.status !== 200) throw new Error(`list failed: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Polls the list (a pause between tries) until `check` holds, or fails after `ms`. */
async function listUntil(query: string, check: (l: Listed) => boolean, ms = 2000): Promise<{ list: Listed; after: number }> {
  const started = Date.now();
  for (;;) {
    const l = await list(query);
    if (check(l)) return { list: l, after: Date.now() - started };
    if (Date.now() - started > ms) throw new Error(`list never matched within ${ms} ms: ${JSON.stringify(l).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const find = (l: Listed, id: string) => l.markets.find((m) => m.id === id);
const oddsOf = (m: Market | undefined, sel: string) => m?.selections.find((s) => s.id === sel)?.odds;

describe("summaries", () => {
  it("lists a just-created market at once", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    expect(find(await list(), market.id)).toMatchObject({ id: market.id, status: "open", seq: 0 });
  });

  it("conflates a burst of odds into few calls to the shard, and the latest price wins", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const shard = shardFor(env, market.id);
    await listUntil("", (l) => find(l, market.id) !== undefined);
    await new Promise((r) => setTimeout(r, 300));
    await shard.stats(true);
    const started = Date.now();
    let last = 0;
    for (let i = 1; i <= 30; i++) {
      last = (200 + i) / 100;
      await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: last } } });
    }
    const pushedMs = Date.now() - started;
    await listUntil("", (l) => oddsOf(find(l, market.id), "home") === last && find(l, market.id)!.seq === 30);
    const { total } = unwrap(await shard.stats());
    // At most one send per 250 ms while odds move, plus the leading and trailing edges.
    expect(total).toBeLessThanOrEqual(Math.ceil(pushedMs / 250) + 2);
    expect(total).toBeLessThan(30);
  });

  it("sends status at once, not behind conflated odds", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await listUntil("", (l) => find(l, market.id) !== undefined);
    // The first push goes out at once; the second waits for the 250 ms odds window.
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.6 } } });
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.7 } } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended", inPlay: true } });
    const seen = await listUntil("", (l) => find(l, market.id)?.status === "suspended");
    // The status summary carries the latest odds too: nothing older overtakes it.
    expect(find(seen.list, market.id)).toMatchObject({ inPlay: true, seq: 3 });
    expect(oddsOf(find(seen.list, market.id), "home")).toBe(2.7);
  });

  it("never lets an older seq overwrite a newer one, in the book or in a shard", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 3 } } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    const { list: now } = await listUntil("", (l) => find(l, market.id)?.seq === 2);
    const newest = find(now, market.id)!;
    const stale = { ...newest, seq: 1, status: "open" as const, selections: newest.selections.map((s) => ({ ...s, odds: 9 })) };
    expect(await bookOf(env).apply([{ market: stale, at: Date.now() }])).toBe(0);
    await shardFor(env, market.id).put([{ market: stale, at: Date.now() }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(find(await list(), market.id)).toEqual(newest);
  });

  it("loses nothing when a shard restarts with updates not yet forwarded", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const shard = shardFor(env, market.id);
    await listUntil("", (l) => find(l, market.id) !== undefined);
    const base = find(await list(), market.id)!;
    // Two updates close together: the first is forwarded at once, the second waits its turn in storage.
    await shard.put([{ market: { ...base, seq: 1, selections: base.selections.map((s) => ({ ...s, odds: 4 })) }, at: Date.now() }]);
    await shard.put([{ market: { ...base, seq: 2, status: "closed" }, at: Date.now() }]);
    await evictDurableObject(shard);
    await listUntil("", (l) => find(l, market.id)?.seq === 2 && find(l, market.id)?.status === "closed");
    // And a shard that dies outright (abort) keeps what it acknowledged.
    await shard.put([{ market: { ...base, seq: 3, status: "suspended" }, at: Date.now() }]);
    await runInDurableObject(shard, (_instance, state) => {
      state.abort("test: shard dies");
    }).catch(() => {});
    await listUntil("", (l) => find(l, market.id)?.seq === 3 && find(l, market.id)?.status === "suspended");
  });
});

describe("the market list", () => {
  it("pages oldest first with an opaque cursor, in one call to the book object", async () => {
    const admin = await adminSession();
    const event = uniqueId("Paging");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createMarket(admin, { event: `${event} match ${i}` })).id);
    const before = unwrap(await bookOf(env).stats());
    const first = await list(`event=${event}&limit=2`);
    const after = unwrap(await bookOf(env).stats());
    expect(after.total - before.total).toBe(1);
    expect(first.markets.map((m) => m.id)).toEqual(ids.slice(0, 2));
    expect(typeof first.next).toBe("string");
    const second = await list(`event=${event}&limit=2&cursor=${first.next}`);
    expect(second.markets.map((m) => m.id)).toEqual(ids.slice(2, 4));
    const third = await list(`event=${event}&limit=2&cursor=${second.next}`);
    expect(third.markets.map((m) => m.id)).toEqual(ids.slice(4));
    expect(third.next).toBeUndefined();
    // Default page size 100, and at most 500.
    expect((await list(`event=${event}`)).markets).toHaveLength(5);
  });

  it("filters by repeated status, event substring case-blind, and in play", async () => {
    const admin = await adminSession();
    const event = uniqueId("Filter");
    const open = await createMarket(admin, { event: `${event} Reds v Blues` });
    const suspended = await createMarket(admin, { event: `${event} Greens v Whites` });
    const closed = await createMarket(admin, { event: `${event} Reds v Greens` });
    await call("POST", `/api/markets/${suspended.id}/status`, { token: admin, body: { status: "suspended", inPlay: true } });
    await call("POST", `/api/markets/${closed.id}/status`, { token: admin, body: { status: "closed" } });
    const q = (extra: string) => `event=${event}&${extra}`;
    const ids = (l: Listed) => l.markets.map((m) => m.id);
    await listUntil(q("status=closed"), (l) => ids(l).length === 1);
    expect(ids(await list(q("status=open&status=suspended")))).toEqual([open.id, suspended.id]);
    expect(ids(await list(`event=${event.toUpperCase()}%20REDS`))).toEqual([open.id, closed.id]);
    expect(ids(await list(q("inPlay=true")))).toEqual([suspended.id]);
    expect(ids(await list(q("inPlay=false")))).toEqual([open.id, closed.id]);
  });

  it("leaves out markets settled or voided over an hour ago unless asked for by status, and keeps them by id", async () => {
    const admin = await adminSession();
    const event = uniqueId("Finished");
    const old = await createMarket(admin, { event });
    const recent = await createMarket(admin, { event });
    const live = await createMarket(admin, { event });
    await call("POST", `/api/markets/${old.id}/settle`, { token: admin, body: { winner: "home" } });
    await call("POST", `/api/markets/${recent.id}/settle`, { token: admin, body: { void: true } });
    await listUntil(`event=${event}&status=settled&status=voided`, (l) => l.markets.length === 2);
    // An hour and a moment pass for the first one.
    await runInDurableObject(bookOf(env), (_book: Book, state) => {
      state.storage.sql.exec("UPDATE summaries SET finished_at = ? WHERE id = ?", Date.now() - 3_600_001, old.id);
    });
    const ids = (l: Listed) => l.markets.map((m) => m.id);
    expect(ids(await list(`event=${event}`))).toEqual([recent.id, live.id]);
    expect(ids(await list(`event=${event}&status=settled`))).toEqual([old.id]);
    expect((await call("GET", `/api/markets/${old.id}`)).json.market).toMatchObject({ status: "settled", winner: "home" });
  });

  it("refuses a malformed query with 400 INVALID", async () => {
    for (const q of ["limit=0", "limit=501", "limit=ten", "limit=1&limit=2", "status=done", "inPlay=yes", "cursor=not-ours", "cursor=%25%25"]) {
      const r = await call("GET", `/api/markets?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json.error.code).toBe("INVALID");
    }
    expect((await call("GET", "/api/markets?limit=500")).status).toBe(200);
  });
});
