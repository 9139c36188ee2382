// The SDK's MarketSubscription against a scripted socket: it resumes from the
// last seq it applied, rebuilds the stream on a gap, drops duplicates, pings on
// schedule and replaces a socket that went quiet. No server: the socket is a
// stand-in driven by the test, so every edge is reached on purpose.
import { describe, expect, it } from "vitest";
import { MarketSubscription, type MarketSubscriptionEvents } from "../../client/sdk/market-socket.ts";
import type { ConnectionState } from "../../client/sdk/socket-connection.ts";
import { wireMarket } from "../helpers/wire-market.ts";
import { ScriptedSocket, nextSocket } from "./scripted-socket.ts";

const market = wireMarket({ id: "m1", seq: 5, epoch: "ep" });
const snapshot = { type: "snapshot", seq: 5, epoch: "ep", market };
const odds = (seq: number, price: number) => ({ type: "odds", seq, ts: 1, odds: { a: price } });

function subscribe(options: { staleAfterMs?: number; pingEveryMs?: number } = {}) {
  ScriptedSocket.opened = [];
  const sub = new MarketSubscription("http://book.test", "m1", {
    WebSocket: ScriptedSocket as unknown as new (url: string) => WebSocket,
    backoffBaseMs: 20,
    backoffCapMs: 40,
    random: () => 0.5,
    ...options,
  });
  const seen: { states: ConnectionState[]; odds: number[]; resyncs: MarketSubscriptionEvents["resync"][]; snapshots: number } = {
    states: [],
    odds: [],
    resyncs: [],
    snapshots: 0,
  };
  sub.on("state", (s) => seen.states.push(s));
  sub.on("odds", (f) => seen.odds.push(f.seq));
  sub.on("resync", (r) => seen.resyncs.push(r));
  sub.on("snapshot", () => seen.snapshots++);
  return { sub, seen };
}

describe("a market subscription", () => {
  it("reconnects after a drop with since and epoch of the last change it applied, and takes the replay", async () => {
    const { sub, seen } = subscribe();
    const first = await nextSocket(1);
    expect(first.url.searchParams.has("since")).toBe(false);
    first.open();
    first.deliver(snapshot);
    first.deliver(odds(6, 2.1));
    expect(sub.state).toBe("live");
    first.drop();
    expect(sub.state).toBe("reconnecting");
    const second = await nextSocket(2);
    expect(second.url.pathname).toBe("/api/markets/m1/ws");
    expect(second.url.searchParams.get("since")).toBe("6");
    expect(second.url.searchParams.get("epoch")).toBe("ep");
    second.open();
    // The server replays what was missed: no snapshot needed, nothing applied twice.
    second.deliver(odds(6, 2.1));
    second.deliver(odds(7, 2.2));
    second.deliver(odds(8, 2.3));
    expect(seen.odds).toEqual([6, 7, 8]);
    expect(seen.snapshots).toBe(1);
    expect(sub.market?.selections[0].odds).toBe(2.3);
    expect(seen.states).toEqual(["live", "reconnecting", "live"]);
    sub.close();
  });

  it("rebuilds the stream from its last seq when a change arrives with a gap, applying nothing past it", async () => {
    const { sub, seen } = subscribe();
    const first = await nextSocket(1);
    first.open();
    first.deliver(snapshot);
    first.deliver(odds(6, 2.1));
    first.deliver(odds(8, 2.5));
    expect(seen.odds).toEqual([6]);
    expect(sub.market?.selections[0].odds).toBe(2.1);
    expect(seen.resyncs).toEqual([{ reason: "gap", lastSeq: 6, got: 8 }]);
    expect(first.closedByClient).toBe(true);
    const second = await nextSocket(2);
    expect(second.url.searchParams.get("since")).toBe("6");
    second.open();
    second.deliver(odds(7, 2.4));
    second.deliver(odds(8, 2.5));
    expect(seen.odds).toEqual([6, 7, 8]);
    sub.close();
  });

  it("takes a snapshot in place of its state when the server cannot replay", async () => {
    const { sub, seen } = subscribe();
    const first = await nextSocket(1);
    first.open();
    first.deliver(snapshot);
    first.drop();
    const second = await nextSocket(2);
    second.open();
    second.deliver({ ...snapshot, seq: 40, epoch: "ep2", market: { ...market, seq: 40, epoch: "ep2", status: "suspended" } });
    expect(sub.seq).toBe(40);
    expect(sub.epoch).toBe("ep2");
    expect(sub.market?.status).toBe("suspended");
    expect(seen.snapshots).toBe(2);
    sub.close();
  });

  it("pings on schedule, and replaces a socket that stays silent past the stale limit, resuming from its seq", async () => {
    const { sub, seen } = subscribe({ pingEveryMs: 60, staleAfterMs: 240 });
    const first = await nextSocket(1);
    first.open();
    first.deliver(snapshot);
    const second = await nextSocket(2, 3000);
    expect(first.sent.filter((s) => s === "ping").length).toBeGreaterThanOrEqual(1);
    expect(seen.resyncs).toEqual([{ reason: "stale", lastSeq: 5 }]);
    expect(seen.states).toContain("stale");
    expect(first.closedByClient).toBe(true);
    expect(second.url.searchParams.get("since")).toBe("5");
    second.open();
    expect(sub.state).toBe("live");
    sub.close();
  });

  it("drops frames that fail the schema without touching its state, and takes ones with fields added later", async () => {
    const { sub, seen } = subscribe();
    const invalid: string[] = [];
    sub.on("invalid", (i) => invalid.push(i.message));
    const first = await nextSocket(1);
    first.open();
    first.deliver(snapshot);
    first.deliver("not json");
    first.deliver({ type: "odds", seq: 6, ts: 1, odds: { a: "2.1" } });
    expect(invalid).toHaveLength(2);
    expect(sub.seq).toBe(5);
    expect(seen.resyncs).toEqual([]);
    // Fields the server may add later are no reason to drop a frame.
    first.deliver({ type: "odds", seq: 6, ts: 1, odds: { a: 2.1 }, addedLater: true });
    expect(seen.odds).toEqual([6]);
    sub.close();
  });
});
