import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Change,
  type MarketState,
  type Refusal,
  applyOdds,
  applySettle,
  applyStatus,
  createMarket,
  toWireMarket,
} from "../../../worker/rules/market-book.ts";
import { exposureOf, finalResultOf } from "../../../worker/rules/exposure.ts";
import { type BetAsk, quoteBet, requote } from "../../../worker/rules/quote.ts";
import { AcceptPolicy, MarketStatus, RejectReason } from "../../../worker/protocol/codes.ts";
import type { CreateMarketBody } from "../../../worker/protocol/schemas.ts";
import { type Money, type Odds, oddsFromDecimal, payoutOf } from "../../../worker/protocol/units.ts";
import { NEW_MARKET, selections } from "../../helpers/wire-market.ts";

const ARSENAL_SPURS = selections(["home", "Arsenal", 2.3], ["draw", "Draw", 3.4], ["away", "Spurs", 3.1]);
const body = (extra: Partial<CreateMarketBody> = {}): CreateMarketBody => ({ id: "m1", name: "Match odds", event: "Arsenal v Spurs", selections: ARSENAL_SPURS, ...extra });

function market(extra: Partial<CreateMarketBody> = {}): MarketState {
  const made = createMarket(body(extra), "ep1");
  if ("code" in made) throw new Error(`fixture refused: ${made.message}`);
  return made;
}

function changed<F>(result: Change<F> | Refusal): Change<F> {
  if ("code" in result) throw new Error(`expected a change, got ${result.code}: ${result.message}`);
  return result;
}

/** A market in the given state, reached through the rules themselves. */
function marketIn(status: "suspended" | "closed" | "settled" | "voided", extra: Partial<CreateMarketBody> = {}): MarketState {
  const m = market(extra);
  if (status === "settled") return changed(applySettle(m, { winner: "home" }, 1_000)).market;
  if (status === "voided") return changed(applySettle(m, { void: true }, 1_000)).market;
  return changed(applyStatus(m, { status }, 1_000)).market;
}

const ask = (selectionId: string, stake: number, odds: number, accept: AcceptPolicy = AcceptPolicy.EXACT): BetAsk => ({
  selectionId,
  stake: stake as Money,
  odds: odds as Odds,
  accept,
});

describe("creating a market", () => {
  it("fills in the contract's defaults and starts open, not in play, at seq 0", () => {
    const m = market();
    expect(m).toMatchObject({
      id: "m1",
      name: "Match odds",
      event: "Arsenal v Spurs",
      ...NEW_MARKET,
      seq: 0,
      epoch: "ep1",
      interruptedAt: 0,
      feedTimeoutMs: 0,
    });
    expect(m.winner).toBeUndefined();
    expect(m.reason).toBeUndefined();
  });

  it("keeps the limits and delay it is given and holds odds as integer hundredths", () => {
    const m = market({ betDelayMs: 5_000, minStake: 50, maxStake: 500, maxPayout: 2_000, feedTimeoutMs: 10_000 });
    expect(m).toMatchObject({ betDelayMs: 5_000, minStake: 50, maxStake: 500, maxPayout: 2_000, feedTimeoutMs: 10_000 });
    // 2.3 * 100 is 229.99999999999997 in binary: it must still land on 230.
    expect(m.selections).toEqual([
      { id: "home", name: "Arsenal", odds: 230 },
      { id: "draw", name: "Draw", odds: 340 },
      { id: "away", name: "Spurs", odds: 310 },
    ]);
  });

  it("refuses a minimum stake above the maximum stake, but allows them to be equal", () => {
    expect(createMarket(body({ minStake: 500, maxStake: 499 }), "ep1")).toEqual({
      code: "INVALID",
      message: expect.any(String),
    });
    // Only the default maximum given: a minimum above 100000 is refused too.
    expect(createMarket(body({ minStake: 100_001 }), "ep1")).toMatchObject({ code: "INVALID" });
    expect(createMarket(body({ minStake: 500, maxStake: 500 }), "ep1")).toMatchObject({ minStake: 500, maxStake: 500 });
  });
});

