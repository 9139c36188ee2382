// A bet as the hub keeps it (its saga phase beside the status the punter
// sees), and how it looks to the punter: the contract's Bet and the socket's
// `bet` answer, built in one place. Pure.
import { type AcceptPolicy, BetStatus, RejectReason } from "../protocol/codes.ts";
import type { Bet, BetReplyFrame } from "../protocol/schemas.ts";
import { type AccountId, type BetId, type Money, type Odds, oddsToDecimal } from "../protocol/units.ts";

/** Where a bet stands in its saga, beside the status the punter sees. */
export const Phase = {
  /** The stake debit was sent to the wallet; its answer is not recorded yet. */
  DEBIT: "debit",
  /** The stake is held; the bet waits out the in-play delay until `dueAt`. */
  HELD: "held",
  /** Rejected after the debit: the stake must go back. */
  REFUND: "refund",
  /** Settled here; the wallet must pay the outcome (credit, refund, or record a loss). */
  SETTLE: "settle",
  /**
   * Refused here before any money moved, its id not yet claimed at the wallet.
   * Not final until claimed: the id may already be a bet on another market,
   * whose outcome then comes first. Answered `pending` meanwhile.
   */
  CLAIM: "claim",
  /**
   * The id is a bet on another market whose outcome was not final when asked:
   * nothing of it is here but this placeholder, which waits (`dueAt`: the next
   * look at the wallet), tells this market's sockets the outcome once it is
   * final, and is then forgotten. Never synced to the wallet.
   */
  ELSEWHERE: "elsewhere",
  DONE: "done",
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

export interface BetRow {
  account: AccountId;
  id: BetId;
  selectionId: string;
  stake: Money;
  /** Asked while pending or rejected; accepted at, once accepted. */
  odds: Odds;
  accept: AcceptPolicy;
  status: BetStatus;
  phase: Phase;
  reason: RejectReason | null;
  payout: Money;
  placedAt: number;
  settledAt: number | null;
  dueAt: number | null;
  /** The market's interruption count when the bet was asked (see MarketState.interruptions). */
  askedUnder: number;
  /** Rises with every change; the wallet keeps the highest it has seen. */
  version: number;
  syncedVersion: number;
}

export function toWireBet(row: BetRow, marketId: string): Bet {
  const bet: Bet = {
    id: row.id,
    marketId,
    selectionId: row.selectionId,
    stake: row.stake,
    odds: oddsToDecimal(row.odds),
    status: row.status,
    payout: row.payout,
    placedAt: row.placedAt,
  };
  if (row.settledAt !== null) bet.settledAt = row.settledAt;
  if (row.reason !== null) bet.reason = row.reason;
  if (row.status === BetStatus.PENDING && row.dueAt !== null) bet.dueAt = row.dueAt;
  return bet;
}

export function toReply(row: BetRow, marketId: string, currentOdds?: number): BetReplyFrame {
  if (row.phase === Phase.ELSEWHERE) return { type: "bet", id: row.id, status: BetStatus.PENDING };
  if (row.phase === Phase.CLAIM) {
    const bet = toWireBet({ ...row, status: BetStatus.PENDING, reason: null, dueAt: null }, marketId);
    return { type: "bet", id: row.id, status: BetStatus.PENDING, bet };
  }
  // Refused before the frame became a bet: the answer names no bet, only its id.
  if (row.reason === RejectReason.INVALID || row.reason === RejectReason.RATE_LIMITED) {
    return { type: "bet", id: row.id, status: row.status, reason: row.reason };
  }
  const reply: BetReplyFrame = { type: "bet", id: row.id, status: row.status, bet: toWireBet(row, marketId) };
  if (row.reason !== null) reply.reason = row.reason;
  if (currentOdds !== undefined) reply.odds = currentOdds;
  return reply;
}

/** Whether a bet in its wire form has reached the status it keeps (or, accepted, keeps until settlement). */
export function isSettledDown(bet: Bet): boolean {
  return bet.status !== BetStatus.PENDING;
}

/** The answer for a bet already known by its wire form: the same id's first outcome, on another market. */
export function replyOf(bet: Bet): BetReplyFrame {
  const reply: BetReplyFrame = { type: "bet", id: bet.id, status: bet.status, bet };
  if (bet.reason) reply.reason = bet.reason;
  return reply;
}
