// Whether a bet can be taken at the market's current price, and at what
// payout: the same rules at placement and after an in-play delay. Pure.
import { AcceptPolicy, MarketStatus, RejectReason } from "../protocol/codes.ts";
import { type Money, type Odds, payoutOf } from "../protocol/units.ts";
import type { MarketState } from "./market-book.ts";

export interface BetAsk {
  selectionId: string;
  stake: Money;
  odds: Odds;
  accept: AcceptPolicy;
}

export type Quote = { ok: true; odds: Odds; payout: Money } | { ok: false; reason: RejectReason; odds?: Odds };

/** Can this bet be taken now, and at what price? The same rules at placement and after a delay. */
export function quoteBet(m: MarketState, ask: BetAsk): Quote {
  const selection = m.selections.find((s) => s.id === ask.selectionId);
  if (!selection) return { ok: false, reason: RejectReason.UNKNOWN_SELECTION };
  if (m.status === MarketStatus.SUSPENDED) return { ok: false, reason: RejectReason.MARKET_SUSPENDED };
  if (m.status !== MarketStatus.OPEN) return { ok: false, reason: RejectReason.MARKET_CLOSED };
  if (ask.stake < m.minStake) return { ok: false, reason: RejectReason.STAKE_TOO_LOW };
  if (ask.stake > m.maxStake) return { ok: false, reason: RejectReason.STAKE_TOO_HIGH };
  const current = selection.odds;
  const takes =
    ask.accept === AcceptPolicy.ANY ||
    // Stryker disable next-line EqualityOperator: `>` is equivalent here, equal odds pass the last clause.
    (ask.accept === AcceptPolicy.BETTER && current >= ask.odds) ||
    current === ask.odds;
  if (!takes) return { ok: false, reason: RejectReason.ODDS_CHANGED, odds: current };
  const payout = payoutOf(ask.stake, current);
  if (payout > m.maxPayout) return { ok: false, reason: RejectReason.PAYOUT_TOO_HIGH };
  return { ok: true, odds: current, payout };
}

/**
 * After the in-play delay: the market as it is now, and nothing material may
 * have happened since the bet was placed (a suspension, a change of delay),
 * even if it has since been undone.
 */
export function requoteDelayed(m: MarketState, ask: BetAsk, placedAt: number): Quote {
  if (m.interruptedAt >= placedAt && m.status === MarketStatus.OPEN) {
    return { ok: false, reason: RejectReason.MARKET_SUSPENDED };
  }
  return quoteBet(m, ask);
}
