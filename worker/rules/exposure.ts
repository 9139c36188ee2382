// What each outcome would cost the book: open stakes per selection and the
// profit or loss if it wins. Pure.
import type { Exposure } from "../protocol/schemas.ts";
import type { MarketState } from "./market-book.ts";

export interface SelectionTotals {
  selectionId: string;
  bets: number;
  stake: number;
  payout: number;
}

export function exposureOf(market: MarketState, totals: SelectionTotals[], pendingBets: number): Exposure {
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
  };
}
