// Fan-out beyond one object: past RELAY_AFTER (20 in tests) new viewers go to
// relay objects. Order, seq, resume and viewer counts hold across them.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import type { MarketRelay } from "../../worker/relay/market-relay.ts";
import { relayName } from "../../worker/hub/relay-fanout.ts";
import { type TestSocket, adminSession, call, createMarket, mustOpen, punterSession } from "../helpers/api.ts";
import { hubStub } from "../helpers/money.ts";

const relayStub = (marketId: string, i: number) => env.MARKET_RELAY.get(env.MARKET_RELAY.idFromName(relayName(marketId, i)));

async function openMany(id: string, n: number): Promise<TestSocket[]> {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await mustOpen(id));
  for (const s of out) await s.next("snapshot");
  return out;
}

/** The hub commits an odds change but its publish to the relays is lost on the way. */
async function commitUnpublished(marketId: string, odds: Record<string, number>): Promise<void> {
  await runInDurableObject(hubStub(marketId), (hub: MarketHub) => {
    const publish = hub.fanout.publish;
    hub.fanout.publish = () => {};
    try {
      hub.pushOdds(odds, "test");
    } finally {
      hub.fanout.publish = publish;
    }
  });
}

describe("relays", () => {
  it("places viewers past the threshold on relays and delivers every change to all, in order", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const sockets = await openMany(market.id, 50);
    const relayCounts = await Promise.all([0, 1].map((i) => runInDurableObject(relayStub(market.id, i), (r: MarketRelay) => r.room.count())));
    expect(relayCounts).toEqual([20, 10]);
    const seqs = [];
    for (const price of [2.6, 2.7, 2.8]) seqs.push((await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: price } } })).json.seq);
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    for (const s of sockets) {
      const got = [await s.next("odds"), await s.next("odds"), await s.next("odds"), await s.next("status")];
      expect(got.map((f) => f.seq)).toEqual([1, 2, 3, 4]);
    }
    // Punters stay on the hub, where their bets are answered.
    const { token } = await punterSession();
    const punter = await mustOpen(market.id, { token });
    await punter.next("snapshot");
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open" } });
    punter.send({ type: "bet", id: "relay-era-bet", selectionId: "home", stake: 100, odds: 2.8 });
    expect(await punter.next("bet")).toMatchObject({ status: "accepted" });
    // Viewer counts add up across the hub and its relays.
    let v = await sockets[49].next("viewers", 5000);
    while (v.count !== 51) v = await sockets[49].next("viewers", 5000);
    expect(v.count).toBe(51);
    for (const s of [...sockets, punter]) s.close();
  });

  it("resumes a viewer through a relay with exactly the missed frames", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const hubSockets = await openMany(market.id, 20);
    const viewer = await mustOpen(market.id);
    await viewer.next("snapshot");
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.6 } } });
    expect((await viewer.next("odds")).seq).toBe(1);
    viewer.close();
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.7 } } });
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { draw: 3.5 } } });
    const back = await mustOpen(market.id, { query: `since=1&epoch=${market.epoch}` });
    expect([await back.next(), await back.next()]).toMatchObject([
      { type: "odds", seq: 2, odds: { home: 2.7 } },
      { type: "odds", seq: 3, odds: { draw: 3.5 } },
    ]);
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { away: 3.3 } } });
    expect((await back.next("odds")).seq).toBe(4);
    for (const s of [...hubSockets, back]) s.close();
  });

  it("fills a gap from the hub's log when a publish was lost", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const hubSockets = await openMany(market.id, 20);
    const viewer = await mustOpen(market.id);
    await viewer.next("snapshot");
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.6 } } });
    expect((await viewer.next("odds")).seq).toBe(1);
    // The hub commits seq 2 but its publish to the relay is lost.
    await commitUnpublished(market.id, { home: 2.7 });
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.8 } } });
    const [two, three] = [await viewer.next("odds"), await viewer.next("odds")];
    expect([two, three]).toMatchObject([
      { seq: 2, odds: { home: 2.7 } },
      { seq: 3, odds: { home: 2.8 } },
    ]);
    for (const s of [...hubSockets, viewer]) s.close();
  });
  it("gives a viewer joining a relay that lags the hub its first frames once, then only newer changes", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const hubSockets = await openMany(market.id, 20);
    const early = await mustOpen(market.id);
    await early.next("snapshot");
    // The hub commits seq 1 but its publish to the relay is lost: the relay lags at seq 0.
    await commitUnpublished(market.id, { home: 2.7 });
    const late = await mustOpen(market.id);
    const first = await late.next();
    expect(first).toMatchObject({ type: "snapshot", seq: 1 });
    // The relay caught up before the new socket joined: the early viewer has seq 1 too.
    expect((await early.next("odds")).seq).toBe(1);
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.8 } } });
    expect(await late.next("odds")).toMatchObject({ seq: 2, odds: { home: 2.8 } });
    expect((await early.next("odds")).seq).toBe(2);
    for (const s of [...hubSockets, early, late]) s.close();
  });
});
