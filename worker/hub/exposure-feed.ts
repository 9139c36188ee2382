// The trader's book, pushed: the market's exposure (the same figures as
// GET /api/markets/:id/exposure) goes to every trader socket on the market
// when it connects and after any change to the bets or the market, computed
// once per send (not per socket), at most one send per EXPOSURE_EVERY_MS.
// Punters and viewers never get it: only sockets tagged as traders at accept.
import type { Exposure, ExposureFrame } from "../protocol/schemas.ts";
import { log } from "../log.ts";
import type { SocketRoom } from "../platform/socket-room.ts";
import { Phase } from "../rules/bet-record.ts";
import { type CashOutTotals, type SelectionTotals, exposureOf, needsFinalResult } from "../rules/exposure.ts";
import type { MarketState } from "../rules/market-book.ts";
import type { HubStore } from "./hub-store.ts";
import { withLegs } from "./legs.ts";

/** The socket tag of trader (admin) sessions: the runtime's tag index finds them, no per-socket test. */
export const TRADER_TAG = "trader";
/** At most four sends a second; the trailing send always carries the last state. */
export const EXPOSURE_EVERY_MS = 250;

export interface ExposureFeedDeps {
  store: HubStore;
  sockets: SocketRoom;
  market: () => MarketState | null;
  /** Multiples' accepted legs per selection, counted as bets (legs.ts). */
  legs?: () => SelectionTotals[];
  /** Cash outs done on the market (cashout-desk.ts): their stake kept and value paid whatever wins. */
  cashedOut?: () => CashOutTotals;
}

export class ExposureFeed {
  readonly #d: ExposureFeedDeps;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #sentAt = -Infinity;
  /** The exposure last sent to every trader, as JSON: an unchanged book is not sent again. */
  #lastSent: string | null = null;
  #lookedAt: number | null = null;
  #traders = false;

  constructor(deps: ExposureFeedDeps) {
    this.#d = deps;
  }

  /** The book as it stands: open bets per selection, held stakes, a finished market's final result. */
  current(): Exposure | null {
    const { store } = this.#d;
    const m = this.#d.market();
    if (!m) return null;
    const decided = needsFinalResult(m) ? store.decidedTotals() : undefined;
    return exposureOf(m, withLegs(store.exposure(), this.#d.legs?.() ?? []), store.countInPhase(Phase.HELD, Phase.DEBIT), decided, this.#d.cashedOut?.());
  }

  /**
   * A bet or the market changed. This only notes it: it may run inside the
   * caller's transaction (settlement marks every bet in one), so the book is
   * read on a timer, after the writes are committed, and never more often
   * than the window allows. Changes inside a window merge into its send.
   */
  changed(): void {
    // No timer without a trader to send to: a pending timer also keeps the hub from hibernating.
    if (this.#timer !== null || !this.#anyTrader()) return;
    const wait = Math.max(0, this.#sentAt + EXPOSURE_EVERY_MS - Date.now());
    this.#timer = setTimeout(() => this.#flush(), wait);
  }

  /** A trader socket's first book, right after its snapshot (or replay), so the view needs no fetch. */
  welcome(ws: WebSocket): void {
    this.#lookedAt = null;
    const frame = this.#frame();
    if (frame) this.#d.sockets.send(ws, JSON.stringify(frame));
  }

  /**
   * Whether any trader socket is open, looked up once per instant: workerd's
   * clock stands still while code runs, so settlement marking thousands of
   * bets in one go looks once. A trader's connect forgets the answer.
   */
  #anyTrader(): boolean {
    const now = Date.now();
    if (this.#lookedAt !== now) {
      this.#lookedAt = now;
      this.#traders = this.#d.sockets.tagged(TRADER_TAG).length > 0;
    }
    return this.#traders;
  }

  #flush(): void {
    this.#timer = null;
    try {
      const traders = this.#d.sockets.tagged(TRADER_TAG);
      if (traders.length === 0) return;
      const frame = this.#frame();
      const book = frame && JSON.stringify(frame.exposure);
      if (!frame || book === this.#lastSent) return;
      this.#lastSent = book;
      this.#sentAt = Date.now();
      const text = JSON.stringify(frame);
      for (const ws of traders) this.#d.sockets.send(ws, text);
    } catch (err) {
      // A timer is no entry point: nothing above would catch this, and the next change tries again.
      log.error("exposure.push_failed", err, { market: this.#d.market()?.id });
    }
  }

  #frame(): ExposureFrame | null {
    const exposure = this.current();
    const m = this.#d.market();
    return exposure && m ? ({ type: "exposure", seq: m.seq, exposure } satisfies ExposureFrame) : null;
  }
}
