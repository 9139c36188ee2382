// Crash the hub or the wallet at named points mid-bet and mid-settlement
// (ctx.abort: the instance and its memory are gone, storage stays), then let
// the alarm finish the work and prove every cent is where it should be.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { FaultPoint } from "../../worker/betting/fault-points.ts";
import type { MarketHub } from "../../worker/market/market-hub.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";
import { adminSession, call, createMarket, punterSession } from "../helpers/api.ts";
import { betsOf, checkMoney, hubStub, walletStub } from "../helpers/money.ts";

let n = 0;
const betId = () => `crash-${Date.now().toString(36)}-${++n}`;

async function armHub(marketId: string, point: FaultPoint) {
  await runInDurableObject(hubStub(marketId), (hub: MarketHub) => hub.faults.arm(point));
}
async function armWallet(account: string, point: FaultPoint) {
  await runInDurableObject(walletStub(account), (w: Wallet) => w.faults.arm(point));
}
/** Run the hub's alarm until no bet has saga work left (bounded). */
async function settleDown(marketId: string) {
  for (let i = 0; i < 6; i++) {
    await runDurableObjectAlarm(hubStub(marketId)).catch(() => false);
    const bets = await betsOf(marketId);
    if (bets.every((b) => b.phase === "done")) return bets;
  }
  throw new Error("the hub did not finish its bets");
}
const balance = async (token: string) => (await call("GET", "/api/me", { token })).json.account.balance;

async function setup() {
  const admin = await adminSession();
  const market = await createMarket(admin);
  const punter = await punterSession();
  return { admin, market, punter };
}

describe("a crash in the middle of a bet", () => {
  for (const point of ["bet:recorded", "bet:debited"] as const) {
    it(`finishes a bet whose hub crashed at ${point}, debiting once`, async () => {
      const { market, punter } = await setup();
      await armHub(market.id, point);
      const id = betId();
      const body = { id, selectionId: "home", stake: 1000, odds: 2.5 };
      const crashed = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
      expect(crashed.status).toBe(500);
      expect(JSON.stringify(crashed.json)).not.toMatch(/fault injected|\.ts:/);
      await settleDown(market.id);
      const retry = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
      expect(retry.json).toMatchObject({ id, status: "accepted" });
      expect(await balance(punter.token)).toBe(99_000);
      await checkMoney([punter.account.id], [market.id]);
    });
  }

  it("checks the market again when the wallet's answer was lost, and refunds a bet whose price moved meanwhile", async () => {
    const { admin, market, punter } = await setup();
    await armWallet(punter.account.id, "wallet:committed");
    const id = betId();
    const body = { id, selectionId: "home", stake: 1000, odds: 2.5 };
    const first = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    // The wallet took the stake and crashed before answering: the bet is pending, not lost.
    expect(first.json).toMatchObject({ status: "pending" });
    expect(await balance(punter.token)).toBe(99_000);
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.2 } } });
    await settleDown(market.id);
    const final = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    expect(final.json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED" });
    expect(await balance(punter.token)).toBe(100_000);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("refunds exactly once when the hub crashes after deciding to refund", async () => {
    const { admin, market, punter } = await setup();
    await armWallet(punter.account.id, "wallet:committed");
    await armHub(market.id, "bet:refund-due");
    const id = betId();
    await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: { id, selectionId: "home", stake: 1000, odds: 2.5 } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    const bets = await settleDown(market.id);
    expect(bets.find((b) => b.id === id)).toMatchObject({ status: "rejected", reason: "MARKET_SUSPENDED" });
    expect(await balance(punter.token)).toBe(100_000);
    await checkMoney([punter.account.id], [market.id]);
  });
});

describe("a crash in the middle of settlement", () => {
  it("pays every bet exactly once after a crash between payments and a repeated settle", async () => {
    const { admin, market } = await setup();
    const punters = await Promise.all([1, 2, 3, 4].map((i) => punterSession(`s${i}`)));
    for (const [i, p] of punters.entries()) {
      const sel = i % 2 === 0 ? "home" : "away";
      const odds = sel === "home" ? 2.5 : 2.9;
      const r = await call("POST", `/api/markets/${market.id}/bets`, { token: p.token, body: { id: betId(), selectionId: sel, stake: 1000 * (i + 1), odds } });
      expect(r.json.status).toBe("accepted");
    }
    await armHub(market.id, "settle:paid");
    const settled = await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "home" } });
    expect(settled.status).toBe(200);
    // A trader who did not see the answer settles again: refused, and pays nothing twice.
    const repeat = await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "home" } });
    expect(repeat.status).toBe(409);
    await settleDown(market.id);
    const expected = [100_000 - 1000 + 2500, 100_000 - 2000, 100_000 - 3000 + 7500, 100_000 - 4000];
    expect(await Promise.all(punters.map((p) => balance(p.token)))).toEqual(expected);
    await checkMoney(punters.map((p) => p.account.id), [market.id]);
  });

  it("pays a winner once when the wallet crashes after crediting", async () => {
    const { admin, market, punter } = await setup();
    await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: { id: betId(), selectionId: "draw", stake: 1000, odds: 3.2 } });
    await armWallet(punter.account.id, "wallet:committed");
    await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "draw" } });
    await settleDown(market.id);
    expect(await balance(punter.token)).toBe(100_000 - 1000 + 3200);
    await checkMoney([punter.account.id], [market.id]);
  });
});
