// How a stored bet looks to the punter: the contract's Bet and the socket's
// `bet` answer, built in one place.
import { BetStatus } from "../protocol/codes.ts";
import type { Bet, BetReplyFrame } from "../protocol/schemas.ts";
import { oddsToDecimal } from "../protocol/units.ts";
import type { BetRow } from "../market/market-store.ts";

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
  const reply: BetReplyFrame = { type: "bet", id: row.id, status: row.status, bet: toWireBet(row, marketId) };
  if (row.reason !== null) reply.reason = row.reason;
  if (currentOdds !== undefined) reply.odds = currentOdds;
  return reply;
}

/** The answer for a bet already known by its wire form: the same id's first outcome, on another market. */
export function replyOf(bet: Bet): BetReplyFrame {
  const reply: BetReplyFrame = { type: "bet", id: bet.id, status: bet.status, bet };
  if (bet.reason) reply.reason = bet.reason;
  return reply;
}
