// Crash the hub or the wallet at named points mid-bet and mid-settlement
// (ctx.abort: the instance and its memory are gone, storage stays), then let
// the alarm finish the work and prove every cent is where it should be.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type FaultPoint, firedFaults, reachedFaults } from "../../worker/platform/fault-points.ts";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";
import { adminSession, call, createMarket, mustOpen, punterSession } from "../helpers/api.ts";
import { betsOf, checkMoney, hubStub, netByBet, walletStub } from "../helpers/money.ts";

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
/** Make the held bets due now, as the delay ending would, without waiting it out. */
const endDelay = (marketId: string) =>
  runInDurableObject(hubStub(marketId), (hub: MarketHub) => {
    for (const row of hub.store.betsInPhase("held")) hub.store.putBet({ ...row, dueAt: Date.now() - 1 });
  });
const fired = (point: FaultPoint) => firedFaults.get(point) ?? 0;
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

  it("finishes a refused bet's claim from the alarm when the wallet crashed before answering it", async () => {
    const { admin, market, punter } = await setup();
    const other = await createMarket(admin);
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    const before = fired("wallet:committed");
    await armWallet(punter.account.id, "wallet:committed");
    const body = { id: betId(), selectionId: "home", stake: 1000, odds: 2.5 };
    const refused = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    // The hub never heard the claim's answer, so the refusal is not final yet: pending, kept to be claimed again.
    expect(refused.json).toMatchObject({ status: "pending", bet: { status: "pending", marketId: market.id } });
    expect(refused.json.reason).toBeUndefined();
    expect(fired("wallet:committed")).toBe(before + 1);
    expect((await betsOf(market.id)).map((b) => [b.phase, b.syncedVersion < b.version])).toEqual([["claim", true]]);
    // The alarm claims it again (idempotent: the wallet finds the id already this market's).
    await runDurableObjectAlarm(hubStub(market.id));
    expect((await betsOf(market.id)).map((b) => [b.phase, b.syncedVersion === b.version])).toEqual([["done", true]]);
    const again = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    expect(again.json).toMatchObject({ id: body.id, status: "rejected", reason: "MARKET_SUSPENDED" });
    const mine = (await call("GET", "/api/me/bets", { token: punter.token })).json.bets;
    expect(mine).toMatchObject([{ id: body.id, marketId: market.id, status: "rejected", reason: "MARKET_SUSPENDED" }]);
    const elsewhere = await call("POST", `/api/markets/${other.id}/bets`, { token: punter.token, body });
    expect(elsewhere.json).toMatchObject({ id: body.id, status: "rejected", reason: "MARKET_SUSPENDED", bet: { marketId: market.id } });
    expect(await balance(punter.token)).toBe(100_000);
    await checkMoney([punter.account.id], [market.id, other.id]);
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

describe("a crash in the middle of a void", () => {
  for (const target of ["hub", "wallet"] as const) {
    const point: FaultPoint = target === "hub" ? "settle:paid" : "wallet:committed";
    it(`refunds every accepted stake exactly once when the ${target} crashes at ${point} half way through a void`, async () => {
      const { admin, market } = await setup();
      const punters = await Promise.all([1, 2, 3, 4].map((i) => punterSession(`v${i}`)));
      const stakes = new Map<string, number>();
      for (const [i, p] of punters.entries()) {
        for (const [j, sel] of (["home", "away"] as const).entries()) {
          const id = betId();
          const stake = 1000 * (i + 1) + 100 * j;
          const odds = sel === "home" ? 2.5 : 2.9;
          const r = await call("POST", `/api/markets/${market.id}/bets`, { token: p.token, body: { id, selectionId: sel, stake, odds } });
          expect(r.json.status).toBe("accepted");
          stakes.set(`${market.id}/${id}`, stake);
        }
      }
      // A bet refused before any money moved stays out of the void.
      const refused = await call("POST", `/api/markets/${market.id}/bets`, { token: punters[0].token, body: { id: betId(), selectionId: "home", stake: 1000, odds: 9 } });
      expect(refused.json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED" });
      const before = fired(point);
      if (target === "hub") await armHub(market.id, point);
      else await armWallet(punters[1].account.id, point);

      const voided = await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { void: true } });
      expect(voided.status).toBe(200);
      const repeat = await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { void: true } });
      expect(repeat.status).toBe(409);
      const bets = await settleDown(market.id);
      expect(fired(point)).toBe(before + 1);

      expect(bets.filter((b) => b.status === "void")).toHaveLength(stakes.size);
      for (const b of bets.filter((b) => b.status === "void")) expect(b.payout).toBe(b.stake);
      expect(await Promise.all(punters.map((p) => balance(p.token)))).toEqual(punters.map(() => 100_000));
      for (const p of punters) {
        for (const [key, moved] of await netByBet(p.account.id)) {
          // One stake taken, the same amount given back once, nothing paid.
          expect(moved).toEqual({ stake: -stakes.get(key)!, refund: stakes.get(key)!, payout: 0 });
        }
      }
      const entries = (await Promise.all(punters.map(async (p) => (await runInDurableObject(walletStub(p.account.id), (w: Wallet) => w.audit())).entries))).flat();
      expect(entries.filter((e) => e.kind === "refund")).toHaveLength(stakes.size);
      await checkMoney(punters.map((p) => p.account.id), [market.id]);
    });
  }
});

