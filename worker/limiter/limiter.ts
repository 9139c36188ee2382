// Per-address rate limits: one object per client address, counting in a
// sliding window (this window's count plus the share of the last window still
// inside it). Counters live in memory: an evicted limiter forgives, which is
// the safe direction for a limiter and costs no storage write per request.
import { DurableObject } from "cloudflare:workers";

interface Window {
  start: number;
  count: number;
  previous: number;
}

export class Limiter extends DurableObject<Env> {
  readonly #windows = new Map<string, Window>();

  /** Count one request in `bucket`; false when it would exceed `limit` per `windowMs`. */
  hit(bucket: string, limit: number, windowMs: number): boolean {
    if (this.full(bucket, limit, windowMs)) return false;
    this.#windows.get(bucket)!.count++;
    return true;
  }

  /** Is `bucket` at its `limit`? Counts nothing: for a lockout that only failures fill. */
  full(bucket: string, limit: number, windowMs: number): boolean {
    const now = Date.now();
    const w = this.#roll(bucket, windowMs, now);
    const weight = 1 - (now - w.start) / windowMs;
    return w.count + w.previous * weight >= limit;
  }

  #roll(bucket: string, windowMs: number, now: number): Window {
    let w = this.#windows.get(bucket);
    if (!w) {
      w = { start: now, count: 0, previous: 0 };
      this.#windows.set(bucket, w);
    }
    const elapsed = now - w.start;
    if (elapsed >= windowMs) {
      w.previous = elapsed >= 2 * windowMs ? 0 : w.count;
      w.start = elapsed >= 2 * windowMs ? now : w.start + windowMs;
      w.count = 0;
    }
    return w;
  }
}
