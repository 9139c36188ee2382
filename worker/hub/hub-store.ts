// The hub's SQLite: the market row, the append-only event log, the bets and
// the spent tickets. Every method is synchronous; a caller that needs several
// writes to land together wraps them in `transact`.
import type { AcceptPolicy, BetStatus, RejectReason } from "../protocol/codes.ts";
import type { MarketEvent, OddsPoint } from "../protocol/schemas.ts";
import type { AccountId, BetId, Money, Odds } from "../protocol/units.ts";
import { SqlStore } from "../platform/sql-store.ts";
import type { BetRow, Phase } from "../rules/bet-record.ts";
import type { DecidedTotals, SelectionTotals } from "../rules/exposure.ts";
import type { MarketState } from "../rules/market-book.ts";
import { CASHOUTS_MIGRATION } from "./cashout-store.ts";
import { LEGS_MIGRATION } from "./leg-store.ts";

export interface StoredEvent {
  seq: number;
  ts: number;
  type: string;
  by: string;
  frame: string;
}

export const MIGRATIONS = [
  `
CREATE TABLE IF NOT EXISTS market (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, type TEXT NOT NULL, by TEXT NOT NULL, frame TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bets (
  account TEXT NOT NULL, id TEXT NOT NULL, selection_id TEXT NOT NULL,
  stake INTEGER NOT NULL CHECK (stake >= 0), odds INTEGER NOT NULL, accept TEXT NOT NULL,
  status TEXT NOT NULL, phase TEXT NOT NULL, reason TEXT, payout INTEGER NOT NULL,
  placed_at INTEGER NOT NULL, settled_at INTEGER, due_at INTEGER,
  version INTEGER NOT NULL, synced_version INTEGER NOT NULL,
  PRIMARY KEY (account, id)
);
CREATE INDEX IF NOT EXISTS bets_phase ON bets (phase, due_at);
-- Only bets with work left: the alarm's question stays cheap however many bets are done.
CREATE INDEX IF NOT EXISTS bets_open ON bets (placed_at)
  WHERE phase != 'done' OR (synced_version < version AND synced_version >= 0);
CREATE TABLE IF NOT EXISTS tickets (jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
`,
  // 2: the market's interruption count each bet was asked under, and an index to page bets by phase in a fixed order.
  `
ALTER TABLE bets ADD COLUMN asked_under INTEGER NOT NULL DEFAULT 0;
CREATE INDEX bets_phase_order ON bets (phase, placed_at, account, id);
CREATE INDEX bets_account_status ON bets (account, status);
`,
  // 3: multiples' legs on this market (leg-store.ts).
  LEGS_MIGRATION,
  // 4: cash out requests (cashout-store.ts).
  CASHOUTS_MIGRATION,
] as const;

/** Rows read per query when a caller walks every bet of a kind. */
const PAGE = 500;

type Row = Record<string, SqlStorageValue>;

function toBet(r: Row): BetRow {
  return {
    account: r.account as AccountId,
    id: r.id as BetId,
    selectionId: r.selection_id as string,
    stake: r.stake as Money,
    odds: r.odds as Odds,
    accept: r.accept as AcceptPolicy,
    status: r.status as BetStatus,
    phase: r.phase as Phase,
    reason: (r.reason as RejectReason | null) ?? null,
    payout: r.payout as Money,
    placedAt: r.placed_at as number,
    settledAt: (r.settled_at as number | null) ?? null,
    dueAt: (r.due_at as number | null) ?? null,
    askedUnder: (r.asked_under as number | null) ?? 0,
    version: r.version as number,
    syncedVersion: r.synced_version as number,
  };
}

export class HubStore extends SqlStore {
  /** Told after every write to a bet (the exposure feed listens); may run inside the writer's transaction. */
  onBetWritten: () => void = () => {};

  constructor(storage: DurableObjectStorage) {
    super(storage, MIGRATIONS);
  }

  loadMarket(): MarketState | null {
    const row = this.sql.exec("SELECT state FROM market WHERE id = 1").toArray()[0];
    return row ? (JSON.parse(row.state as string) as MarketState) : null;
  }

  saveMarket(m: MarketState): void {
    this.sql.exec("INSERT OR REPLACE INTO market (id, state) VALUES (1, ?)", JSON.stringify(m));
  }

  appendEvent(e: StoredEvent): void {
    this.sql.exec(
      "INSERT INTO events (seq, ts, type, by, frame) VALUES (?, ?, ?, ?, ?)",
      e.seq,
      e.ts,
      e.type,
      e.by,
      e.frame,
    );
  }

