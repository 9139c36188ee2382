import { describe, expect, it } from "vitest";
import { BetStatus, RejectReason } from "../../../worker/protocol/codes.ts";
import type { AccountId, BetId, Money, Odds } from "../../../worker/protocol/units.ts";
import { type BetRow, Phase, isSettledDown, toReply, toWireBet } from "../../../worker/rules/bet-record.ts";

const row = (over: Partial<BetRow>): BetRow => ({
  account: "acc-1" as AccountId,
  id: "bet-0001" as BetId,
  selectionId: "home",
  stake: 1000 as Money,
  odds: 250 as Odds,
  accept: "exact",
  status: BetStatus.PENDING,
  phase: Phase.DEBIT,
  reason: null,
  payout: 0 as Money,
  placedAt: 1,
  settledAt: null,
  dueAt: null,
  askedUnder: 0,
  version: 1,
  syncedVersion: 0,
  ...over,
});

describe("a bet's answer", () => {
  it("answers a refusal whose id is not claimed yet as pending, with no reason, though the wallet is told it is refused", () => {
    const claiming = row({ status: BetStatus.REJECTED, reason: RejectReason.MARKET_SUSPENDED, phase: Phase.CLAIM });
    expect(toReply(claiming, "m1")).toEqual({
      type: "bet",
      id: "bet-0001",
      status: "pending",
      bet: { id: "bet-0001", marketId: "m1", selectionId: "home", stake: 1000, odds: 2.5, status: "pending", payout: 0, placedAt: 1 },
    });
    expect(toWireBet(claiming, "m1")).toMatchObject({ status: "rejected", reason: "MARKET_SUSPENDED" });
  });

  it("answers a claimed refusal as rejected with its reason and the bet", () => {
    const done = row({ status: BetStatus.REJECTED, reason: RejectReason.ODDS_CHANGED, phase: Phase.DONE });
    expect(toReply(done, "m1", 2.6)).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED", odds: 2.6, bet: { status: "rejected" } });
  });

  it("answers a kept INVALID or RATE_LIMITED refusal as the frame-level refusal it was, naming no bet", () => {
    for (const reason of [RejectReason.INVALID, RejectReason.RATE_LIMITED]) {
      expect(toReply(row({ status: BetStatus.REJECTED, reason, phase: Phase.DONE }), "m1")).toEqual({ type: "bet", id: "bet-0001", status: "rejected", reason });
    }
  });

  it("answers a placeholder for another market's bet as pending, naming no bet of this market", () => {
    expect(toReply(row({ phase: Phase.ELSEWHERE, syncedVersion: -1 }), "m2")).toEqual({ type: "bet", id: "bet-0001", status: "pending" });
  });

  it("counts a bet as settled down once it is anything but pending", () => {
    const wire = (status: BetStatus) => toWireBet(row({ status }), "m1");
    expect(isSettledDown(wire(BetStatus.PENDING))).toBe(false);
    for (const s of [BetStatus.ACCEPTED, BetStatus.REJECTED, BetStatus.WON, BetStatus.LOST, BetStatus.VOID]) expect(isSettledDown(wire(s))).toBe(true);
  });
});
