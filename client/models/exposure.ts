// One market's book for the trader: accepted, unsettled bets per selection
// and the book's result if each wins, or a finished market's final result.
// The market's own socket pushes it to traders (on connect and after each
// change), so nothing polls: the route is read once only when that socket
// has given up. Also the totals over several markets' books.
import { computed, effect, signal, type ReadonlySignal } from "@preact/signals";
import type { Exposure } from "../../worker/protocol/schemas.ts";
import type { EdgebookApi } from "../sdk/index.ts";
import type { LiveMarket } from "./live-market.ts";

/** The selection whose win costs the book most; null while no bet is open. */
export function worstCase(exposure: Exposure | null): string | null {
  if (!exposure || !exposure.selections.some((s) => s.bets > 0)) return null;
  let worst = exposure.selections[0];
  for (const s of exposure.selections) if (s.profitIfWins < worst.profitIfWins) worst = s;
  return worst.id;
}

/** Open books summed: stakes held, bets, bets pending, and the book's result if every market goes its worst way. */
export interface BookTotals {
  markets: number;
  staked: number;
  bets: number;
  pending: number;
  worstCase: number;
}

export class MarketExposure {
  /** The pushed book while the market's socket has one, else the one-off load's. */
  readonly exposure: ReadonlySignal<Exposure | null>;
  /** The figures may be behind: the socket is not live (reconnecting, or gone). */
  readonly stale: ReadonlySignal<boolean>;
  /** Why the one-off load failed. */
  readonly error = signal<string | null>(null);
  readonly worstId = computed(() => worstCase(this.exposure.value));
  readonly #fetched = signal<Exposure | null>(null);
  readonly #live: LiveMarket;
  readonly #api: () => EdgebookApi;
  #stop: (() => void) | null = null;
  #loaded = false;

  /** `api` is read at the load, so a new session token is used. */
  constructor(live: LiveMarket, api: () => EdgebookApi) {
    this.#live = live;
    this.#api = api;
    this.exposure = computed(() => live.exposure.value ?? this.#fetched.value);
    this.stale = computed(() => this.exposure.value !== null && live.ownConnection.value !== "live");
  }

  /** Watch the socket: once it has given up ("closed"), read the book once over HTTP. */
  start(): void {
    this.#stop?.();
    this.#stop = effect(() => {
      if (this.#live.ownConnection.value === "closed" && !this.#loaded) void this.#load();
    });
  }

  stop(): void {
    this.#stop?.();
    this.#stop = null;
  }

  async #load(): Promise<void> {
    this.#loaded = true;
    try {
      this.#fetched.value = await this.#api().exposure(this.#live.id);
      this.error.value = null;
    } catch (err) {
      this.error.value = err instanceof Error ? err.message : "could not load the book";
    }
  }
}
