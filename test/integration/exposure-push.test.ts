// The trader's book pushed on the market socket: an admin's socket gets the
// exposure on connect and after every bet that changes it (conflated), the
// same figures as GET /exposure; punters' and viewers' sockets never do.
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Exposure, ExposureFrame } from "../../worker/protocol/schemas.ts";
import { EXPOSURE_EVERY_MS } from "../../worker/hub/exposure-feed.ts";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { type TestSocket, adminSession, call, createMarket, mustOpen, punterSession, uniqueId } from "../helpers/api.ts";

const hubOf = (id: string) => env.MARKET_HUB.get(env.MARKET_HUB.idFromName(id));

const httpExposure = async (admin: string, marketId: string): Promise<Exposure> =>
  (await call("GET", `/api/markets/${marketId}/exposure`, { token: admin })).json.exposure;

const bet = (token: string, marketId: string, selectionId: string, stake: number, odds: number, id = uniqueId("bet")) =>
  call("POST", `/api/markets/${marketId}/bets`, { token, body: { id, selectionId, stake, odds } });

/**
 * Exposure frames until one matches `done` (conflated intermediate ones included,
 * such as a bet still at the wallet: pending, its stake not yet counted), with when each came.
 */
async function exposuresUntil(socket: TestSocket, done: (e: Exposure) => boolean, timeoutMs = 5000): Promise<{ frames: ExposureFrame[]; at: number[]; last: ExposureFrame }> {
  const frames: ExposureFrame[] = [];
  const at: number[] = [];
  for (;;) {
    const f = await socket.next("exposure", timeoutMs);
    frames.push(f);
    at.push(Date.now());
    if (done(f.exposure)) return { frames, at, last: f };
  }
}

const staked = (totalStake: number) => (e: Exposure) => e.totalStake === totalStake && e.pendingBets === 0;

