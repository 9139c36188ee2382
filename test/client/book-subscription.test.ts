// The SDK's BookSubscription against a scripted socket, for the edges a server
// does not produce on demand: an older seq, a rebuilt book that lags, a bad
// frame, a silent socket, a view the server would refuse. Against the real
// Worker: test/integration/book-subscription.test.ts.
import { describe, expect, it } from "vitest";
import { BookSubscription, type BookView } from "../../client/sdk/book-socket.ts";
import type { Summary } from "../../worker/protocol/book.ts";
import { ScriptedSocket, nextSocket } from "./scripted-socket.ts";

const fast = { backoffBaseMs: 20, backoffCapMs: 40, random: () => 0.5 };
const odds = (s: Summary | undefined, sel: string) => s?.selections.find((x) => x.id === sel)?.odds;

describe("a book subscription", () => {
  const summary = (id: string, seq: number, home: number, status: Summary["status"] = "open"): Summary => ({
    id,
    name: "Match odds",
    event: "A v B",
    status,
    inPlay: false,
    selections: [{ id: "home", name: "Home", odds: home }],
    seq,
  });

  function scripted(view: BookView = {}, options: { staleAfterMs?: number; pingEveryMs?: number } = {}) {
    ScriptedSocket.opened = [];
    return new BookSubscription("http://book.test", view, { WebSocket: ScriptedSocket as unknown as new (url: string) => WebSocket, ...fast, ...options });
  }

  it("keeps the summary with the higher seq per market, in summary frames and in a rebuilt book", async () => {
    const sub = scripted();
    const changed: number[] = [];
    sub.on("summary", (m) => changed.push(m.seq));
    const first = await nextSocket(1);
    expect(first.url.pathname).toBe("/api/book/ws");
    expect(first.url.search).toBe("");
    first.open();
    first.deliver({ type: "book", markets: [summary("m1", 4, 2), summary("m2", 1, 3)] });
    first.deliver({ type: "summary", market: summary("m1", 6, 2.2) });
    first.deliver({ type: "summary", market: summary("m1", 5, 2.1) });
    first.deliver({ type: "summary", market: summary("m1", 6, 2.1) });
    // A summary for a market outside the view is not taken into it.
    first.deliver({ type: "summary", market: summary("m9", 1, 9) });
    expect(changed).toEqual([6]);
    expect(odds(sub.get("m1"), "home")).toBe(2.2);
    expect(sub.get("m9")).toBeUndefined();

    first.drop();
    const second = await nextSocket(2);
    second.open();
    // The shards lag behind m1 after a restart; m2 left the view and m3 entered it.
    second.deliver({ type: "book", markets: [summary("m1", 5, 2.1), summary("m3", 0, 4)] });
    expect(sub.markets.map((m) => [m.id, m.seq])).toEqual([
      ["m1", 6],
      ["m3", 0],
    ]);
    sub.close();
  });

  it("adds and removes markets as the view changes, and takes an added market it already holds only when newer", async () => {
    const sub = scripted({ event: "Group A" });
    const first = await nextSocket(1);
    expect(first.url.searchParams.get("event")).toBe("Group A");
    first.open();
    first.deliver({ type: "book", markets: [summary("m1", 1, 2)] });
    first.deliver({ type: "added", market: summary("m2", 0, 3) });
    first.deliver({ type: "added", market: summary("m1", 0, 1.5) });
    first.deliver({ type: "removed", id: "m1" });
    first.deliver({ type: "removed", id: "m1" });
    expect(sub.markets).toEqual([summary("m2", 0, 3)]);
    sub.close();
  });

  it("drops frames that fail the schema without touching its view, and reports error frames", async () => {
    const sub = scripted();
    const invalid: string[] = [];
    const errors: string[] = [];
    sub.on("invalid", (i) => invalid.push(i.message));
    sub.on("error", (e) => errors.push(e.code));
    const first = await nextSocket(1);
    first.open();
    first.deliver({ type: "book", markets: [summary("m1", 1, 2)] });
    first.deliver("not json");
    first.deliver({ type: "summary", market: { ...summary("m1", 2, 2.5), seq: "2" } });
    first.deliver({ type: "error", code: "INVALID", message: "only ping" });
    expect(invalid).toHaveLength(2);
    expect(errors).toEqual(["INVALID"]);
    expect(sub.get("m1")?.seq).toBe(1);
    sub.close();
  });

  it("pings on schedule, replaces a socket that stays silent past the stale limit, and rebuilds from the next book", async () => {
    const sub = scripted({ ids: ["m1"] }, { pingEveryMs: 60, staleAfterMs: 240 });
    const resyncs: string[] = [];
    sub.on("resync", (r) => resyncs.push(r.reason));
    const first = await nextSocket(1);
    first.open();
    first.deliver({ type: "book", markets: [summary("m1", 1, 2)] });
    const second = await nextSocket(2, 3000);
    expect(first.sent.filter((s) => s === "ping").length).toBeGreaterThanOrEqual(1);
    expect(first.closedByClient).toBe(true);
    expect(resyncs).toEqual(["stale"]);
    expect(second.url.searchParams.get("ids")).toBe("m1");
    second.open();
    second.deliver({ type: "book", markets: [summary("m1", 3, 2.4, "suspended")] });
    expect(sub.get("m1")?.status).toBe("suspended");
    sub.close();
  });

  it("moves to another view on one socket, and refuses a view the server would refuse before opening any", async () => {
    const sub = scripted();
    const first = await nextSocket(1);
    first.open();
    sub.setView({ ids: ["a", "b"] });
    const second = await nextSocket(2);
    expect(first.closedByClient).toBe(true);
    expect(second.url.searchParams.get("ids")).toBe("a,b");
    sub.close();
    ScriptedSocket.opened = [];
    expect(() => scripted({ event: "" })).toThrow(RangeError);
    expect(() => scripted({ event: "x".repeat(121) })).toThrow(RangeError);
    expect(() => scripted({ ids: [] })).toThrow(RangeError);
    expect(() => scripted({ ids: Array.from({ length: 501 }, (_, i) => `m${i}`) })).toThrow(RangeError);
    // What the server refuses, the SDK refuses first: ids that are not market ids, an event of spaces.
    expect(() => scripted({ ids: ["A"] })).toThrow(RangeError);
    expect(() => scripted({ ids: ["bad id"] })).toThrow(RangeError);
    expect(() => scripted({ event: "   " })).toThrow(RangeError);
    expect(ScriptedSocket.opened).toHaveLength(0);
  });
});
