import { describe, expect, it } from "vitest";
import { AcceptPolicy, RejectReason } from "../../../worker/protocol/codes.ts";
import type { Money, Odds } from "../../../worker/protocol/units.ts";
import { applyOdds, applyStatus, createMarket, type MarketState } from "../../../worker/rules/market-book.ts";
import { type BetAsk, quoteBet, requoteDelayed } from "../../../worker/rules/quote.ts";

function market(): MarketState {
  const made = createMarket(
    { id: "q1", name: "Match odds", event: "Quote v Test", selections: [{ id: "home", name: "Home", odds: 2.5 }, { id: "away", name: "Away", odds: 1.6 }] },
    "ep1",
  );
  if ("code" in made) throw new Error(made.message);
  return made;
}

function moved(m: MarketState, odds: number): MarketState {
  const r = applyOdds(m, { home: odds }, 10);
  if ("code" in r) throw new Error(r.message);
  return r.market;
}

const ask = (odds: number, accept: AcceptPolicy, stake = 1_000): BetAsk => ({ selectionId: "home", stake: stake as Money, odds: odds as Odds, accept });

describe("the accept policies at the boundary", () => {
  it("takes a bet at exactly the asked price under every policy", () => {
    for (const accept of [AcceptPolicy.EXACT, AcceptPolicy.BETTER, AcceptPolicy.ANY]) {
      expect(quoteBet(market(), ask(250, accept))).toEqual({ ok: true, odds: 250, payout: 2_500 });
    }
  });

  it("under `better` takes a longer price and refuses a shorter one by one hundredth", () => {
    expect(quoteBet(moved(market(), 2.51), ask(250, AcceptPolicy.BETTER))).toEqual({ ok: true, odds: 251, payout: 2_510 });
    expect(quoteBet(moved(market(), 2.49), ask(250, AcceptPolicy.BETTER))).toEqual({ ok: false, reason: RejectReason.ODDS_CHANGED, odds: 249 });
  });

  it("under `exact` refuses any move, either way, and names the current price", () => {
    expect(quoteBet(moved(market(), 2.51), ask(250, AcceptPolicy.EXACT))).toEqual({ ok: false, reason: RejectReason.ODDS_CHANGED, odds: 251 });
    expect(quoteBet(moved(market(), 2.49), ask(250, AcceptPolicy.EXACT))).toEqual({ ok: false, reason: RejectReason.ODDS_CHANGED, odds: 249 });
  });

  it("under `any` takes the current price whatever was asked, and pays at that price", () => {
    expect(quoteBet(moved(market(), 1.5), ask(250, AcceptPolicy.ANY))).toEqual({ ok: true, odds: 150, payout: 1_500 });
  });
});

describe("the check after an in-play delay", () => {
  it("refuses a bet when the market was interrupted in the same millisecond it was placed, even if open again", () => {
    const suspended = applyStatus(market(), { status: "suspended" }, 5_000);
    if ("code" in suspended) throw new Error(suspended.message);
    const reopened = applyStatus(suspended.market, { status: "open" }, 5_000);
    if ("code" in reopened) throw new Error(reopened.message);
    expect(reopened.market.interruptedAt).toBe(5_000);
    expect(requoteDelayed(reopened.market, ask(250, AcceptPolicy.EXACT), 5_000)).toEqual({ ok: false, reason: RejectReason.MARKET_SUSPENDED });
    expect(requoteDelayed(reopened.market, ask(250, AcceptPolicy.EXACT), 5_001)).toEqual({ ok: true, odds: 250, payout: 2_500 });
  });

  it("does not count a reopen, or a new reason while suspended, as an interruption of bets placed after the suspension", () => {
    const step = (m: MarketState, body: Parameters<typeof applyStatus>[1], ts: number) => {
      const r = applyStatus(m, body, ts);
      if ("code" in r) throw new Error(r.message);
      return r.market;
    };
    const suspended = step(market(), { status: "suspended" }, 1_000);
    const renamed = step(suspended, { status: "suspended", reason: "VAR check" }, 1_500);
    const reopened = step(renamed, { status: "open" }, 2_000);
    expect(reopened.interruptedAt).toBe(1_000);
    expect(requoteDelayed(reopened, ask(250, AcceptPolicy.EXACT), 1_200)).toEqual({ ok: true, odds: 250, payout: 2_500 });
    expect(requoteDelayed(reopened, ask(250, AcceptPolicy.EXACT), 900)).toEqual({ ok: false, reason: RejectReason.MARKET_SUSPENDED });
  });
});
