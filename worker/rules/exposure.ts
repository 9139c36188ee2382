// What each outcome would cost the book: open stakes per selection and the
// profit or loss if it wins. Pure.
import type { Exposure, FinalResult } from "../protocol/schemas.ts";
import { type MarketState, isFinished } from "./market-book.ts";

export interface SelectionTotals {
  selectionId: string;
  bets: number;
  stake: number;
  payout: number;
}

/** Sums over a finished market's decided bets (won, lost, void): their stakes and what settlement credited. */
export interface DecidedTotals {
  bets: number;
  stake: number;
  payout: number;
}

/** A finished market's result: what the book took, what it paid out, and what it kept. */
export function finalResultOf(decided: DecidedTotals): FinalResult {
  return { taken: decided.stake, paidOut: decided.payout, margin: decided.stake - decided.payout, bets: decided.bets };
}

/** Whether the exposure answer carries a final result: only once the market is settled or voided. */
export function needsFinalResult(market: MarketState): boolean {
  return isFinished(market);
}

/** Cash outs done on the market (all selections): how many, the stake cashed out, the value paid for it. */
export interface CashOutTotals {
  count: number;
  stake: number;
  value: number;
}

export const NO_CASH_OUTS: CashOutTotals = { count: 0, stake: 0, value: 0 };

/**
 * Cash outs taken count whatever wins: the cashed-out stake is the book's
 * (no longer at risk, not in `totalStake` or any payout) and the value paid
 * for it is a cost, so each selection's result moves by `stake - value`. A
 * finished market's result counts them as taken and paid out.
 */
export function exposureOf(market: MarketState, totals: SelectionTotals[], pendingBets: number, decided?: DecidedTotals, cashedOut: CashOutTotals = NO_CASH_OUTS): Exposure {
  const rows = new Map(totals.map((r) => [r.selectionId, r]));
  const totalStake = totals.reduce((sum, r) => sum + r.stake, 0);
  const kept = cashedOut.stake - cashedOut.value;
  const final = decided && { bets: decided.bets, stake: decided.stake + cashedOut.stake, payout: decided.payout + cashedOut.value };
  return {
    marketId: market.id,
    totalStake,
    pendingBets,
    selections: market.selections.map((s) => {
      const r = rows.get(s.id);
      const payout = r?.payout ?? 0;
      return { id: s.id, bets: r?.bets ?? 0, stake: r?.stake ?? 0, payout, profitIfWins: totalStake - payout + kept };
    }),
    ...(cashedOut.count > 0 ? { cashedOut } : {}),
    ...(final && needsFinalResult(market) ? { final: finalResultOf(final) } : {}),
  };
}
