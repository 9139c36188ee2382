import { describe, expect, it } from "vitest";
import { BetStatus } from "../../../worker/protocol/codes.ts";
import type { AccountId, BetId, Money, Odds, SelectionId } from "../../../worker/protocol/units.ts";
import { type BetRow, Phase } from "../../../worker/rules/bet-record.ts";
import { outcomeOf } from "../../../worker/rules/settlement.ts";

const accepted = (selectionId: string): BetRow => ({
  account: "acc-1" as AccountId,
  id: "bet-1" as BetId,
  selectionId,
  stake: 1000 as Money,
  odds: 250 as Odds,
  accept: "exact",
  status: BetStatus.ACCEPTED,
  phase: Phase.DONE,
  reason: null,
  payout: 2500 as Money,
  placedAt: 1,
  settledAt: null,
  dueAt: null,
  askedUnder: 0,
  version: 3,
  syncedVersion: 3,
});

describe("a bet's settlement outcome", () => {
  it("pays a winner its accepted payout, to be paid from phase settle", () => {
    expect(outcomeOf(accepted("home"), "home" as SelectionId, 99)).toMatchObject({
      status: BetStatus.WON,
      payout: 2500,
      phase: Phase.SETTLE,
      settledAt: 99,
      version: 4,
    });
  });

  it("pays a loser nothing", () => {
    expect(outcomeOf(accepted("away"), "home" as SelectionId, 99)).toMatchObject({ status: BetStatus.LOST, payout: 0 });
  });

  it("returns the stake when the market is void", () => {
    expect(outcomeOf(accepted("away"), null, 99)).toMatchObject({ status: BetStatus.VOID, payout: 1000 });
  });
});
