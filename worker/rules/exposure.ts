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

export function exposureOf(market: MarketState, totals: SelectionTotals[], pendingBets: number, decided?: DecidedTotals): Exposure {
  const rows = new Map(totals.map((r) => [r.selectionId, r]));
  const totalStake = totals.reduce((sum, r) => sum + r.stake, 0);
  return {
    marketId: market.id,
    totalStake,
    pendingBets,
    selections: market.selections.map((s) => {
      const r = rows.get(s.id);
      const payout = r?.payout ?? 0;
      return { id: s.id, bets: r?.bets ?? 0, stake: r?.stake ?? 0, payout, profitIfWins: totalStake - payout };
    }),
    ...(decided && needsFinalResult(market) ? { final: finalResultOf(decided) } : {}),
  };
}
