// The hub's cash out requests in SQLite (table `cashouts`, hub migration 4):
// each kept under the account and its request id, with where it stands (held
// out its in-play delay, its credit owed to the wallet, or done). Synchronous,
// like HubStore, whose transactions callers wrap these writes in.
import type { AccountId, BetId, Money } from "../protocol/units.ts";
import type { CashOutReplyFrame } from "../protocol/schemas.ts";

/** The table, as hub migration 4 creates it (hub-store.ts lists it). */
export const CASHOUTS_MIGRATION = `
CREATE TABLE IF NOT EXISTS cashouts (
  account TEXT NOT NULL, id TEXT NOT NULL, bet_id TEXT NOT NULL,
  asked INTEGER NOT NULL, accept TEXT NOT NULL, part INTEGER,
  status TEXT NOT NULL, phase TEXT NOT NULL, reason TEXT, value INTEGER, stake INTEGER,
  asked_under INTEGER NOT NULL, created_at INTEGER NOT NULL, due_at INTEGER,
  PRIMARY KEY (account, id)
);
CREATE INDEX IF NOT EXISTS cashouts_work ON cashouts (phase, due_at) WHERE phase != 'done';
CREATE INDEX IF NOT EXISTS cashouts_bet ON cashouts (account, bet_id);
`;

/** Where a cash out stands: waiting out the in-play delay, its credit owed, or finished. */
export const CashOutPhase = { HELD: "held", CREDIT: "credit", DONE: "done" } as const;
export type CashOutPhase = (typeof CashOutPhase)[keyof typeof CashOutPhase];

export interface CashOutRow {
  account: AccountId;
  id: string;
  betId: BetId;
  /** The value the punter asked for. */
  asked: Money;
  accept: "exact" | "better";
  /** The part of the stake asked to cash out; null for the whole bet. */
  part: Money | null;
  status: CashOutReplyFrame["status"];
  phase: CashOutPhase;
  reason: NonNullable<CashOutReplyFrame["reason"]> | null;
  /** Done: the value credited. Refused ODDS_CHANGED: the value at the time. */
  value: Money | null;
  /** Done: the stake cashed out. */
  stake: Money | null;
  askedUnder: number;
  createdAt: number;
  dueAt: number | null;
}

/** Per selection, what cash outs took: how many, the stake cashed out, the value paid. */
export interface CashOutTotals {
  selectionId: string;
  count: number;
  stake: number;
  value: number;
}

type Row = Record<string, SqlStorageValue>;

function toRow(r: Row): CashOutRow {
  return {
    account: r.account as AccountId,
    id: r.id as string,
    betId: r.bet_id as BetId,
    asked: r.asked as Money,
    accept: r.accept as CashOutRow["accept"],
    part: (r.part as Money | null) ?? null,
    status: r.status as CashOutRow["status"],
    phase: r.phase as CashOutPhase,
    reason: (r.reason as CashOutRow["reason"]) ?? null,
    value: (r.value as Money | null) ?? null,
    stake: (r.stake as Money | null) ?? null,
    askedUnder: r.asked_under as number,
    createdAt: r.created_at as number,
    dueAt: (r.due_at as number | null) ?? null,
  };
}

export class CashOutStore {
  readonly #sql: SqlStorage;

  /** `sql` is the hub's, whose HubStore has already brought the schema up to date. */
  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  get(account: AccountId, id: string): CashOutRow | null {
    const r = this.#sql.exec("SELECT * FROM cashouts WHERE account = ? AND id = ?", account, id).toArray()[0];
    return r ? toRow(r) : null;
  }

  put(c: CashOutRow): void {
    this.#sql.exec(
      `INSERT OR REPLACE INTO cashouts (account, id, bet_id, asked, accept, part, status, phase, reason, value, stake,
        asked_under, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      c.account,
      c.id,
      c.betId,
      c.asked,
      c.accept,
      c.part,
      c.status,
      c.phase,
      c.reason,
      c.value,
      c.stake,
      c.askedUnder,
      c.createdAt,
      c.dueAt,
    );
  }

  /** Every cash out waiting out an in-play delay is due at `at` (the market was settled: they are refused at once). */
  makeHeldDue(at: number): void {
    this.#sql.exec("UPDATE cashouts SET due_at = ? WHERE phase = 'held'", at);
  }

  inPhase(phase: CashOutPhase): CashOutRow[] {
    return this.#sql.exec("SELECT * FROM cashouts WHERE phase = ? ORDER BY created_at", phase).toArray().map(toRow);
  }

  /** When held or owed work next falls due (an unanswered credit after `graceMs`), or null. */
  nextDue(graceMs: number): number | null {
    const r = this.#sql
      .exec("SELECT MIN(CASE phase WHEN 'held' THEN due_at ELSE COALESCE(due_at, created_at + ?) END) AS t FROM cashouts WHERE phase != 'done'", graceMs)
      .toArray()[0];
    return (r?.t as number | null) ?? null;
  }

  /** Cash outs done on this market, per selection of their bets. */
  totals(): CashOutTotals[] {
    return this.#sql
      .exec(
        `SELECT b.selection_id AS selection_id, COUNT(*) AS n, SUM(c.stake) AS stake, SUM(c.value) AS value
         FROM cashouts c JOIN bets b ON b.account = c.account AND b.id = c.bet_id
         WHERE c.status = 'done' GROUP BY b.selection_id`,
      )
      .toArray()
      .map((r) => ({ selectionId: r.selection_id as string, count: r.n as number, stake: r.stake as number, value: r.value as number }));
  }

  /** Every cash out, oldest first: for the money checks of tests. */
  all(): CashOutRow[] {
    return this.#sql.exec("SELECT * FROM cashouts ORDER BY created_at").toArray().map(toRow);
  }
}