describe("a hub evicted during an in-play delay", () => {
  /** Make the held bets due now, as the delay ending would, without waiting it out. */

  /** An in-play market with a 5 s delay and a punter's 10.00 bet on it, answered pending. */
  async function pendingInPlayBet() {
    const { admin, market, punter } = await setup();
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 5000 } });
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    const id = betId();
    ws.send({ type: "bet", id, selectionId: "home", stake: 1000, odds: 2.5 });
    expect(await ws.next("bet")).toMatchObject({ id, status: "pending" });
    return { admin, market, punter, ws, id };
  }

  it("accepts the bet from the alarm after the eviction, tells the punter's socket and takes the stake once", async () => {
    const { admin, market, punter, ws, id } = await pendingInPlayBet();
    expect(await balance(punter.token)).toBe(99_000);

    // The instance that took the bet is gone; its socket is kept (hibernated), its memory is not.
    await evictDurableObject(hubStub(market.id));
    await endDelay(market.id);
    expect((await betsOf(market.id)).map((b) => [b.status, b.phase])).toEqual([["pending", "held"]]);
    await runDurableObjectAlarm(hubStub(market.id));

    expect(await ws.next("bet", 5000)).toMatchObject({ id, status: "accepted", bet: { odds: 2.5, payout: 2500 } });
    const bets = await settleDown(market.id);
    expect(bets.map((b) => [b.id, b.status])).toEqual([[id, "accepted"]]);
    expect(await balance(punter.token)).toBe(99_000);
    expect(await netByBet(punter.account.id)).toEqual(new Map([[`${market.id}/${id}`, { stake: -1000, refund: 0, payout: 0 }]]));
    await checkMoney([punter.account.id], [market.id]);
    ws.close();
  });

  it("rejects the bet from the alarm after the eviction when the price moved in the delay, and refunds it once", async () => {
    const { admin, market, punter, ws, id } = await pendingInPlayBet();

    await evictDurableObject(hubStub(market.id));
    // The push wakes a fresh instance, which knows the bet only from storage.
    expect((await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.2 } } })).status).toBe(200);
    await evictDurableObject(hubStub(market.id));
    await endDelay(market.id);
    await runDurableObjectAlarm(hubStub(market.id));

    expect(await ws.next("bet", 5000)).toMatchObject({ id, status: "rejected", reason: "ODDS_CHANGED" });
    await settleDown(market.id);
    expect(await balance(punter.token)).toBe(100_000);
    expect(await netByBet(punter.account.id)).toEqual(new Map([[`${market.id}/${id}`, { stake: -1000, refund: 1000, payout: 0 }]]));
    const retry = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: { id, selectionId: "home", stake: 1000, odds: 2.5 } });
    expect(retry.json).toMatchObject({ id, status: "rejected", reason: "ODDS_CHANGED" });
    await checkMoney([punter.account.id], [market.id]);
    ws.close();
  });
});