describe("the wire form of a market", () => {
  it("shows decimal odds and leaves out winner, feed timeout and reason when there are none", () => {
    const wire = toWireMarket(market());
    expect(wire).toEqual({
      id: "m1",
      name: "Match odds",
      event: "Arsenal v Spurs",
      ...NEW_MARKET,
      selections: ARSENAL_SPURS,
      seq: 0,
      epoch: "ep1",
    });
    expect(Object.keys(wire)).not.toContain("winner");
    expect(Object.keys(wire)).not.toContain("feedTimeoutMs");
    expect(Object.keys(wire)).not.toContain("reason");
    expect(Object.keys(wire)).not.toContain("interruptedAt");
  });

  it("carries the winner, the feed timeout and the reason once they exist", () => {
    const suspended = changed(applyStatus(market({ feedTimeoutMs: 8_000 }), { status: "suspended", reason: "goal" }, 5)).market;
    expect(toWireMarket(suspended)).toMatchObject({ status: "suspended", reason: "goal", feedTimeoutMs: 8_000, seq: 1 });
    const settled = changed(applySettle(market(), { winner: "draw" }, 5)).market;
    expect(toWireMarket(settled)).toMatchObject({ status: "settled", winner: "draw", seq: 1 });
  });
});

describe("an odds push", () => {
  it("moves the market one seq and sends only the selections whose price changed", () => {
    const m = market();
    const { market: next, frame } = changed(applyOdds(m, { home: 2.5, draw: 3.4, away: 3.05 }, 1_234));
    expect(frame).toEqual({ type: "odds", seq: 1, ts: 1_234, odds: { home: 2.5, away: 3.05 } });
    expect(next.seq).toBe(1);
    expect(next.selections.map((s) => s.odds)).toEqual([250, 340, 305]);
    // The old market value is left as it was.
    expect(m.seq).toBe(0);
    expect(m.selections.map((s) => s.odds)).toEqual([230, 340, 310]);
  });

  it("yields no frame and keeps the seq when nothing changes", () => {
    const m = changed(applyOdds(market(), { home: 2.5 }, 1)).market;
    const result = changed(applyOdds(m, { home: 2.5, draw: 3.4 }, 2));
    expect(result.frame).toBeNull();
    expect(result.market.seq).toBe(1);
    expect(result.market.selections.map((s) => s.odds)).toEqual([250, 340, 310]);
  });

  it("is refused whole when one selection is unknown, leaving the market as it was", () => {
    const m = market();
    const before = structuredClone(m);
    expect(applyOdds(m, { home: 2.5, nobody: 4 }, 1)).toEqual({ code: "INVALID", message: expect.stringContaining("nobody") });
    expect(m).toEqual(before);
  });

  it.each([
    ["three decimals", 2.345],
    ["below 1.01", 1.0],
    ["above 1000", 1000.01],
    ["not a number", Number.NaN],
    ["infinite", Number.POSITIVE_INFINITY],
  ])("is refused whole when one price is invalid (%s), leaving the market as it was", (_label, bad) => {
    const m = market();
    const before = structuredClone(m);
    const result = applyOdds(m, { home: 2.5, away: bad }, 1);
    expect(result).toEqual({ code: "INVALID", message: expect.stringContaining("away") });
    expect(m).toEqual(before);
  });

  it("accepts the ends of the odds range, 1.01 and 1000", () => {
    const { frame, market: next } = changed(applyOdds(market(), { home: 1.01, away: 1000 }, 1));
    expect(frame).toEqual({ type: "odds", seq: 1, ts: 1, odds: { home: 1.01, away: 1000 } });
    expect(next.selections.map((s) => s.odds)).toEqual([101, 340, 100_000]);
  });

  it.each(["settled", "voided"] as const)("is refused with ALREADY_SETTLED on a %s market", (state) => {
    const m = marketIn(state);
    expect(applyOdds(m, { home: 2.5 }, 2)).toEqual({ code: "ALREADY_SETTLED", message: expect.any(String) });
  });
});

