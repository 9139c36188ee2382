// The wallet's SQL for the account's multiples: one row per multiple id, the
// saga's phase and when it next needs the alarm beside the record itself.
// Written in the same transactions as the ledger rows that move its money.
import type { AcceptPolicy, BetStatus, RejectReason } from "../protocol/codes.ts";
import type { Money, Odds } from "../protocol/units.ts";
import type { BetPosition } from "../rules/bet-page.ts";
import type { LegResult } from "../rules/multiple.ts";
import { newestFirst } from "./newest-first.ts";

/** Migration 4 of the wallet's store (wallet-store.ts). */
export const MULTIPLES_MIGRATION = `
CREATE TABLE IF NOT EXISTS multiples (
  id TEXT PRIMARY KEY, placed_at INTEGER NOT NULL, phase TEXT NOT NULL, due_at INTEGER, record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS multiples_placed ON multiples (placed_at);
CREATE INDEX IF NOT EXISTS multiples_open ON multiples (phase) WHERE phase != 'done';
`;

/** Where a multiple stands in its saga, beside the status the punter sees. */
export const MultiplePhase = {
  /** Stake taken; legs being asked of their markets. */
  LEGS: "legs",
  /** Rejected and refunded; accepted legs still to release at their markets. */
  RELEASE: "release",
  /** Accepted; waiting for its legs' results (due once they decide it). */
  OPEN: "open",
  DONE: "done",
} as const;
export type MultiplePhase = (typeof MultiplePhase)[keyof typeof MultiplePhase];

export const LegState = { NEW: "new", ACCEPTED: "accepted", REFUSED: "refused" } as const;
export type LegState = (typeof LegState)[keyof typeof LegState];

export interface LegRecord {
  marketId: string;
  selectionId: string;
  asked: Odds;
  taken: Odds | null;
  state: LegState;
  maxPayout: Money | null;
  result: LegResult | null;
}

export interface MultipleRecord {
  id: string;
  stake: Money;
  accept: AcceptPolicy;
  status: BetStatus;
  reason: RejectReason | null;
  payout: Money;
  placedAt: number;
  settledAt: number | null;
  legs: LegRecord[];
  /** The request as first asked, canonical: the same id with another body is refused. */
  asked: string;
  phase: MultiplePhase;
  /** When the alarm must look at it (null: waiting for results, or done). */
  dueAt: number | null;
}

export class MultipleStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  get(id: string): MultipleRecord | null {
    const r = this.#sql.exec("SELECT record FROM multiples WHERE id = ?", id).toArray()[0];
    return r ? (JSON.parse(r.record as string) as MultipleRecord) : null;
  }

  put(m: MultipleRecord): void {
    this.#sql.exec(
      `INSERT INTO multiples (id, placed_at, phase, due_at, record) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET phase = excluded.phase, due_at = excluded.due_at, record = excluded.record`,
      m.id,
      m.placedAt,
      m.phase,
      m.dueAt,
      JSON.stringify(m),
    );
  }

  /** Every multiple the saga has work for: legs to ask or release, or decided and not yet paid. */
  unfinished(): MultipleRecord[] {
    return this.#sql
      .exec("SELECT record FROM multiples WHERE phase != 'done' AND (phase != 'open' OR due_at IS NOT NULL) ORDER BY placed_at")
      .toArray()
      .map((r) => JSON.parse(r.record as string) as MultipleRecord);
  }

  nextDue(): number | null {
    return (this.#sql.exec("SELECT MIN(due_at) AS t FROM multiples WHERE phase != 'done'").toArray()[0]?.t as number | null) ?? null;
  }

  /** One page of the account's multiples, newest first, after `below` (a position a page ended at). */
  page(limit: number, below: BetPosition | null): { records: MultipleRecord[]; next: BetPosition | null } {
    const page = newestFirst(this.#sql, "multiples", "record", limit, below);
    return { records: page.values.map((r) => JSON.parse(r) as MultipleRecord), next: page.next };
  }
}
