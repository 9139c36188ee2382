// Where a reconnecting client picks up: replay from the log, or a snapshot.
// Pure, so every edge (gap, wrong epoch, a position older than the log) is
// unit-tested without a socket.

export interface ResumeAsk {
  since: number;
  epoch: string;
}

export type ResumePlan = { kind: "replay"; after: number } | { kind: "snapshot" };

/**
 * The most events one resume replays. Further behind, one snapshot (a few
 * hundred bytes) says the same as the whole run of changes: a client back
 * from seq 0 on a long market no longer pulls megabytes through the hub.
 */
export const MAX_REPLAY_EVENTS = 1_000;

/**
 * Replay when the client names this log (epoch) and a position the log still
 * covers, at most MAX_REPLAY_EVENTS behind: every event after `since` is held
 * if the oldest held event is at most `since + 1`, or if the client is
 * already up to date.
 */
export function planResume(ask: ResumeAsk | null, epoch: string, seq: number, oldestHeld: number | null): ResumePlan {
  if (!ask || ask.epoch !== epoch) return { kind: "snapshot" };
  if (!Number.isSafeInteger(ask.since) || ask.since < 0 || ask.since > seq) return { kind: "snapshot" };
  if (ask.since === seq) return { kind: "replay", after: seq };
  if (seq - ask.since > MAX_REPLAY_EVENTS) return { kind: "snapshot" };
  if (oldestHeld === null || oldestHeld > ask.since + 1) return { kind: "snapshot" };
  return { kind: "replay", after: ask.since };
}

/** Keep at least this many events per market, and everything younger than RETAIN_MS. */
export const RETAIN_EVENTS = 10_000;
// Stryker disable next-line ArithmeticOperator: sizes written as products of their units
export const RETAIN_MS = 24 * 60 * 60 * 1000;

/**
 * The most bytes one resume replays. A log of big frames (a market of many
 * selections changing status) reaches it long before MAX_REPLAY_EVENTS; past
 * it the snapshot is smaller than the replay.
 */
// Stryker disable next-line ArithmeticOperator: sizes written as products of their units
export const MAX_REPLAY_BYTES = 256 * 1024;

/** What one address may draw in replays from one market: a burst, refilled by the second. */
// Stryker disable next-line ArithmeticOperator: sizes written as products of their units
export const REPLAY_BURST_BYTES = 1024 * 1024;
// Stryker disable next-line ArithmeticOperator: sizes written as products of their units
export const REPLAY_REFILL_BYTES_PER_S = 64 * 1024;
/** Addresses tracked at once; past it, those whose budget is whole again are forgotten first. */
export const REPLAY_ADDRESSES = 10_000;

/**
 * Replay bytes per client address, as a token bucket: a storm of resumes
 * from one address gets snapshots once its burst is spent, while every other
 * address still gets its replay. Spending nothing (a client already up to
 * date) always passes. Clients with no known address share one budget.
 */
export class ReplayBudget {
  readonly #left = new Map<string, { bytes: number; at: number }>();
  readonly burst: number;
  readonly refillPerS: number;
  readonly maxAddresses: number;

  constructor(burst = REPLAY_BURST_BYTES, refillPerS = REPLAY_REFILL_BYTES_PER_S, maxAddresses = REPLAY_ADDRESSES) {
    this.burst = burst;
    this.refillPerS = refillPerS;
    this.maxAddresses = maxAddresses;
  }

  /** Spend `bytes` for `address` if it has them; false (and nothing spent) if not. */
  take(address: string | null, bytes: number, now: number): boolean {
    if (bytes <= 0) return true;
    // Stryker disable next-line StringLiteral: any one fixed key serves the clients with no address
    const key = address ?? "";
    const left = this.available(key, now);
    if (bytes > left) return false;
    this.#left.delete(key);
    this.#left.set(key, { bytes: left - bytes, at: now });
    this.#bound(now);
    return true;
  }

  /** Bytes `address` could replay now. */
  available(address: string, now: number): number {
    const held = this.#left.get(address);
    if (!held) return this.burst;
    const refilled = Math.floor((Math.max(0, now - held.at) * this.refillPerS) / 1000);
    return Math.min(this.burst, held.bytes + refilled);
  }

  /** How many addresses are tracked (for tests of the bound). */
  get size(): number {
    return this.#left.size;
  }

  #bound(now: number): void {
    if (this.#left.size <= this.maxAddresses) return;
    for (const key of [...this.#left.keys()]) {
      if (this.available(key, now) >= this.burst) this.#left.delete(key);
    }
    // Still too many: forget the longest untouched (insertion order), which at worst hands them a fresh burst.
    for (const key of this.#left.keys()) {
      if (this.#left.size <= this.maxAddresses) break;
      this.#left.delete(key);
    }
  }
}
