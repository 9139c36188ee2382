// The hub's side of the book: after a change is committed and broadcast, the
// hub tells its summary shard the market's new state, off the hot path.
// Status, in-play and settlement go at once; odds-only changes are conflated
// (the state at send time is the latest, so the latest price wins) and go at
// most every SUMMARY_GAP_MS. A failed send is retried from the hub's alarm;
// the seq last taken by the shard is stored, so a hub evicted before its
// send publishes when it next wakes. Each send carries the market's book
// figures too (staked, worst case, bets, pending), read at send time: a bet
// changes them without a new seq and is sent as an odds change is, conflated.
import { configOf } from "../config.ts";
import type { MarketTotals } from "../protocol/book.ts";
import type { Exposure, Market } from "../protocol/schemas.ts";
import { SUMMARY_GAP_MS, type SummaryUpdate, nextSendAt, shardOf, totalsOf } from "../rules/book-rules.ts";
import { type MarketState, toWireMarket } from "../rules/market-book.ts";
import type { HubStore } from "./hub-store.ts";

/** The store's meta key for the seq the shard last took. */
const SUMMARY_SEQ = "summarySeq";

export interface PublisherDeps {
  market: () => Market | null;
  /** The market's book figures now; absent, updates carry none. */
  totals?: () => MarketTotals | null;
  send: (update: SummaryUpdate) => Promise<unknown>;
  /** The seq the shard last acknowledged, as stored. */
  sentSeq: { get: () => number | null; set: (seq: number) => void };
  /** Ask for the alarm again (a retry is due). */
  schedule: () => void;
}

export class SummaryPublisher {
  readonly #deps: PublisherDeps;
  #dirty = false;
  #lastSentAt = 0;
  #inFlight = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  /** When the alarm should retry a failed send; null when nothing failed. */
  retryAt: number | null = null;

  constructor(deps: PublisherDeps) {
    this.#deps = deps;
    const m = deps.market();
    // Changed since the shard last took it (a send lost to an eviction): send it now.
    if (m && m.seq > (deps.sentSeq.get() ?? -1)) this.changed(true);
  }

  /** The market changed; `urgent` for status, in-play and settlement. A bet is not urgent. */
  changed(urgent: boolean): void {
    this.#dirty = true;
    if (urgent) void this.#send();
    else this.#soon();
  }

  /** From the hub's alarm: a failed send whose pause is over goes again. */
  retry(now: number): void {
    if (this.retryAt === null || this.retryAt > now) return;
    this.retryAt = null;
    this.#dirty = true;
    void this.#send();
  }

  #soon(): void {
    if (this.#timer !== null || this.#inFlight > 0 || this.retryAt !== null) return;
    const now = Date.now();
    const due = nextSendAt(this.#lastSentAt, now, SUMMARY_GAP_MS);
    if (due <= now) void this.#send();
    else this.#timer = setTimeout(() => void this.#send(), due - now);
  }

  async #send(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const market = this.#deps.market();
    if (!this.#dirty || !market) return;
    this.#dirty = false;
    this.#inFlight++;
    this.#lastSentAt = Date.now();
    try {
      const totals = this.#deps.totals?.() ?? null;
      await this.#deps.send(totals ? { market, at: this.#lastSentAt, totals } : { market, at: this.#lastSentAt });
      this.#failures = 0;
      if (market.seq > (this.#deps.sentSeq.get() ?? -1)) this.#deps.sentSeq.set(market.seq);
    } catch {
      // Send it again from the alarm, after a pause that grows with each failure.
      this.#dirty = true;
      this.#failures++;
      this.retryAt = Date.now() + Math.min(250 * 2 ** this.#failures, 30_000);
      this.#deps.schedule();
    } finally {
      this.#inFlight--;
      if (this.#dirty && this.retryAt === null && this.#inFlight === 0) this.#soon();
    }
  }
}

/** The hub's publisher: the market's summary and book figures to its shard (reached through the binding), the seq taken kept in `meta`. */
export function summariesOf(env: Env, store: HubStore, market: () => MarketState | null, exposure: () => Exposure | null, schedule: () => void): SummaryPublisher {
  const shards = configOf(env).bookShards;
  return new SummaryPublisher({
    market: () => {
      const m = market();
      return m ? toWireMarket(m) : null;
    },
    totals: () => {
      const m = market();
      const e = m && exposure();
      return m && e ? totalsOf(e, m.seq) : null;
    },
    send: (update) => env.BOOK_SHARD.getByName(shardOf(update.market.id, shards)).put([update]),
    sentSeq: { get: () => store.getMeta(SUMMARY_SEQ), set: (seq) => store.setMeta(SUMMARY_SEQ, seq) },
    schedule,
  });
}
