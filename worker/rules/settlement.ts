// What settlement does to one accepted bet: won, lost or void, and what it
// pays. Pure; the hub marks every bet with it in the settled event's
// transaction and pays from the alarm (hub/settlement.ts).
import { BetStatus } from "../protocol/codes.ts";
import type { Money, SelectionId } from "../protocol/units.ts";
import { type BetRow, Phase } from "./bet-record.ts";

/** The final state of one accepted bet when the market settles (winner) or voids (null). */
export function outcomeOf(row: BetRow, winner: SelectionId | null, now: number): BetRow {
  const base = { ...row, phase: Phase.SETTLE, settledAt: now, version: row.version + 1 };
  if (winner === null) return { ...base, status: BetStatus.VOID, payout: row.stake };
  if (row.selectionId === winner) return { ...base, status: BetStatus.WON, payout: row.payout };
  return { ...base, status: BetStatus.LOST, payout: 0 as Money };
}