describe("a wallet call that fails before it commits", () => {
  it("leaves a bet pending when its debit failed before committing, and the alarm takes the stake once and accepts it", async () => {
    const { market, punter } = await setup();
    const before = fired("wallet:before-commit");
    await armWallet(punter.account.id, "wallet:before-commit");
    const body = { id: betId(), selectionId: "home", stake: 1000, odds: 2.5 };
    const first = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    expect(first.json).toMatchObject({ status: "pending" });
    expect(fired("wallet:before-commit")).toBe(before + 1);
    expect(await balance(punter.token)).toBe(100_000);
    await settleDown(market.id);
    expect((await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body })).json).toMatchObject({ status: "accepted" });
    expect(await balance(punter.token)).toBe(99_000);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("keeps a refused bet in its refund until a refund call that failed before committing is made again", async () => {
    const { admin, market, punter } = await setup();
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 5000 } });
    const body = { id: betId(), selectionId: "home", stake: 1000, odds: 2.5 };
    expect((await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body })).json.status).toBe("pending");
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    await endDelay(market.id);
    await armWallet(punter.account.id, "wallet:before-commit");
    await runDurableObjectAlarm(hubStub(market.id));
    // The refund never reached the ledger: the bet must still owe it.
    expect((await betsOf(market.id)).map((b) => [b.status, b.phase])).toEqual([["rejected", "refund"]]);
    expect(await balance(punter.token)).toBe(99_000);
    await settleDown(market.id);
    expect(await balance(punter.token)).toBe(100_000);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("pays a winner once when the first payment failed before the wallet committed", async () => {
    const { admin, market, punter } = await setup();
    const body = { id: betId(), selectionId: "draw", stake: 1000, odds: 3.2 };
    expect((await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body })).json.status).toBe("accepted");
    const before = fired("wallet:before-commit");
    await armWallet(punter.account.id, "wallet:before-commit");
    expect((await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "draw" } })).status).toBe(200);
    // The first payment pass (started by the settle) fails before the wallet writes anything (bounded wait).
    for (let i = 0; i < 200 && fired("wallet:before-commit") === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fired("wallet:before-commit")).toBe(before + 1);
    // Still owed (the alarm, armed by the settle, may already be paying it again): paid once, in the end.
    await settleDown(market.id);
    expect(await balance(punter.token)).toBe(100_000 - 1000 + 3200);
    await checkMoney([punter.account.id], [market.id]);
  });
});

describe("a refusal whose claim failed", () => {
  /** A suspended market and another, open; the punter's wallet set to fail its next call before committing. */
  async function refusedWhileClaimFails() {
    const { admin, market, punter } = await setup();
    const other = await createMarket(admin);
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    await armWallet(punter.account.id, "wallet:before-commit");
    return { market, other, punter, body: { id: betId(), selectionId: "home", stake: 1000, odds: 2.5 } };
  }

  it("answers pending, not rejected, when the claim failed before the wallet committed; the id then accepted on another market stays that market's bet", async () => {
    const { market, other, punter, body } = await refusedWhileClaimFails();
    const answers: string[] = [];
    const first = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    answers.push(first.json.status);
    // Not a refusal yet: the id is not claimed, so it may still become a bet elsewhere.
    expect(first.json).toMatchObject({ status: "pending" });
    const elsewhere = await call("POST", `/api/markets/${other.id}/bets`, { token: punter.token, body });
    answers.push(elsewhere.json.status);
    expect(elsewhere.json).toMatchObject({ status: "accepted", bet: { marketId: other.id } });
    await settleDown(market.id);
    const again = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    answers.push(again.json.status);
    expect(again.json).toMatchObject({ status: "accepted", bet: { marketId: other.id } });
    // Never a final refusal followed by anything else: one final outcome for the id.
    expect(new Set(answers.filter((a) => a !== "pending"))).toEqual(new Set(["accepted"]));
    expect(await betsOf(market.id)).toEqual([]);
    expect(await balance(punter.token)).toBe(99_000);
    await checkMoney([punter.account.id], [market.id, other.id]);
  });

  it("keeps the refusal final once the alarm has claimed it: the id on another market gets that refusal", async () => {
    const { market, other, punter, body } = await refusedWhileClaimFails();
    expect((await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body })).json).toMatchObject({ status: "pending" });
    await settleDown(market.id);
    const elsewhere = await call("POST", `/api/markets/${other.id}/bets`, { token: punter.token, body });
    expect(elsewhere.json).toMatchObject({ status: "rejected", reason: "MARKET_SUSPENDED", bet: { marketId: market.id } });
    expect(await balance(punter.token)).toBe(100_000);
    await checkMoney([punter.account.id], [market.id, other.id]);
  });
});