describe("a status change", () => {
  it("sends a status frame with the new status, in-play flag, delay and reason, one seq on", () => {
    const m = market();
    const { market: next, frame } = changed(
      applyStatus(m, { status: "suspended", inPlay: true, betDelayMs: 4_000, reason: "goal" }, 777),
    );
    expect(frame).toEqual({
      type: "status",
      seq: 1,
      ts: 777,
      status: "suspended",
      inPlay: true,
      betDelayMs: 4_000,
      reason: "goal",
    });
    expect(next).toMatchObject({ status: "suspended", inPlay: true, betDelayMs: 4_000, reason: "goal", seq: 1 });
  });

  it("keeps the in-play flag and delay it is not given", () => {
    const live = changed(applyStatus(market(), { status: "open", inPlay: true, betDelayMs: 3_000 }, 1)).market;
    const { frame } = changed(applyStatus(live, { status: "suspended" }, 2));
    expect(frame).toEqual({ type: "status", seq: 2, ts: 2, status: "suspended", inPlay: true, betDelayMs: 3_000 });
  });

  it("yields no frame and keeps the seq when it changes nothing", () => {
    const m = market();
    const result = changed(applyStatus(m, { status: "open", inPlay: false, betDelayMs: 0 }, 5));
    expect(result.frame).toBeNull();
    expect(result.market.seq).toBe(0);
    expect(result.market.interruptedAt).toBe(0);
  });

  it("records when the market left open, and keeps that time through a later reopen", () => {
    const suspended = changed(applyStatus(market(), { status: "suspended" }, 1_000)).market;
    expect(suspended.interruptedAt).toBe(1_000);
    const reopened = changed(applyStatus(suspended, { status: "open" }, 2_000)).market;
    expect(reopened.status).toBe("open");
    expect(reopened.interruptedAt).toBe(1_000);
  });

  it("records going in play or a new delay as an interruption even while open", () => {
    const inPlay = changed(applyStatus(market(), { status: "open", inPlay: true }, 300)).market;
    expect(inPlay.interruptedAt).toBe(300);
    const newDelay = changed(applyStatus(inPlay, { status: "open", betDelayMs: 2_000 }, 400)).market;
    expect(newDelay.interruptedAt).toBe(400);
  });

  it("clears the reason when the market reopens, even if the push names one", () => {
    const suspended = changed(applyStatus(market(), { status: "suspended", reason: "var check" }, 1)).market;
    const { market: reopened, frame } = changed(applyStatus(suspended, { status: "open", reason: "ignored" }, 2));
    expect(reopened.reason).toBeUndefined();
    expect("reason" in reopened).toBe(false);
    expect(frame).not.toHaveProperty("reason");
    expect(frame).toMatchObject({ type: "status", seq: 2, status: "open" });
  });

  it.each(["settled", "voided"] as const)("is refused with ALREADY_SETTLED on a %s market", (state) => {
    expect(applyStatus(marketIn(state), { status: "open" }, 2)).toEqual({
      code: "ALREADY_SETTLED",
      message: expect.any(String),
    });
  });
});

describe("settling a market", () => {
  it("names the winner in the settled frame and marks the market settled, one seq on", () => {
    const m = changed(applyOdds(market(), { home: 2.5 }, 1)).market;
    const { market: next, frame } = changed(applySettle(m, { winner: "away" }, 9_000));
    expect(frame).toEqual({ type: "settled", seq: 2, ts: 9_000, winner: "away" });
    expect(next).toMatchObject({ status: "settled", winner: "away", seq: 2, interruptedAt: 9_000 });
  });

  it("sends void: true and no winner when the market is voided", () => {
    const { market: next, frame } = changed(applySettle(market(), { void: true }, 9_000));
    expect(frame).toEqual({ type: "settled", seq: 1, ts: 9_000, void: true });
    expect(next.status).toBe("voided");
    expect(next.winner).toBeUndefined();
  });

  it("refuses an unknown winner as INVALID and leaves the market open", () => {
    const m = market();
    expect(applySettle(m, { winner: "nobody" }, 1)).toEqual({ code: "INVALID", message: expect.stringContaining("nobody") });
    expect(m.status).toBe("open");
    expect(m.seq).toBe(0);
  });

  it("refuses a second settlement or void with ALREADY_SETTLED", () => {
    const settled = marketIn("settled");
    const voided = marketIn("voided");
    expect(applySettle(settled, { winner: "home" }, 2)).toMatchObject({ code: "ALREADY_SETTLED" });
    expect(applySettle(settled, { void: true }, 2)).toMatchObject({ code: "ALREADY_SETTLED" });
    expect(applySettle(voided, { winner: "home" }, 2)).toMatchObject({ code: "ALREADY_SETTLED" });
    expect(applySettle(voided, { void: true }, 2)).toMatchObject({ code: "ALREADY_SETTLED" });
  });

  it("can settle a suspended or closed market", () => {
    expect(changed(applySettle(marketIn("suspended"), { winner: "home" }, 2)).market.status).toBe("settled");
    expect(changed(applySettle(marketIn("closed"), { void: true }, 2)).market.status).toBe("voided");
  });
});