  /** Events after `seq`, oldest first. */
  eventsAfter(seq: number, limit: number): StoredEvent[] {
    return this.sql
      .exec("SELECT seq, ts, type, by, frame FROM events WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit)
      .toArray() as unknown as StoredEvent[];
  }

  /** Events after `seq` as the admin's event list shows them: the frame's fields with who made the change. */
  marketEvents(after: number, limit: number): MarketEvent[] {
    return this.eventsAfter(after, limit).map((e) => ({ ...JSON.parse(e.frame), seq: e.seq, ts: e.ts, type: e.type, by: e.by }));
  }

  /** The newest `limit` odds changes, oldest first, for a chart: public, so without who made them. */
  oddsHistory(limit: number): OddsPoint[] {
    const rows = this.sql
      .exec("SELECT seq, ts, type, by, frame FROM events WHERE type = 'odds' ORDER BY seq DESC LIMIT ?", limit)
      .toArray() as unknown as StoredEvent[];
    return rows.reverse().map((e) => ({ seq: e.seq, ts: e.ts, odds: (JSON.parse(e.frame) as { odds: Record<string, number> }).odds }));
  }

  /** The oldest seq still held, or null for an empty log. */
  oldestSeq(): number | null {
    const row = this.sql.exec("SELECT MIN(seq) AS s FROM events").toArray()[0];
    return (row?.s as number | null) ?? null;
  }

  /**
   * Drop the oldest events, keeping at least the newest `keep` and every event
   * at or after `olderThan`. Always a prefix, so what remains is contiguous.
   */
  trimEvents(keep: number, olderThan: number): void {
    this.sql.exec(
      `DELETE FROM events WHERE seq <= MIN(
         (SELECT MAX(seq) FROM events) - ?,
         (SELECT COALESCE(MAX(seq), -1) FROM events WHERE ts < ?))`,
      keep,
      olderThan,
    );
  }

  getBet(account: AccountId, id: BetId): BetRow | null {
    const row = this.sql.exec("SELECT * FROM bets WHERE account = ? AND id = ?", account, id).toArray()[0];
    return row ? toBet(row) : null;
  }

  putBet(b: BetRow): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO bets (account, id, selection_id, stake, odds, accept, status, phase, reason, payout,
        placed_at, settled_at, due_at, version, synced_version, asked_under) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      b.account,
      b.id,
      b.selectionId,
      b.stake,
      b.odds,
      b.accept,
      b.status,
      b.phase,
      b.reason,
      b.payout,
      b.placedAt,
      b.settledAt,
      b.dueAt,
      b.version,
      b.syncedVersion,
      b.askedUnder,
    );
    this.onBetWritten();
  }

  /** Forget a bet that turned out not to be this market's (its id belongs to another market). */
  dropBet(account: AccountId, id: BetId): void {
    this.sql.exec("DELETE FROM bets WHERE account = ? AND id = ?", account, id);
    this.onBetWritten();
  }

  markSynced(account: AccountId, id: BetId, version: number): void {
    this.sql.exec(
      "UPDATE bets SET synced_version = MAX(synced_version, ?) WHERE account = ? AND id = ?",
      version,
      account,
      id,
    );
  }

  /** Every bet in `phase`, oldest first, read in pages (never cut short). */
  betsInPhase(phase: Phase): BetRow[] {
    return this.#paged((after) =>
      this.sql.exec(
        `SELECT * FROM bets WHERE phase = ?1 AND (placed_at, account, id) > (?2, ?3, ?4)
         ORDER BY placed_at, account, id LIMIT ?5`,
        phase,
        after?.placedAt ?? -1,
        after?.account ?? "",
        after?.id ?? "",
        PAGE,
      ),
    );
  }

  /** Up to `limit` bets in `phase`, oldest first: one batch of work. */
  firstInPhase(phase: Phase, limit: number): BetRow[] {
    return this.sql
      .exec("SELECT * FROM bets WHERE phase = ? ORDER BY placed_at, account, id LIMIT ?", phase, limit)
      .toArray()
      .map(toBet);
  }

  countInPhase(...phases: Phase[]): number {
    const marks = phases.map(() => "?").join(", ");
    return this.sql.exec(`SELECT COUNT(*) AS n FROM bets WHERE phase IN (${marks})`, ...phases).toArray()[0].n as number;
  }

  /** Bets whose latest state the wallet has not confirmed (only those that reached a wallet), in pages. */
  unsyncedBets(): BetRow[] {
    return this.#paged((after) =>
      this.sql.exec(
        `SELECT * FROM bets WHERE synced_version < version AND synced_version >= 0 AND (placed_at, account, id) > (?1, ?2, ?3)
         ORDER BY placed_at, account, id LIMIT ?4`,
        after?.placedAt ?? -1,
        after?.account ?? "",
        after?.id ?? "",
        PAGE,
      ),
    );
  }

  /** Every bet waiting out an in-play delay is due at `at` (settlement decides them at once). */
  makeHeldDue(at: number): number {
    return this.sql.exec("UPDATE bets SET due_at = ? WHERE phase = 'held'", at).rowsWritten;
  }

  /** How many bets of this account this market refused (each kept under its id). */
  refusalsOf(account: AccountId): number {
    return this.sql.exec("SELECT COUNT(*) AS n FROM bets WHERE account = ? AND status = 'rejected'", account).toArray()[0].n as number;
  }

  /** Walk a keyset-paged query to the end: each page starts after the last row of the one before. */
  #paged(page: (after: BetRow | null) => SqlStorageCursor<Row>): BetRow[] {
    const out: BetRow[] = [];
    for (let after: BetRow | null = null; ; ) {
      const rows: BetRow[] = page(after).toArray().map(toBet);
      out.push(...rows);
      if (rows.length < PAGE) return out;
      after = rows[rows.length - 1];
    }
  }

  /**
   * When the next bet needs the hub's attention: a delay ending, a wallet call
   * unanswered for `graceMs`, a refund or payment owed, a wallet view behind.
   */
  nextBetWork(now: number, graceMs: number): number | null {
    const row = this.sql
      .exec(
        `SELECT MIN(CASE phase
           WHEN 'held' THEN due_at
           WHEN 'elsewhere' THEN due_at
           WHEN 'claim' THEN COALESCE(due_at, placed_at + ?1)
           WHEN 'debit' THEN placed_at + ?1
           WHEN 'done' THEN ?2 + ?1
           ELSE ?2 END) AS t
         FROM bets WHERE phase != 'done' OR (synced_version < version AND synced_version >= 0)`,
        graceMs,
        now,
      )
      .toArray()[0];
    return (row?.t as number | null) ?? null;
  }

  getMeta(key: string): number | null {
    const row = this.sql.exec("SELECT v FROM meta WHERE k = ?", key).toArray()[0];
    return row ? (row.v as number) : null;
  }

  setMeta(key: string, value: number): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", key, value);
  }

  /**
   * Accepted bets per selection, and bets whose stake is held in an in-play
   * delay (counted at the price they asked; integer division is the floor of
   * stake x odds, as payoutOf computes it):
   * how many, their stakes, and what they would return.
   */
  exposure(): SelectionTotals[] {
    return this.sql
      .exec(
        `SELECT selection_id, COUNT(*) AS bets, SUM(stake) AS stake,
           SUM(CASE WHEN status = 'accepted' THEN payout ELSE (stake * odds) / 100 END) AS payout
         FROM bets WHERE status = 'accepted' OR phase = 'held' GROUP BY selection_id`,
      )
      .toArray()
      .map((r) => ({ selectionId: r.selection_id as string, bets: r.bets as number, stake: r.stake as number, payout: r.payout as number }));
  }

  /**
   * Sums over every decided bet (won, lost, void), one aggregate query, never
   * capped: stakes taken and what settlement credits (payout is the winner's
   * return, the refunded stake on void, 0 on a loss).
   */
  decidedTotals(): DecidedTotals {
    const r = this.sql
      .exec(
        `SELECT COUNT(*) AS bets, COALESCE(SUM(stake), 0) AS stake, COALESCE(SUM(payout), 0) AS payout
         FROM bets WHERE status IN ('won', 'lost', 'void')`,
      )
      .one();
    return { bets: r.bets as number, stake: r.stake as number, payout: r.payout as number };
  }

  acceptedBets(): BetRow[] {
    return this.sql.exec("SELECT * FROM bets WHERE status = 'accepted'").toArray().map(toBet);
  }

  allBets(): BetRow[] {
    return this.sql.exec("SELECT * FROM bets ORDER BY placed_at DESC").toArray().map(toBet);
  }

  /** Whether this ticket was already used (and is still remembered, so until it expires). */
  ticketSpent(jti: string): boolean {
    return this.sql.exec("SELECT 1 FROM tickets WHERE jti = ?", jti).toArray().length > 0;
  }

  /** Record a ticket as spent; false if it was spent before. Expired entries are swept here too. */
  spendTicket(jti: string, expiresAt: number, now: number): boolean {
    this.sql.exec("DELETE FROM tickets WHERE expires_at < ?", now);
    // RETURNING names the row only if it was inserted (rowsWritten would count index writes too).
    const inserted = this.sql
      .exec("INSERT INTO tickets (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING RETURNING jti", jti, expiresAt)
      .toArray();
    return inserted.length === 1;
  }
}