describe("the book pushed to the trader's socket", () => {
  it("comes right after the snapshot on connect, then again after a bet, with the figures the HTTP route answers", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const trader = await mustOpen(market.id, { token: admin });
    expect((await trader.next()).type).toBe("snapshot");
    const first = await trader.next();
    expect(first).toEqual({ type: "exposure", seq: market.seq, exposure: await httpExposure(admin, market.id) });
    expect((first as ExposureFrame).exposure.totalStake).toBe(0);

    const punter = await punterSession();
    expect((await bet(punter.token, market.id, "home", 1000, 2.5)).json.status).toBe("accepted");
    const after = (await exposuresUntil(trader, staked(1000))).last;
    expect(after.exposure).toEqual({
      marketId: market.id,
      totalStake: 1000,
      pendingBets: 0,
      selections: [
        { id: "home", bets: 1, stake: 1000, payout: 2500, profitIfWins: -1500 },
        { id: "draw", bets: 0, stake: 0, payout: 0, profitIfWins: 1000 },
        { id: "away", bets: 0, stake: 0, payout: 0, profitIfWins: 1000 },
      ],
    });
    expect(after.exposure).toEqual(await httpExposure(admin, market.id));
    trader.close();
  });

  it("never reaches a punter's socket or a viewer's, through bets and settlement", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const punter = await punterSession();
    const trader = await mustOpen(market.id, { token: admin });
    const mine = await mustOpen(market.id, { token: punter.token });
    const viewer = await mustOpen(market.id);
    await trader.next("exposure");
    await bet(punter.token, market.id, "home", 1000, 2.5);
    await bet(punter.token, market.id, "away", 500, 2.9);
    await exposuresUntil(trader, staked(1500));
    await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "home" } });
    const final = (await exposuresUntil(trader, (e) => e.final !== undefined)).last;
    expect(final.exposure.final).toEqual({ taken: 1500, paidOut: 2500, margin: -1000, bets: 2 });
    for (const socket of [mine, viewer]) {
      const frames = [...socket.frames, ...(await socket.drain(2 * EXPOSURE_EVERY_MS))];
      expect(frames.some((f) => typeof f !== "string" && f.type === "settled")).toBe(true);
      expect(frames.filter((f) => typeof f !== "string" && f.type === "exposure")).toEqual([]);
    }
    for (const s of [trader, mine, viewer]) s.close();
  });

  it("merges a burst of bets into at most four frames a second, the last equal to the HTTP answer", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const trader = await mustOpen(market.id, { token: admin });
    await trader.next("exposure");
    const punters = await Promise.all([1, 2, 3, 4].map((n) => punterSession(`burst-${n}`)));
    const started = Date.now();
    const bets = punters.flatMap((p, i) => [1, 2, 3, 4, 5].map((n) => bet(p.token, market.id, ["home", "draw", "away"][(i + n) % 3], 100 * n, [2.5, 3.2, 2.9][(i + n) % 3])));
    const answers = await Promise.all(bets);
    expect(answers.every((a) => a.json.status === "accepted")).toBe(true);
    const { frames, at } = await exposuresUntil(trader, staked(4 * (100 + 200 + 300 + 400 + 500)));
    // Sends are at least EXPOSURE_EVERY_MS apart: never more than one per window, plus the first.
    expect(frames.length).toBeLessThan(answers.length);
    expect(frames.length).toBeLessThanOrEqual(1 + Math.ceil((at[at.length - 1] - started) / EXPOSURE_EVERY_MS));
    expect(frames[frames.length - 1].exposure).toEqual(await httpExposure(admin, market.id));
    // The trailing send was the last: nothing more follows an unchanged book.
    expect((await trader.drain(2 * EXPOSURE_EVERY_MS)).filter((f) => f.type === "exposure")).toEqual([]);
    trader.close();
  });

  it("reads the book once per send, the same frame to every trader socket", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const traders = [await mustOpen(market.id, { token: admin }), await mustOpen(market.id, { token: admin }), await mustOpen(market.id, { token: admin })];
    for (const t of traders) await t.next("exposure");
    // Count the store's exposure reads from here on (the hub stays in memory: its sockets are open).
    const reads = await runInDurableObject(hubOf(market.id), (hub: MarketHub) => {
      const read = hub.store.exposure.bind(hub.store);
      const counter = { n: 0 };
      hub.store.exposure = () => (counter.n++, read());
      (globalThis as { exposureReads?: typeof counter }).exposureReads = counter;
      return counter.n;
    });
    expect(reads).toBe(0);
    const punter = await punterSession();
    await bet(punter.token, market.id, "home", 1000, 2.5);
    const seen = await Promise.all(traders.map((t) => exposuresUntil(t, staked(1000))));
    const sent = seen[0].frames.map((f) => f.exposure);
    for (const s of seen) expect(s.frames.map((f) => f.exposure)).toEqual(sent);
    const counted = await runInDurableObject(hubOf(market.id), () => (globalThis as { exposureReads?: { n: number } }).exposureReads?.n);
    expect(counted).toBe(sent.length);
    for (const t of traders) t.close();
  });

  it("counts a stake held in an in-play delay as pending, and sends the book again when the delay ends", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin, { id: uniqueId("held") });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 1000 } });
    const trader = await mustOpen(market.id, { token: admin });
    await trader.next("exposure");
    const punter = await punterSession();
    expect((await bet(punter.token, market.id, "draw", 400, 3.2)).json.status).toBe("pending");
    // Held for the delay: the stake is taken and counted, the bet pending; then accepted.
    const held = await exposuresUntil(trader, (e) => e.totalStake === 400);
    expect(held.last.exposure).toMatchObject({ pendingBets: 1, totalStake: 400 });
    expect(held.last.exposure.selections.find((s) => s.id === "draw")).toMatchObject({ bets: 1, stake: 400, payout: 1280 });
    const decided = await exposuresUntil(trader, staked(400));
    expect(decided.last.exposure).toEqual(await httpExposure(admin, market.id));
    trader.close();
  });

  it("keeps pushing after the hub hibernates with the trader's socket open", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const trader = await mustOpen(market.id, { token: admin });
    await trader.next("exposure");
    await evictDurableObject(hubOf(market.id));
    const punter = await punterSession();
    await bet(punter.token, market.id, "away", 700, 2.9);
    expect((await exposuresUntil(trader, staked(700))).last.exposure).toEqual(await httpExposure(admin, market.id));
    trader.close();
  });
});
