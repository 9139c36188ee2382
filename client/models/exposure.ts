// One market's exposure for the trader: accepted, unsettled bets per selection
// and the book's result if each wins. No socket carries it, so it is polled
// while the page is visible, and loaded at once when asked (after an action).
import { computed, signal } from "@preact/signals";
import type { Exposure } from "../../worker/protocol/schemas.ts";
import { ApiError, type EdgebookApi } from "../sdk/index.ts";

/** The live view's cadence; a load in flight is never doubled. */
export const EXPOSURE_POLL_MS = 2_000;

/** Answers another try will not change (logged out, not a trader, no such market): stop polling. */
const FINAL_STATUS = [401, 403, 404];

/** The selection whose win costs the book most; null while no bet is open. */
export function worstCase(exposure: Exposure | null): string | null {
  if (!exposure || !exposure.selections.some((s) => s.bets > 0)) return null;
  let worst = exposure.selections[0];
  for (const s of exposure.selections) if (s.profitIfWins < worst.profitIfWins) worst = s;
  return worst.id;
}

export class MarketExposure {
  readonly exposure = signal<Exposure | null>(null);
  /** Why the last load failed; the last good exposure stays on screen. */
  readonly error = signal<string | null>(null);
  readonly worstId = computed(() => worstCase(this.exposure.value));
  readonly #marketId: string;
  readonly #api: () => EdgebookApi;
  #polling = false;
  #stopped = true;
  #inFlight = false;
  /** A refresh came while a load was in flight: load once more when it ends. */
  #again = false;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** `api` is read at each load, so a new session token is used at once. */
  constructor(marketId: string, api: () => EdgebookApi) {
    this.#marketId = marketId;
    this.#api = api;
  }

  /** Load now, then every EXPOSURE_POLL_MS while the page is visible; with `poll` false, load once. */
  start(poll: boolean): void {
    this.#stopped = false;
    this.#polling = poll;
    if (poll) document.addEventListener("visibilitychange", this.#onVisibility);
    this.refresh();
  }

  /** No more loads or timers; an answer still in flight is dropped. */
  stop(): void {
    this.#stopped = true;
    this.#polling = false;
    this.#again = false;
    this.#clearTimer();
    document.removeEventListener("visibilitychange", this.#onVisibility);
  }

  /** Load now. During a load, one more follows it, so the answer includes whatever happened before this call. */
  refresh(): void {
    if (this.#stopped) return;
    this.#clearTimer();
    if (this.#inFlight) this.#again = true;
    else void this.#load();
  }

  async #load(): Promise<void> {
    this.#inFlight = true;
    let next: Exposure | null = null;
    let error: unknown = null;
    try {
      next = await this.#api().exposure(this.#marketId);
    } catch (err) {
      error = err;
    }
    this.#inFlight = false;
    if (this.#stopped) return;
    if (next) {
      // Most polls change nothing: keep the old value so nothing re-renders.
      if (JSON.stringify(next) !== JSON.stringify(this.exposure.peek())) this.exposure.value = next;
      this.error.value = null;
    } else {
      this.error.value = error instanceof Error ? error.message : "could not load the book";
      if (error instanceof ApiError && FINAL_STATUS.includes(error.status)) this.#polling = false;
    }
    if (this.#again) {
      this.#again = false;
      void this.#load();
    } else if (this.#polling && !document.hidden) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.refresh();
      }, EXPOSURE_POLL_MS);
    }
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Hidden: let the timer lapse. Visible again: load at once, which restarts the cadence. */
  readonly #onVisibility = (): void => {
    if (document.hidden) this.#clearTimer();
    else this.refresh();
  };
}
