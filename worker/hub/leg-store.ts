// The hub's SQL for multiples' legs on this market: one row per (account,
// multiple id), the market's first answer kept, the result owed to the
// multiple's coordinator (the account's wallet) kept until it is delivered.
import type { AccountId, Money, Odds } from "../protocol/units.ts";
import type { SelectionTotals } from "../rules/exposure.ts";

/** Migration 3 of the hub's store (hub-store.ts MIGRATIONS); IF NOT EXISTS, so a store whose version row was lost re-applies it harmlessly. */
export const LEGS_MIGRATION = `
CREATE TABLE IF NOT EXISTS legs (
  account TEXT NOT NULL, multiple_id TEXT NOT NULL, selection_id TEXT NOT NULL,
  stake INTEGER NOT NULL, odds INTEGER NOT NULL, payout INTEGER NOT NULL,
  status TEXT NOT NULL, reason TEXT, max_payout INTEGER NOT NULL,
  notify INTEGER NOT NULL DEFAULT 0, due_at INTEGER,
  PRIMARY KEY (account, multiple_id)
);
CREATE INDEX IF NOT EXISTS legs_status ON legs (status, selection_id);
CREATE INDEX IF NOT EXISTS legs_notify ON legs (notify, due_at) WHERE notify = 1;
`;

export const LegStatus = { ACCEPTED: "accepted", REFUSED: "refused", RELEASED: "released", WON: "won", LOST: "lost", VOID: "void" } as const;
export type LegStatus = (typeof LegStatus)[keyof typeof LegStatus];

export interface LegRow {
  account: AccountId;
  multipleId: string;
  selectionId: string;
  stake: Money;
  /** Taken at, once accepted; asked, when refused. */
  odds: Odds;
  /** The multiple's potential payout as this market counts it (0 unless accepted). */
  payout: Money;
  status: LegStatus;
  reason: string | null;
  maxPayout: Money;
  /** The result is still owed to the account's wallet. */
  notify: boolean;
  dueAt: number | null;
}

type Row = Record<string, SqlStorageValue>;
const toLeg = (r: Row): LegRow => ({
  account: r.account as AccountId,
  multipleId: r.multiple_id as string,
  selectionId: r.selection_id as string,
  stake: r.stake as Money,
  odds: r.odds as Odds,
  payout: r.payout as Money,
  status: r.status as LegStatus,
  reason: (r.reason as string | null) ?? null,
  maxPayout: r.max_payout as Money,
  notify: r.notify === 1,
  dueAt: (r.due_at as number | null) ?? null,
});

export class LegStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  get(account: AccountId, multipleId: string): LegRow | null {
    const r = this.#sql.exec("SELECT * FROM legs WHERE account = ? AND multiple_id = ?", account, multipleId).toArray()[0];
    return r ? toLeg(r) : null;
  }

  put(l: LegRow): void {
    this.#sql.exec(
      `INSERT OR REPLACE INTO legs (account, multiple_id, selection_id, stake, odds, payout, status, reason, max_payout, notify, due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      l.account,
      l.multipleId,
      l.selectionId,
      l.stake,
      l.odds,
      l.payout,
      l.status,
      l.reason,
      l.maxPayout,
      l.notify ? 1 : 0,
      l.dueAt,
    );
  }

  /** Settle every accepted leg in the caller's transaction: won on the winner, lost on the others, void on a void; each result owed to its wallet now. */
  mark(winner: string | null, now: number): number {
    return this.#sql.exec(
      `UPDATE legs SET notify = 1, due_at = ?1,
         status = CASE WHEN ?2 IS NULL THEN 'void' WHEN selection_id = ?2 THEN 'won' ELSE 'lost' END
       WHERE status = 'accepted'`,
      now,
      winner,
    ).rowsWritten;
  }

  /** Up to `limit` results owed to wallets and due by `now`. */
  owed(now: number, limit: number): LegRow[] {
    return this.#sql.exec("SELECT * FROM legs WHERE notify = 1 AND due_at <= ? ORDER BY due_at LIMIT ?", now, limit).toArray().map(toLeg);
  }

  delivered(account: AccountId, multipleId: string): void {
    this.#sql.exec("UPDATE legs SET notify = 0, due_at = NULL WHERE account = ? AND multiple_id = ?", account, multipleId);
  }

  later(account: AccountId, multipleId: string, at: number): void {
    this.#sql.exec("UPDATE legs SET due_at = ? WHERE account = ? AND multiple_id = ? AND notify = 1", at, account, multipleId);
  }

  nextDue(): number | null {
    return (this.#sql.exec("SELECT MIN(due_at) AS t FROM legs WHERE notify = 1").toArray()[0]?.t as number | null) ?? null;
  }

  /** Accepted legs per selection: how many, the multiples' stakes, and their potential payouts. */
  exposure(): SelectionTotals[] {
    return this.#sql
      .exec("SELECT selection_id, COUNT(*) AS bets, SUM(stake) AS stake, SUM(payout) AS payout FROM legs WHERE status = 'accepted' GROUP BY selection_id")
      .toArray()
      .map((r) => ({ selectionId: r.selection_id as string, bets: r.bets as number, stake: r.stake as number, payout: r.payout as number }));
  }

  all(): LegRow[] {
    return this.#sql.exec("SELECT * FROM legs").toArray().map(toLeg);
  }
}
