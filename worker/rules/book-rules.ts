// The whole book's pure rules: a market's Summary, which shard holds it, and
// when a conflated send is due. No platform imports; unit-tested in Node.
import { MarketStatus } from "../protocol/codes.ts";
import type { MarketTotals, Summary } from "../protocol/book.ts";
import type { Exposure, Market } from "../protocol/schemas.ts";

/** A hub publishes odds-only changes at most this often (status and settlement at once). */
export const SUMMARY_GAP_MS = 250;
/** A shard forwards its batch to the book at most this often. */
export const SHARD_GAP_MS = 100;
/** Markets settled or voided longer ago than this leave the list unless asked for by status. */
export const FINISHED_SHOWN_MS = 3_600_000;

/** A change batch from the book to one relay. */
export interface BookBatch {
  /** Names this life of the book object; versions restart with it. */
  incarnation: string;
  /** The batch takes a relay from version `from` to version `to`. */
  from: number;
  to: number;
  summaries: Summary[];
  /** Markets whose book figures changed (for trader sockets only); absent when none did. */
  totals?: MarketTotals[];
}

/** What a hub sends its shard: the market as it now is and when. */
export interface SummaryUpdate {
  market: Market;
  at: number;
  /** The market's book figures when sent (its hub's, read at `at`); a bet changes them, not the seq. */
  totals?: MarketTotals;
}

/** The book figures of one market's exposure: what the trader console sums over its grid. */
export function totalsOf(e: Exposure, seq: number): MarketTotals {
  return {
    id: e.marketId,
    seq,
    staked: e.totalStake,
    worstCase: e.selections.length > 0 ? Math.min(...e.selections.map((s) => s.profitIfWins)) : 0,
    bets: e.selections.reduce((sum, s) => sum + s.bets, 0),
    pending: e.pendingBets,
  };
}

/**
 * Whether an update replaces the one held: a higher seq, or the same seq sent
 * later (a bet moved the figures, not the market). Equal stays as held.
 */
export function replaces(next: { seq: number; at: number }, held: { seq: number; at: number }): boolean {
  return next.seq > held.seq || (next.seq === held.seq && next.at > held.at);
}

export function toSummary(m: Market): Summary {
  const s: Summary = {
    id: m.id,
    name: m.name,
    event: m.event,
    status: m.status,
    inPlay: m.inPlay,
    selections: m.selections.map((x) => ({ id: x.id, name: x.name, odds: x.odds })),
    seq: m.seq,
  };
  if (m.winner !== undefined) s.winner = m.winner;
  return s;
}

export function isFinished(status: string): boolean {
  return status === MarketStatus.SETTLED || status === MarketStatus.VOIDED;
}

/** FNV-1a, 32 bits: a stable, well-spread hash of a short string. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The shard that holds a market's summary, out of `shards`. */
export function shardIndex(marketId: string, shards: number): number {
  return hash32(marketId) % shards;
}

/** The summary shard object's name for index `index`. */
export function shardName(index: number): string {
  return `shard-${index}`;
}

/** The name of the shard that holds this market's summary. */
export function shardOf(marketId: string, shards: number): string {
  return shardName(shardIndex(marketId, shards));
}

/**
 * When the next send may go: at once if the last one was at least `gapMs` ago,
 * otherwise `gapMs` after it. Leading edge plus trailing edge: a lone change
 * goes out at once, a stream of them goes out every `gapMs` with the latest.
 */
export function nextSendAt(lastSentAt: number, now: number, gapMs: number): number {
  return Math.max(now, lastSentAt + gapMs);
}

/** Keep the newer of two updates of one market: the higher seq wins; an equal seq keeps the first. */
export function newer(a: SummaryUpdate | undefined, b: SummaryUpdate): SummaryUpdate {
  return a === undefined || b.market.seq > a.market.seq ? b : a;
}