describe("one alarm pass", () => {
  const calls = (method: string) => reachedFaults.get(`wallet:before-commit/${method}`) ?? 0;

  it("sends one refundStake for a held bet it refuses, and one recordBet for a held bet it accepts", async () => {
    const { admin, market, punter } = await setup();
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 5000 } });
    const other = await punterSession("other");
    const refused = { id: betId(), selectionId: "home", stake: 1000, odds: 2.5 };
    const taken = { id: betId(), selectionId: "away", stake: 1000, odds: 2.9, accept: "any" };
    expect((await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: refused })).json.status).toBe("pending");
    expect((await call("POST", `/api/markets/${market.id}/bets`, { token: other.token, body: taken })).json.status).toBe("pending");
    // The refused one's price moves; the other takes any price.
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.6, away: 3 } } });
    await endDelay(market.id);
    const before = { refund: calls("refundStake"), record: calls("recordBet"), claim: calls("claimRefused") };
    await runDurableObjectAlarm(hubStub(market.id));
    expect(calls("refundStake") - before.refund).toBe(1);
    // The accepted bet's copy goes to the wallet in the background, after the
    // wallet was asked whether the account excluded itself: wait (bounded) for it to arrive.
    for (let i = 0; i < 100 && calls("recordBet") === before.record; i++) await new Promise((r) => setTimeout(r, 10));
    expect(calls("recordBet") - before.record).toBe(1);
    expect(calls("claimRefused") - before.claim).toBe(0);
    expect((await betsOf(market.id)).map((b) => [b.id, b.status, b.phase]).sort()).toEqual(
      [
        [refused.id, "rejected", "done"],
        [taken.id, "accepted", "done"],
      ].sort(),
    );
    await checkMoney([punter.account.id, other.account.id], [market.id]);
  });
});

