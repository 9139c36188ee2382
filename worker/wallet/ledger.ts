// The wallet's rules, pure: what each money operation does to a balance.
// Every operation is keyed; the key makes it idempotent and names it in the
// ledger. A refund can only return a stake that was taken, and only once.
import type { Bet } from "../protocol/schemas.ts";
import type { Money } from "../protocol/units.ts";

export const EntryKind = {
  GRANT: "grant",
  STAKE: "stake",
  REFUND: "refund",
  PAYOUT: "payout",
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/**
 * `asOf` is the number of the newest ledger row when the answer was given: it
 * rises with every move, so a client that hears of balances from several
 * markets can keep the newest.
 */
export type MoneyResult =
  | { ok: true; balance: Money; amount: Money; replayed: boolean; asOf: number }
  | { ok: false; reason: "INSUFFICIENT_FUNDS" | "NO_STAKE"; balance: Money; asOf: number }
  /** The account already used this bet id on another market: `first` is that bet as the wallet knows it. */
  | { ok: false; reason: "DUPLICATE"; balance: Money; asOf: number; first: Bet | null };

/** The new balance after applying `delta`, or null if it would go below zero. */
export function nextBalance(balance: Money, delta: number): Money | null {
  const next = balance + delta;
  if (!Number.isSafeInteger(next) || next < 0) return null;
  return next as Money;
}

export const stakeKey = (marketId: string, betId: string) => `stake:${marketId}/${betId}`;
export const refundKey = (marketId: string, betId: string) => `refund:${marketId}/${betId}`;
export const payoutKey = (marketId: string, betId: string) => `payout:${marketId}/${betId}`;
