// A trader's price ladder for one market: every press steps from the last
// price sent or queued (never from the price on screen, which lags), presses
// made while a push is in flight are merged into the next push, and a price
// stays "sent" until the market's socket echoes a seq at or past the push's.
import { batch, effect, signal } from "@preact/signals";
import { stepOdds } from "../../worker/protocol/ladder.ts";
import { oddsFromDecimal, oddsToDecimal } from "../../worker/protocol/units.ts";
import type { OddsUpdate } from "../sdk/index.ts";
import type { LiveMarket } from "./live-market.ts";

/** queued: waiting for the push in flight to end. sent: pushed, not yet seen on the socket. */
export type DraftState = "queued" | "sent";
export interface DraftPrice {
  odds: number;
  state: DraftState;
  /** Set once the push answered: the seq the socket must reach to confirm it. */
  seq?: number;
}

export type PushOdds = (odds: OddsUpdate) => Promise<{ seq: number } | { error: string }>;

export class PriceLadder {
  /** Prices ahead of the socket, per selection; a selection without one shows the live price. */
  readonly drafts = signal<Readonly<Record<string, DraftPrice>>>({});
  readonly error = signal<string | null>(null);
  readonly #live: LiveMarket;
  readonly #push: PushOdds;
  #inFlight = false;
  #dispose: () => void;

  constructor(live: LiveMarket, push: PushOdds) {
    this.#live = live;
    this.#push = push;
    // The socket confirms a sent price when its seq reaches the push's.
    this.#dispose = effect(() => this.#confirmUpTo(live.seq.value));
  }

  /** The price ahead of the socket for this selection, if any (reads the signal). */
  draft(selectionId: string): DraftPrice | undefined {
    return this.drafts.value[selectionId];
  }

  /** The price a press steps from: the last one sent or queued, else the live one. */
  basis(selectionId: string): number {
    return this.drafts.peek()[selectionId]?.odds ?? this.#live.price(selectionId).odds.peek();
  }

  /** `ticks` up (positive) or down the ladder from the basis. */
  step(selectionId: string, ticks: number): void {
    const h = oddsFromDecimal(this.basis(selectionId));
    if (h !== null) this.set(selectionId, oddsToDecimal(stepOdds(h, ticks)));
  }

  /** Queue a price; it goes now, or with the next push when one is in flight. */
  set(selectionId: string, odds: number): void {
    this.drafts.value = { ...this.drafts.peek(), [selectionId]: { odds, state: "queued" } };
    if (!this.#inFlight) void this.#flush();
  }

  dispose(): void {
    this.#dispose();
  }

  async #flush(): Promise<void> {
    const queued = Object.entries(this.drafts.peek()).filter(([, d]) => d.state === "queued");
    if (queued.length === 0) return;
    const odds: OddsUpdate = Object.fromEntries(queued.map(([id, d]) => [id, d.odds]));
    this.#inFlight = true;
    this.drafts.value = { ...this.drafts.peek(), ...Object.fromEntries(queued.map(([id, d]) => [id, { odds: d.odds, state: "sent" as const }])) };
    const answer = await this.#push(odds);
    this.#inFlight = false;
    batch(() => {
      const next = { ...this.drafts.peek() };
      for (const [id, sentOdds] of Object.entries(odds)) {
        const d = next[id];
        // A press during the push replaced this draft with a queued one: that one stays.
        if (!d || d.state !== "sent" || d.odds !== sentOdds) continue;
        if ("error" in answer) delete next[id];
        else next[id] = { ...d, seq: answer.seq };
      }
      this.error.value = "error" in answer ? answer.error : null;
      this.drafts.value = next;
    });
    // The socket may have echoed the seq before the HTTP answer came back.
    if (!("error" in answer)) this.#confirmUpTo(this.#live.seq.peek());
    void this.#flush();
  }

  #confirmUpTo(seq: number): void {
    const drafts = this.drafts.peek();
    const left = Object.entries(drafts).filter(([, d]) => !(d.state === "sent" && d.seq !== undefined && d.seq <= seq));
    if (left.length !== Object.keys(drafts).length) this.drafts.value = Object.fromEntries(left);
  }
}