describe("a crash in the middle of a group", () => {
  /**
   * Three punters' bets placed in one turn of the hub, so they go out as one
   * group: two for A, one for B, and two for C, whose balance covers the
   * first but not the second (the wallet checks them in order, in one transaction).
   */
  async function groupOfBets() {
    const { market } = await setup();
    const [a, b, c] = [await punterSession("a"), await punterSession("b"), await punterSession("c")];
    const bets = [
      { punter: a, body: { id: betId(), selectionId: "home", stake: 1000, odds: 2.5 }, status: "accepted" },
      { punter: b, body: { id: betId(), selectionId: "home", stake: 700, odds: 2.5 }, status: "accepted" },
      { punter: a, body: { id: betId(), selectionId: "away", stake: 500, odds: 2.9 }, status: "accepted" },
      { punter: c, body: { id: betId(), selectionId: "home", stake: 60_000, odds: 2.5 }, status: "accepted" },
      { punter: c, body: { id: betId(), selectionId: "draw", stake: 60_000, odds: 3.2 }, status: "rejected" },
    ];
    const place = () =>
      runInDurableObject(hubStub(market.id), (hub: MarketHub) => Promise.all(bets.map((x) => hub.placeBet(x.punter.account.id as never, x.body as never))));
    return { market, punters: [a, b, c], bets, place, expected: [98_500, 99_300, 40_000] };
  }

  /**
   * Each bet asked again gets its final answer, the same as its record. The
   * alarm may finish C's two bets in either order, so which of them the
   * balance covered may differ from the placement order: one of each.
   */
  async function expectFinished(marketId: string, bets: Awaited<ReturnType<typeof groupOfBets>>["bets"]) {
    const answers: { id: string; status: string }[] = [];
    for (const x of bets) answers.push((await call("POST", `/api/markets/${marketId}/bets`, { token: x.punter.token, body: x.body })).json);
    const rows = new Map<string, string>((await betsOf(marketId)).map((r) => [r.id, r.status]));
    for (const [i, x] of bets.entries()) expect([answers[i].id, answers[i].status]).toEqual([x.body.id, rows.get(x.body.id)]);
    const c = bets.at(-1)!.punter;
    const statuses = (which: (x: (typeof bets)[number]) => boolean, of: (i: number) => string) => bets.flatMap((x, i) => (which(x) ? [of(i)] : []));
    expect(statuses((x) => x.punter !== c, (i) => answers[i].status)).toEqual(statuses((x) => x.punter !== c, (i) => bets[i].status));
    expect(statuses((x) => x.punter === c, (i) => answers[i].status).sort()).toEqual(["accepted", "rejected"]);
  }

  it("answers every bet of a group placed together and records each as answered, one debitStakes call per account", async () => {
    const { market, punters, bets, place, expected } = await groupOfBets();
    const calls = () => reachedFaults.get("wallet:before-commit/debitStakes") ?? 0;
    const before = calls();
    const answers = await place();
    expect(calls() - before).toBe(3);
    expect(answers.map((r) => r.status)).toEqual(bets.map((x) => x.status));
    const rows = await betsOf(market.id);
    for (const [i, x] of bets.entries()) expect(rows.find((r) => r.id === x.body.id)?.status).toBe(answers[i].status);
    for (const [i, p] of punters.entries()) expect(await balance(p.token)).toBe(expected[i]);
    await checkMoney(punters.map((p) => p.account.id), [market.id]);
  });

  for (const point of ["bet:recorded", "bet:debited", "bet:group-part"] as const) {
    it(`finishes every bet of a group whose hub crashed at ${point}, each debited once`, async () => {
      const { market, punters, bets, place, expected } = await groupOfBets();
      const before = fired(point);
      await armHub(market.id, point);
      await expect(place()).rejects.toThrow();
      expect(fired(point)).toBe(before + 1);
      // What the crash left: at group-part, A's bets (the group's first account) recorded and the rest still at the wallet step.
      const left = new Map<string, string>((await betsOf(market.id)).map((r) => [r.id, r.phase]));
      expect(bets.map((x) => left.get(x.body.id))).toEqual(bets.map((x) => (point === "bet:group-part" && x.punter === punters[0] ? "done" : "debit")));
      await settleDown(market.id);
      await expectFinished(market.id, bets);
      for (const [i, p] of punters.entries()) expect(await balance(p.token)).toBe(expected[i]);
      await checkMoney(punters.map((p) => p.account.id), [market.id]);
    });
  }

  it("answers the rest of a group when one account's wallet crashed after committing its part, and finishes that account's bets once", async () => {
    const { market, punters, bets, place, expected } = await groupOfBets();
    await armWallet(punters[0].account.id, "wallet:committed");
    const answers = await place();
    // A's stakes were taken but A's answer was lost: A's bets are pending; the others are final.
    expect(answers.map((r) => r.status)).toEqual(bets.map((x) => (x.punter === punters[0] ? "pending" : x.status)));
    await settleDown(market.id);
    await expectFinished(market.id, bets);
    for (const [i, p] of punters.entries()) expect(await balance(p.token)).toBe(expected[i]);
    await checkMoney(punters.map((p) => p.account.id), [market.id]);
  });
});