describe("quoting a bet", () => {
  it("accepts a bet at the current price with payout floor(stake * odds)", () => {
    expect(quoteBet(market(), ask("home", 1_000, 230))).toEqual({ ok: true, odds: 230, payout: 2_300 });
  });

  it("rejects an unknown selection before anything else", () => {
    expect(quoteBet(marketIn("settled"), ask("nobody", 1, 230))).toEqual({ ok: false, reason: RejectReason.UNKNOWN_SELECTION });
  });

  it("rejects a bet on a suspended market with MARKET_SUSPENDED", () => {
    expect(quoteBet(marketIn("suspended"), ask("home", 1_000, 230))).toEqual({ ok: false, reason: RejectReason.MARKET_SUSPENDED });
  });

  it.each(["closed", "settled", "voided"] as const)("rejects a bet on a %s market with MARKET_CLOSED", (state) => {
    expect(quoteBet(marketIn(state), ask("home", 1_000, 230))).toEqual({ ok: false, reason: RejectReason.MARKET_CLOSED });
  });

  it("rejects a stake below the minimum and above the maximum, and takes both limits themselves", () => {
    const m = market({ minStake: 200, maxStake: 5_000 });
    expect(quoteBet(m, ask("home", 199, 230))).toEqual({ ok: false, reason: RejectReason.STAKE_TOO_LOW });
    expect(quoteBet(m, ask("home", 5_001, 230))).toEqual({ ok: false, reason: RejectReason.STAKE_TOO_HIGH });
    expect(quoteBet(m, ask("home", 200, 230))).toMatchObject({ ok: true, payout: 460 });
    expect(quoteBet(m, ask("home", 5_000, 230))).toMatchObject({ ok: true, payout: 11_500 });
  });

  it("rejects with PAYOUT_TOO_HIGH when floor(stake * odds) passes the maximum payout, and takes it exactly at the maximum", () => {
    const m = market({ maxPayout: 2_300 });
    expect(quoteBet(m, ask("home", 1_001, 230))).toEqual({ ok: false, reason: RejectReason.PAYOUT_TOO_HIGH });
    expect(quoteBet(m, ask("home", 1_000, 230))).toEqual({ ok: true, odds: 230, payout: 2_300 });
    // The defaults: the maximum stake at 1000.0 would pay 1e8, ten times the maximum payout.
    const atLongest = changed(applyOdds(market(), { away: 1000 }, 1)).market;
    expect(quoteBet(atLongest, ask("away", 100_000, 100_000))).toEqual({ ok: false, reason: RejectReason.PAYOUT_TOO_HIGH });
  });

  describe("when the odds moved since the bet was sent (home now 2.5)", () => {
    const moved = changed(applyOdds(market(), { home: 2.5 }, 1)).market;

    it("with accept exact, rejects ODDS_CHANGED carrying the current odds unless they are equal", () => {
      expect(quoteBet(moved, ask("home", 1_000, 230, AcceptPolicy.EXACT))).toEqual({
        ok: false,
        reason: RejectReason.ODDS_CHANGED,
        odds: 250,
      });
      expect(quoteBet(moved, ask("home", 1_000, 260, AcceptPolicy.EXACT))).toEqual({
        ok: false,
        reason: RejectReason.ODDS_CHANGED,
        odds: 250,
      });
      expect(quoteBet(moved, ask("home", 1_000, 250, AcceptPolicy.EXACT))).toEqual({ ok: true, odds: 250, payout: 2_500 });
    });

    it("with accept better, takes the bet at the current higher price and refuses a lower one", () => {
      expect(quoteBet(moved, ask("home", 1_000, 230, AcceptPolicy.BETTER))).toEqual({ ok: true, odds: 250, payout: 2_500 });
      expect(quoteBet(moved, ask("home", 1_000, 250, AcceptPolicy.BETTER))).toEqual({ ok: true, odds: 250, payout: 2_500 });
      expect(quoteBet(moved, ask("home", 1_000, 260, AcceptPolicy.BETTER))).toEqual({
        ok: false,
        reason: RejectReason.ODDS_CHANGED,
        odds: 250,
      });
    });

    it("with accept any, takes the bet at the current price whether it rose or fell", () => {
      expect(quoteBet(moved, ask("home", 1_000, 230, AcceptPolicy.ANY))).toEqual({ ok: true, odds: 250, payout: 2_500 });
      expect(quoteBet(moved, ask("home", 1_000, 900, AcceptPolicy.ANY))).toEqual({ ok: true, odds: 250, payout: 2_500 });
    });
  });

  it("computes the payout in integers, rounding down", () => {
    const m = changed(applyOdds(market(), { home: 2.35, draw: 1.01, away: 1.15 }, 1)).market;
    // 333 * 2.35 = 782.55
    expect(quoteBet(m, ask("home", 333, 235))).toEqual({ ok: true, odds: 235, payout: 782 });
    expect(quoteBet(m, ask("draw", 100, 101))).toEqual({ ok: true, odds: 101, payout: 101 });
    // 100 * 1.15 is 114.99999999999999 in floating point: a naive floor pays 114.
    expect(Math.floor(100 * 1.15)).toBe(114);
    expect(quoteBet(m, ask("away", 100, 115))).toEqual({ ok: true, odds: 115, payout: 115 });
  });
});

