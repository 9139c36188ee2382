// The book's SQL: every market's latest state (the wire Market, from its hub),
// keyed by id, in creation order, with its book figures for traders. A write
// never replaces a higher seq; the same seq sent later updates the figures.
import type { MarketTotals } from "../protocol/book.ts";
import type { Market } from "../protocol/schemas.ts";
import { FINISHED_SHOWN_MS, type SummaryUpdate, isFinished, replaces } from "../rules/book-rules.ts";
import type { ListQuery, Position } from "../rules/market-list.ts";
import { SqlStore } from "../platform/sql-store.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS summaries (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL,
  event_lc TEXT NOT NULL,
  in_play INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  market TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS summaries_order ON summaries (created_at, id);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
`;
/** The book figures (JSON, null until the hub sent some) and when the hub sent what is held. */
const WITH_TOTALS = `
ALTER TABLE summaries ADD COLUMN totals TEXT;
ALTER TABLE summaries ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE spent (jti TEXT PRIMARY KEY, expires INTEGER NOT NULL);
`;

/** What one update changed: the market (viewers hear of it) and its figures (traders do). */
export interface PutResult {
  market: boolean;
  totals: MarketTotals | null;
}

export class BookStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, [SCHEMA, WITH_TOTALS]);
  }

  /** Store the update if it is new or newer than what is held (`replaces`); what it changed. */
  put(u: SummaryUpdate): PutResult {
    const m = u.market;
    const held = this.sql.exec("SELECT seq, at, totals FROM summaries WHERE id = ?", m.id).toArray()[0];
    const finishedAt = isFinished(m.status) ? u.at : null;
    const totals = u.totals ? JSON.stringify(u.totals) : null;
    if (!held) {
      this.sql.exec(
        "INSERT INTO summaries (id, created_at, finished_at, status, event_lc, in_play, seq, market, totals, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        m.id, u.at, finishedAt, m.status, m.event.toLowerCase(), m.inPlay ? 1 : 0, m.seq, JSON.stringify(m), totals, u.at,
      );
      return { market: true, totals: u.totals ?? null };
    }
    if (!replaces({ seq: m.seq, at: u.at }, { seq: held.seq as number, at: held.at as number })) return { market: false, totals: null };
    const moved = totals !== null && totals !== held.totals;
    if (m.seq === held.seq) {
      if (moved) this.sql.exec("UPDATE summaries SET totals = ?, at = ? WHERE id = ?", totals, u.at, m.id);
      return { market: false, totals: moved ? u.totals! : null };
    }
    this.sql.exec(
      "UPDATE summaries SET finished_at = COALESCE(finished_at, ?), status = ?, in_play = ?, seq = ?, market = ?, totals = COALESCE(?, totals), at = ? WHERE id = ?",
      finishedAt, m.status, m.inPlay ? 1 : 0, m.seq, JSON.stringify(m), totals, u.at, m.id,
    );
    return { market: true, totals: moved ? u.totals! : null };
  }

  has(id: string): boolean {
    return this.sql.exec("SELECT 1 FROM summaries WHERE id = ?", id).toArray().length > 0;
  }

  /** One page, oldest first; one row more than asked tells whether another page follows. */
  page(q: ListQuery, now: number): { markets: Market[]; last: Position | null; more: boolean } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.statuses.length > 0) {
      where.push(`status IN (${q.statuses.map(() => "?").join(", ")})`);
      args.push(...q.statuses);
    } else {
      where.push("(finished_at IS NULL OR finished_at > ?)");
      args.push(now - FINISHED_SHOWN_MS);
    }
    if (q.event !== null) {
      where.push("instr(event_lc, ?) > 0");
      args.push(q.event.toLowerCase());
    }
    if (q.inPlay !== null) {
      where.push("in_play = ?");
      args.push(q.inPlay ? 1 : 0);
    }
    if (q.after) {
      where.push("(created_at > ? OR (created_at = ? AND id > ?))");
      args.push(q.after.createdAt, q.after.createdAt, q.after.id);
    }
    const rows = this.sql
      .exec(`SELECT id, created_at, market FROM summaries WHERE ${where.join(" AND ")} ORDER BY created_at, id LIMIT ?`, ...args, q.limit + 1)
      .toArray();
    const more = rows.length > q.limit;
    const shown = rows.slice(0, q.limit);
    const tail = shown[shown.length - 1];
    return {
      markets: shown.map((r) => JSON.parse(r.market as string) as Market),
      last: tail ? { createdAt: tail.created_at as number, id: tail.id as string } : null,
      more,
    };
  }

  /** Every market a book socket may show, oldest first: all but those finished over an hour ago. */
  current(now: number): Market[] {
    return this.sql
      .exec("SELECT market FROM summaries WHERE finished_at IS NULL OR finished_at > ? ORDER BY created_at, id", now - FINISHED_SHOWN_MS)
      .toArray()
      .map((r) => JSON.parse(r.market as string) as Market);
  }

  /** The figures of every market `current` answers that has any. */
  currentTotals(now: number): MarketTotals[] {
    return this.sql
      .exec("SELECT totals FROM summaries WHERE totals IS NOT NULL AND (finished_at IS NULL OR finished_at > ?)", now - FINISHED_SHOWN_MS)
      .toArray()
      .map((r) => JSON.parse(r.totals as string) as MarketTotals);
  }

  /** Spend a single-use ticket (kept until it expires); false when it was spent already. */
  spend(jti: string, expires: number, now: number): boolean {
    this.sql.exec("DELETE FROM spent WHERE expires < ?", now);
    if (this.sql.exec("SELECT 1 FROM spent WHERE jti = ?", jti).toArray().length > 0) return false;
    this.sql.exec("INSERT INTO spent (jti, expires) VALUES (?, ?)", jti, expires);
    return true;
  }

  getMeta(key: string): number | null {
    const row = this.sql.exec("SELECT v FROM meta WHERE k = ?", key).toArray()[0];
    return row ? (row.v as number) : null;
  }

  setMeta(key: string, value: number): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", key, value);
  }
}
