// The feed watchdog, for markets created with `feedTimeoutMs`: every odds
// push, reopening or heartbeat is a sign of life, kept in the store; an open
// market silent for longer is suspended by the hub's alarm.
import { MarketStatus } from "../protocol/codes.ts";
import type { MarketState } from "../rules/market-book.ts";
import type { HubStore } from "./hub-store.ts";

const FEED_SEEN = "feedSeenAt";

export class FeedWatchdog {
  readonly #store: HubStore;

  constructor(store: HubStore) {
    this.#store = store;
  }

  /** A sign of life from the feed (always stored for a new market: its watchdog starts now). */
  seen(market: MarketState, now: number, always = false): void {
    if (always || market.feedTimeoutMs > 0) this.#store.setMeta(FEED_SEEN, now);
  }

  /** When the market counts as lost, or null when nothing watches it. */
  due(market: MarketState | null): number | null {
    if (!market || market.feedTimeoutMs <= 0 || market.status !== MarketStatus.OPEN) return null;
    return (this.#store.getMeta(FEED_SEEN) ?? 0) + market.feedTimeoutMs;
  }

  lost(market: MarketState, now: number): boolean {
    const due = this.due(market);
    return due !== null && now >= due;
  }
}
