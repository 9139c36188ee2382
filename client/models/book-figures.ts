// The trader grid's totals: the book figures the book socket pushes per market
// (staked, worst case, bets, pending), summed over the markets on screen. A
// market with no figures yet has no bets. Pure.
import type { MarketTotals } from "../../worker/protocol/book.ts";
import type { BookTotals } from "./exposure.ts";

/** The figures of `ids` summed; `markets` counts those ids, with figures or without. */
export function sumFigures(ids: readonly string[], figures: ReadonlyMap<string, MarketTotals>): BookTotals {
  const totals: BookTotals = { markets: ids.length, staked: 0, bets: 0, pending: 0, worstCase: 0 };
  for (const id of ids) {
    const t = figures.get(id);
    if (!t) continue;
    totals.staked += t.staked;
    totals.bets += t.bets;
    totals.pending += t.pending;
    // Markets settle apart: the worst for the book is each market's worst selection winning.
    totals.worstCase += t.worstCase;
  }
  return totals;
}
