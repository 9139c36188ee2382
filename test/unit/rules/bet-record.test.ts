import { describe, expect, it } from "vitest";
import { AcceptPolicy, BetStatus, RejectReason } from "../../../worker/protocol/codes.ts";
import type { AccountId, BetId, Money, Odds } from "../../../worker/protocol/units.ts";
import { type BetRow, Phase, replyOf, toReply, toWireBet } from "../../../worker/rules/bet-record.ts";

const row = (extra: Partial<BetRow> = {}): BetRow => ({
  account: "acct-1" as AccountId,
  id: "bet-1" as BetId,
  selectionId: "home",
  stake: 1_000 as Money,
  odds: 250 as Odds,
  accept: AcceptPolicy.EXACT,
  status: BetStatus.ACCEPTED,
  phase: Phase.DONE,
  reason: null,
  payout: 2_500 as Money,
  placedAt: 1_000,
  settledAt: null,
  dueAt: null,
  version: 3,
  syncedVersion: 3,
  ...extra,
});

describe("a bet as the punter sees it", () => {
  it("shows an accepted bet with decimal odds, integer stake and payout, and nothing of the saga", () => {
    expect(toWireBet(row(), "m1")).toEqual({ id: "bet-1", marketId: "m1", selectionId: "home", stake: 1_000, odds: 2.5, status: "accepted", payout: 2_500, placedAt: 1_000 });
  });

  it("adds settledAt and the reason only when they are set", () => {
    const settled = toWireBet(row({ status: BetStatus.WON, settledAt: 9_000 }), "m1");
    expect(settled.settledAt).toBe(9_000);
    expect(settled).not.toHaveProperty("reason");
    const refused = toWireBet(row({ status: BetStatus.REJECTED, reason: RejectReason.ODDS_CHANGED, payout: 0 as Money }), "m1");
    expect(refused.reason).toBe("ODDS_CHANGED");
    expect(refused).not.toHaveProperty("settledAt");
  });

  it("shows when a pending bet is due, and hides a stale due time once the bet is final", () => {
    expect(toWireBet(row({ status: BetStatus.PENDING, phase: Phase.HELD, dueAt: 6_000 }), "m1").dueAt).toBe(6_000);
    expect(toWireBet(row({ status: BetStatus.PENDING, phase: Phase.DEBIT, dueAt: null }), "m1")).not.toHaveProperty("dueAt");
    expect(toWireBet(row({ status: BetStatus.ACCEPTED, dueAt: 6_000 }), "m1")).not.toHaveProperty("dueAt");
  });
});

describe("the socket's answer to a bet", () => {
  it("carries the bet, its status and, for a refusal, the reason and the current price", () => {
    expect(toReply(row(), "m1")).toEqual({ type: "bet", id: "bet-1", status: "accepted", bet: toWireBet(row(), "m1") });
    const refused = row({ status: BetStatus.REJECTED, reason: RejectReason.ODDS_CHANGED, payout: 0 as Money });
    expect(toReply(refused, "m1", 2.6)).toEqual({ type: "bet", id: "bet-1", status: "rejected", reason: "ODDS_CHANGED", odds: 2.6, bet: toWireBet(refused, "m1") });
    expect(toReply(refused, "m1")).not.toHaveProperty("odds");
  });

  it("repeats the first outcome of an id known from another market, reason included", () => {
    const first = toWireBet(row({ status: BetStatus.REJECTED, reason: RejectReason.MARKET_SUSPENDED, payout: 0 as Money }), "other");
    expect(replyOf(first)).toEqual({ type: "bet", id: "bet-1", status: "rejected", reason: "MARKET_SUSPENDED", bet: first });
    const accepted = toWireBet(row(), "other");
    // Strict: an accepted bet's answer has no `reason` key at all, not even an undefined one.
    expect(replyOf(accepted)).toStrictEqual({ type: "bet", id: "bet-1", status: "accepted", bet: accepted });
  });
});