describe("requoting a bet after the wallet call or the in-play delay", () => {
  const live = changed(applyStatus(market(), { status: "open", inPlay: true, betDelayMs: 3_000 }, 1_000)).market;
  /** The interruption count a bet placed on `live` was asked under. */
  const asked = live.interruptions ?? 0;

  it("accepts when nothing material happened since the bet was placed", () => {
    expect(requote(live, ask("home", 1_000, 230), asked)).toEqual({ ok: true, odds: 230, payout: 2_300 });
  });

  it("rejects MARKET_SUSPENDED when the market was suspended after placement, even though it has reopened", () => {
    const suspended = changed(applyStatus(live, { status: "suspended" }, 2_500)).market;
    const reopened = changed(applyStatus(suspended, { status: "open" }, 2_800)).market;
    expect(reopened.status).toBe("open");
    expect(requote(reopened, ask("home", 1_000, 230), asked)).toEqual({ ok: false, reason: RejectReason.MARKET_SUSPENDED });
    // The same market is fine for a bet placed after the interruption.
    expect(requote(reopened, ask("home", 1_000, 230), reopened.interruptions ?? 0)).toEqual({ ok: true, odds: 230, payout: 2_300 });
  });

  it("rejects MARKET_SUSPENDED when the delay changed after placement", () => {
    const longer = changed(applyStatus(live, { status: "open", betDelayMs: 6_000 }, 2_500)).market;
    expect(requote(longer, ask("home", 1_000, 230), asked)).toEqual({ ok: false, reason: RejectReason.MARKET_SUSPENDED });
  });

  it("rejects MARKET_SUSPENDED while the market is still suspended", () => {
    const suspended = changed(applyStatus(live, { status: "suspended" }, 2_500)).market;
    expect(requote(suspended, ask("home", 1_000, 230), asked)).toEqual({ ok: false, reason: RejectReason.MARKET_SUSPENDED });
  });

  it("applies the accept policy to odds that moved during the delay", () => {
    const moved = changed(applyOdds(live, { home: 2.2 }, 2_500)).market;
    expect(requote(moved, ask("home", 1_000, 230), asked)).toEqual({
      ok: false,
      reason: RejectReason.ODDS_CHANGED,
      odds: 220,
    });
    const better = changed(applyOdds(live, { home: 2.4 }, 2_500)).market;
    expect(requote(better, ask("home", 1_000, 230, AcceptPolicy.BETTER), asked)).toEqual({
      ok: true,
      odds: 240,
      payout: 2_400,
    });
  });

  it("raises the interruption count by exactly one for each material change, and not for others", () => {
    const m = market();
    expect(m.interruptions).toBe(0);
    const suspended = changed(applyStatus(m, { status: "suspended" }, 100)).market;
    expect(suspended.interruptions).toBe(1);
    const reason = changed(applyStatus(suspended, { status: "suspended", reason: "VAR check" }, 150)).market;
    expect(reason.interruptions).toBe(1);
    const reopened = changed(applyStatus(reason, { status: "open" }, 200)).market;
    expect(reopened.interruptions).toBe(1);
    const moved = changed(applyOdds(reopened, { home: 2.6 }, 250)).market;
    expect(moved.interruptions).toBe(1);
    const inPlay = changed(applyStatus(moved, { status: "open", inPlay: true, betDelayMs: 2_000 }, 300)).market;
    expect(inPlay.interruptions).toBe(2);
    expect(changed(applySettle(inPlay, { winner: "home" }, 400)).market.interruptions).toBe(3);
    expect(changed(applySettle(inPlay, { void: true }, 400)).market.interruptions).toBe(3);
  });

  it("counts an interruption in the same millisecond as the bet, and a suspend-then-reopen at any time", () => {
    const suspended = changed(applyStatus(live, { status: "suspended" }, 1_000)).market;
    const reopened = changed(applyStatus(suspended, { status: "open" }, 1_000)).market;
    expect(reopened.interruptedAt).toBe(live.interruptedAt);
    expect(requote(reopened, ask("home", 1_000, 230), asked)).toEqual({ ok: false, reason: RejectReason.MARKET_SUSPENDED });
  });

  it("rejects MARKET_SUSPENDED a bet asked before the market went in play, and accepts one asked after", () => {
    const pre = market();
    const inPlay = changed(applyStatus(pre, { status: "open", inPlay: true, betDelayMs: 5_000 }, 500)).market;
    expect(requote(inPlay, ask("home", 1_000, 230), pre.interruptions ?? 0)).toEqual({ ok: false, reason: RejectReason.MARKET_SUSPENDED });
    expect(requote(inPlay, ask("home", 1_000, 230), inPlay.interruptions ?? 0)).toEqual({ ok: true, odds: 230, payout: 2_300 });
  });

  it("reads a market stored before the count existed as count 0", () => {
    const { interruptions: _, ...old } = live;
    expect(requote(old, ask("home", 1_000, 230), 0)).toEqual({ ok: true, odds: 230, payout: 2_300 });
    expect(requote(old, ask("home", 1_000, 230), 1)).toEqual({ ok: false, reason: RejectReason.MARKET_SUSPENDED });
  });

  it("rejects MARKET_CLOSED when the market was settled during the delay", () => {
    const settled = changed(applySettle(live, { winner: "home" }, 2_500)).market;
    expect(requote(settled, ask("home", 1_000, 230), asked)).toEqual({ ok: false, reason: RejectReason.MARKET_CLOSED });
  });
});

