// A summary shard Durable Object: markets are spread over the shards by a hash
// of their id, and each hub sends its summaries to its shard. The shard keeps
// what it has not yet forwarded in SQLite (newest seq per market) and sends it
// to the book as one batch at most every SHARD_GAP_MS, on its alarm; an update
// with the same seq sent later (a bet moved the book figures) replaces it. Storage
// and alarm both survive a restart, so a restarted shard forwards what it held.
import { DurableObject } from "cloudflare:workers";
import { configOf } from "../config.ts";
import { log, setLogLevel } from "../log.ts";
import { SqlStore } from "../platform/sql-store.ts";
import type { MarketTotals } from "../protocol/book.ts";
import type { Market } from "../protocol/schemas.ts";
import { SHARD_GAP_MS, type SummaryUpdate, nextSendAt } from "../rules/book-rules.ts";
import { type Result, ok } from "../rules/result.ts";
import { bookOf } from "./book-config.ts";
import { type CallStats, CallMeter } from "./call-meter.ts";

const BATCH = 500;
const OVERDUE_MS = 5000;

class ShardStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, [
      "CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, at INTEGER NOT NULL, market TEXT NOT NULL)",
      "ALTER TABLE pending ADD COLUMN totals TEXT",
    ]);
  }

  /** Keep the newest update of each market (rules/book-rules.ts `replaces`): an older one never replaces a newer. */
  put(u: SummaryUpdate): void {
    this.sql.exec(
      `INSERT INTO pending (id, seq, at, market, totals) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, at = excluded.at, market = excluded.market, totals = excluded.totals
       WHERE excluded.seq > pending.seq OR (excluded.seq = pending.seq AND excluded.at > pending.at)`,
      u.market.id, u.market.seq, u.at, JSON.stringify(u.market), u.totals ? JSON.stringify(u.totals) : null,
    );
  }

  pending(limit: number): SummaryUpdate[] {
    return this.sql
      .exec("SELECT at, market, totals FROM pending ORDER BY at LIMIT ?", limit)
      .toArray()
      .map((r) => {
        const u: SummaryUpdate = { at: r.at as number, market: JSON.parse(r.market as string) as Market };
        if (r.totals !== null) u.totals = JSON.parse(r.totals as string) as MarketTotals;
        return u;
      });
  }

  /** Forget what the book has taken; an update that arrived meanwhile (higher seq, or sent later) stays. */
  forwarded(updates: SummaryUpdate[]): void {
    for (const u of updates) {
      this.sql.exec("DELETE FROM pending WHERE id = ? AND (seq < ? OR (seq = ? AND at <= ?))", u.market.id, u.market.seq, u.market.seq, u.at);
    }
  }

  count(): number {
    return this.sql.exec("SELECT count(*) AS n FROM pending").one().n as number;
  }
}

export class BookShard extends DurableObject<Env> {
  readonly #store: ShardStore;
  readonly #meter = new CallMeter();
  #alarmAt: number | null = null;
  #lastSentAt = 0;
  #retryMs = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(configOf(env).logLevel);
    this.#store = new ShardStore(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => {
      this.#alarmAt = await ctx.storage.getAlarm();
      // Anything held from before a restart goes out now, unless an alarm is already due for it.
      if (this.#alarmAt === null && this.#store.count() > 0) this.#arm(Date.now());
    });
  }

  /** Summaries from hubs. Stored before the call returns, so an acknowledged update is never lost. */
  put(updates: SummaryUpdate[]): void {
    this.#meter.hit();
    this.#store.transact(() => {
      for (const u of updates) this.#store.put(u);
    });
    this.#arm(nextSendAt(this.#lastSentAt, Date.now(), SHARD_GAP_MS));
  }

  stats(reset = false): Result<CallStats & { pending: number }> {
    const out = { ...this.#meter.stats(), pending: this.#store.count() };
    if (reset) this.#meter.reset();
    return ok(out);
  }

  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    const batch = this.#store.pending(BATCH);
    if (batch.length === 0) return;
    this.#lastSentAt = Date.now();
    try {
      await bookOf(this.env).apply(batch);
      this.#store.forwarded(batch);
      this.#retryMs = 0;
      if (this.#store.count() > 0) this.#arm(nextSendAt(this.#lastSentAt, Date.now(), SHARD_GAP_MS));
    } catch (err) {
      // The rows stay; try again with a growing pause.
      this.#retryMs = Math.min(Math.max(this.#retryMs * 2, 200), 10_000);
      log.warn("shard.forward", { error: String(err), retryMs: this.#retryMs });
      this.#arm(Date.now() + this.#retryMs);
    }
  }

  /** One alarm: set it for `at` unless an earlier one is already set (and not long overdue, as if lost). */
  #arm(at: number): void {
    if (this.#alarmAt !== null && this.#alarmAt <= at && this.#alarmAt > Date.now() - OVERDUE_MS) return;
    this.#alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }
}
