// The wallet's rules, pure: what each money operation does to a balance.
// Every operation is keyed; the key makes it idempotent and names it in the
// ledger. A refund can only return a stake that was taken, and only once.
import type { Bet } from "../protocol/schemas.ts";
import type { Money } from "../protocol/units.ts";
import type { Refusal, Result } from "./result.ts";

export const EntryKind = {
  GRANT: "grant",
  STAKE: "stake",
  REFUND: "refund",
  PAYOUT: "payout",
  DEPOSIT: "deposit",
  WITHDRAWAL: "withdrawal",
  CASHOUT: "cashout",
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** The hub's latest view of a bet, kept by the wallet for the account's list (highest version wins). */
export interface BetUpdate {
  bet: Bet;
  version: number;
}

/** One stake of a group debit (Wallet.debitStakes): the bet's id, its stake, and the bet as the wallet should keep it. */
export interface DebitItem {
  betId: string;
  amount: number;
  update: BetUpdate;
  /** The id of the session that placed it (a socket's): a logged-out one is refused SESSION_ENDED, no money moved. */
  session?: string;
}

/**
 * `asOf` is the number of the newest ledger row when the answer was given: it
 * rises with every move, so a client that hears of balances from several
 * markets can keep the newest.
 */
export interface Standing {
  balance: Money;
  asOf: number;
}

export interface Moved extends Standing {
  amount: Money;
  replayed: boolean;
}

/** Why the wallet refuses to take a stake: funds, the account's limits, its self-exclusion, or the placing session's logout. */
export type DebitRefusalCode = "INSUFFICIENT_FUNDS" | "LIMIT_REACHED" | "SELF_EXCLUDED" | "SESSION_ENDED";

export type MoneyRefusal =
  | (Refusal<DebitRefusalCode | "NO_STAKE"> & Standing)
  /** The account already used this bet id on another market: `first` is that bet as the wallet knows it. */
  | (Refusal<"DUPLICATE"> & Standing & { first: Bet | null });

export type MoneyResult = Result<Moved, MoneyRefusal>;

/** The new balance after applying `delta`, or null if it would go below zero. */
export function nextBalance(balance: Money, delta: number): Money | null {
  const next = balance + delta;
  if (!Number.isSafeInteger(next) || next < 0) return null;
  return next as Money;
}

export const stakeKey = (marketId: string, betId: string) => `stake:${marketId}/${betId}`;
export const refundKey = (marketId: string, betId: string) => `refund:${marketId}/${betId}`;
export const payoutKey = (marketId: string, betId: string) => `payout:${marketId}/${betId}`;
/** A cash out's credit: one per cash out request, so a bet cashed out in parts has one entry per part. */
export const cashOutKey = (marketId: string, betId: string, cashOutId: string) => `cashout:${marketId}/${betId}/${cashOutId}`;
/** Deposits and withdrawals share one namespace of request ids; the key names the kind. */
export const depositKey = (id: string) => `deposit:${id}`;
export const withdrawalKey = (id: string) => `withdrawal:${id}`;

/** Kinds of entry that are a bet's money: what a day's loss is counted over. */
export const BET_MONEY_KINDS: readonly EntryKind[] = [EntryKind.STAKE, EntryKind.REFUND, EntryKind.PAYOUT, EntryKind.CASHOUT];

/** What settlement asks the wallet to do for one bet: credit its return, refund its stake, or only record its outcome. */
export const SettleKind = { PAYOUT: "payout", REFUND: "refund", RECORD: "record" } as const;
export type SettleKind = (typeof SettleKind)[keyof typeof SettleKind];

export interface SettleItem {
  betId: string;
  kind: SettleKind;
  /** The credit for a payout; ignored otherwise (a refund returns exactly the stake that was taken). */
  amount: number;
  update: BetUpdate;
}

/** The answer to a batch: which items are done (each once, by its key), and the balance after them all. */
export interface Settled extends Standing {
  done: boolean[];
  /** Whether any item moved money now (false when every move was a replay or a record). */
  moved: boolean;
}