describe("payouts and odds units", () => {
  it("converts wire odds to hundredths and refuses what the contract does not allow", () => {
    expect(oddsFromDecimal(2.3)).toBe(230);
    expect(oddsFromDecimal(1.01)).toBe(101);
    expect(oddsFromDecimal(1000)).toBe(100_000);
    expect(oddsFromDecimal(1.15)).toBe(115);
    expect(oddsFromDecimal(2.345)).toBeNull();
    expect(oddsFromDecimal(1.0)).toBeNull();
    expect(oddsFromDecimal(1000.01)).toBeNull();
    expect(oddsFromDecimal(Number.NaN)).toBeNull();
    expect(oddsFromDecimal(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it("pays floor(stake * odds) in integers", () => {
    expect(payoutOf(333 as Money, 235 as Odds)).toBe(782);
    expect(payoutOf(100 as Money, 101 as Odds)).toBe(101);
    expect(payoutOf(100 as Money, 115 as Odds)).toBe(115);
    expect(payoutOf(1_000 as Money, 201 as Odds)).toBe(2_010);
    expect(payoutOf(1 as Money, 199 as Odds)).toBe(1);
  });

  it("matches exact BigInt arithmetic for any stake up to 1e9 and any odds in range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), fc.integer({ min: 101, max: 100_000 }), (stake, odds) => {
        const exact = Number((BigInt(stake) * BigInt(odds)) / 100n);
        expect(payoutOf(stake as Money, odds as Odds)).toBe(exact);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("the book's exposure", () => {
  it("sums stakes per selection and what the book makes or loses if each wins", () => {
    const totals = [{ selectionId: "home", bets: 2, stake: 3000, payout: 6900 }];
    expect(exposureOf(market(), totals, 1)).toEqual({
      marketId: "m1",
      totalStake: 3000,
      pendingBets: 1,
      selections: [
        { id: "home", bets: 2, stake: 3000, payout: 6900, profitIfWins: -3900 },
        { id: "draw", bets: 0, stake: 0, payout: 0, profitIfWins: 3000 },
        { id: "away", bets: 0, stake: 0, payout: 0, profitIfWins: 3000 },
      ],
    });
  });
});

describe("a finished market's final result", () => {
  const decided = { bets: 3, stake: 6000, payout: 7500 };

  it("takes the stakes, pays out what settlement credited, and keeps the difference as margin", () => {
    expect(finalResultOf(decided)).toEqual({ taken: 6000, paidOut: 7500, margin: -1500, bets: 3 });
    expect(finalResultOf({ bets: 2, stake: 5000, payout: 5000 })).toEqual({ taken: 5000, paidOut: 5000, margin: 0, bets: 2 });
    expect(finalResultOf({ bets: 0, stake: 0, payout: 0 })).toEqual({ taken: 0, paidOut: 0, margin: 0, bets: 0 });
  });

  it("is in the exposure answer of a settled or voided market, and of no other", () => {
    for (const state of ["settled", "voided"] as const) {
      expect(exposureOf(marketIn(state), [], 0, decided).final).toEqual({ taken: 6000, paidOut: 7500, margin: -1500, bets: 3 });
      expect(exposureOf(marketIn(state), [], 0)).not.toHaveProperty("final");
    }
    for (const state of ["suspended", "closed"] as const) expect(exposureOf(marketIn(state), [], 0, decided)).not.toHaveProperty("final");
    expect(exposureOf(market(), [], 0, decided)).not.toHaveProperty("final");
  });
});

describe("what counts as a status change", () => {
  it("sends a frame for a new reason alone, and none for a repeat of the same status", () => {
    const suspended = changed(applyStatus(market(), { status: "suspended", reason: "VAR check" }, 1_000));
    const again = changed(applyStatus(suspended.market, { status: "suspended", reason: "VAR check" }, 1_100));
    expect(again.frame).toBeNull();
    expect(again.market.seq).toBe(suspended.market.seq);
    const renamed = changed(applyStatus(suspended.market, { status: "suspended", reason: "Goal review" }, 1_200));
    expect(renamed.frame).toMatchObject({ type: "status", status: "suspended", reason: "Goal review", seq: suspended.market.seq + 1 });
  });
});

describe("refusals say what is wrong", () => {
  it("names the limits that clash and the state a finished market is in", () => {
    expect(createMarket(body({ minStake: 600, maxStake: 500 }), "ep1")).toEqual({ code: "INVALID", message: "minStake must not exceed maxStake" });
    const settled = marketIn("settled");
    expect(applyOdds(settled, { home: 2.5 }, 2)).toEqual({ code: "ALREADY_SETTLED", message: "market is settled" });
    expect(applyStatus(marketIn("voided"), { status: "open" }, 2)).toEqual({ code: "ALREADY_SETTLED", message: "market is voided" });
    expect(applySettle(settled, { void: true }, 2)).toEqual({ code: "ALREADY_SETTLED", message: "market is already settled" });
  });
});
