// One market on screen: its facts as a signal that changes on status and
// settlement, and one small signal set per selection that changes on every
// price tick, so a tick touches only that price's text node and class.
// The book socket's summaries keep it current; a page that needs the market's
// full detail, bet answers and balance opens the market's own socket too.
import { batch, computed, signal, type ReadonlySignal, type Signal } from "@preact/signals";
import type { Summary } from "../../worker/protocol/book.ts";
import type { BetBody, CashOutBody, CashOutReplyFrame, Exposure, Market } from "../../worker/protocol/schemas.ts";
import { isFinished, MarketSubscription, type ConnectionState, type EdgebookApi, type MarketSubscriptionEvents, type SendResult } from "../sdk/index.ts";

export type Move = "up" | "down";
/** How long a price keeps its flash class: a little over the 600 ms animation. */
const FLASH_MS = 700;
/** How long the arrow of the last move stays beside a price: long enough to be read. */
const ARROW_MS = 3_000;
const HISTORY_POINTS = 60;

export class Price {
  readonly odds: Signal<number>;
  /** Direction of the last move while it flashes, with a parity bit so back-to-back moves restart the animation. */
  readonly flash = signal<`${Move}-${0 | 1}` | null>(null);
  readonly history: Signal<readonly number[]>;
  /** The last move's direction, for an arrow beside the price (colour alone does not tell everyone). */
  readonly move = signal<Move | null>(null);
  #parity: 0 | 1 = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #arrowTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(odds: number) {
    this.odds = signal(odds);
    this.history = signal([odds]);
  }

  /**
   * Put earlier prices (oldest first) in front of what this price has shown so
   * far, so a chart opened now has a past. The last of them is the price the
   * page started from, which the history already begins with.
   */
  seed(earlier: readonly number[]): void {
    if (earlier.length === 0) return;
    const shown = this.history.peek();
    const past = earlier[earlier.length - 1] === shown[0] ? earlier.slice(0, -1) : earlier;
    this.history.value = [...past, ...shown].slice(-HISTORY_POINTS);
  }

  set(odds: number): void {
    const before = this.odds.peek();
    if (odds === before) return;
    this.#parity = this.#parity === 0 ? 1 : 0;
    batch(() => {
      this.odds.value = odds;
      this.flash.value = `${odds > before ? "up" : "down"}-${this.#parity}`;
      this.move.value = odds > before ? "up" : "down";
      this.history.value = [...this.history.peek().slice(1 - HISTORY_POINTS), odds];
    });
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.flash.value = null), FLASH_MS);
    if (this.#arrowTimer !== null) clearTimeout(this.#arrowTimer);
    this.#arrowTimer = setTimeout(() => (this.move.value = null), ARROW_MS);
  }
}

export type UiConnection = ConnectionState | "idle";

export interface MarketHooks {
  bet: (frame: MarketSubscriptionEvents["bet"]) => void;
  balance: (balance: number, asOf?: number) => void;
  settled: (marketId: string) => void;
  /** The socket was refused a ticket: the session has expired or was revoked. */
  unauthorized: () => void;
  /** v1.1: the answer to a cash out sent on this socket. */
  cashOut?: (frame: CashOutReplyFrame) => void;
}

export class LiveMarket {
  readonly id: string;
  /** Everything but the live prices, which live in `prices`. */
  readonly market: Signal<Market>;
  /** The market's own socket, "idle" while it has none. */
  readonly ownConnection = signal<UiConnection>("idle");
  /** How current the prices are: the own socket when open, else the book socket that feeds the summaries. */
  readonly connection: ReadonlySignal<UiConnection>;
  readonly viewers = signal<number | null>(null);
  /** The book, pushed on a trader's own socket (never to punters); null without one. */
  readonly exposure = signal<Exposure | null>(null);
  /** The last seq applied from the socket (or the listing): a trader's push is confirmed when it gets here. */
  readonly seq: Signal<number>;
  /** When the socket last became live; a bet sent before then may have lost its answer. */
  liveSince = 0;
  readonly #prices = new Map<string, Price>();
  /** The punter's open bets' live cash out values (undefined: not heard yet; null: the market is not open). */
  readonly #cashOuts = new Map<string, Signal<number | null | undefined>>();
  #seeded = false;
  #sub: MarketSubscription | null = null;

  constructor(market: Market, book: ReadonlySignal<UiConnection>) {
    this.id = market.id;
    this.market = signal(market);
    this.seq = signal(market.seq);
    this.connection = computed(() => (this.ownConnection.value === "idle" ? book.value : this.ownConnection.value));
    this.#syncPrices(market);
  }

  price(selectionId: string): Price {
    let p = this.#prices.get(selectionId);
    if (!p) {
      p = new Price(this.market.peek().selections.find((s) => s.id === selectionId)?.odds ?? 0);
      this.#prices.set(selectionId, p);
    }
    return p;
  }

  /** The live cash out value of one of the punter's bets here, as the socket last said. */
  cashOutValue(betId: string): Signal<number | null | undefined> {
    let v = this.#cashOuts.get(betId);
    if (!v) this.#cashOuts.set(betId, (v = signal<number | null | undefined>(undefined)));
    return v;
  }

  /** Facts from an HTTP listing; ignored while the socket is the source of truth, or when older than what is shown. */
  update(market: Market): void {
    if (this.#sub || market.seq < this.seq.peek()) return;
    this.#replace(market);
  }

  /**
   * A summary from the book socket, taken when newer than what is shown (the
   * own socket, when open, is usually ahead). A price move touches only the
   * prices; status, in play and settlement replace the market's facts.
   */
  applySummary(summary: Summary): void {
    if (summary.seq <= this.seq.peek()) return;
    const m = this.market.peek();
    const facts = summary.status !== m.status || summary.inPlay !== m.inPlay || summary.winner !== m.winner;
    const odds = new Map(summary.selections.map((s) => [s.id, s.odds]));
    const next: Market = { ...m, seq: summary.seq, status: summary.status, inPlay: summary.inPlay, selections: m.selections.map((s) => ({ ...s, odds: odds.get(s.id) ?? s.odds })) };
    if (summary.winner !== undefined) next.winner = summary.winner;
    batch(() => {
      // A tick goes to the prices alone (as on the own socket): re-rendering the card is for facts.
      if (facts) this.market.value = next;
      this.seq.value = summary.seq;
      this.#syncPrices(next);
    });
  }

  connect(api: EdgebookApi, hooks: MarketHooks): void {
    this.disconnect();
    const sub = new MarketSubscription(location.origin, this.id, { api });
    this.#sub = sub;
    this.ownConnection.value = sub.state;
    sub.on("state", (state) => {
      if (state === "live") this.liveSince = Date.now();
      this.ownConnection.value = state;
    });
    sub.on("snapshot", (f) => this.#replace(f.market));
    sub.on("odds", (f) => {
      batch(() => {
        for (const [id, odds] of Object.entries(f.odds)) this.price(id).set(odds);
      });
    });
    sub.on("status", () => this.#replace(sub.market!));
    sub.on("settled", () => {
      this.#replace(sub.market!);
      hooks.settled(this.id);
    });
    sub.on("market", (m) => (this.seq.value = m.seq));
    sub.on("viewers", (f) => (this.viewers.value = f.count));
    sub.on("exposure", (f) => (this.exposure.value = f.exposure));
    this.#seedHistory(api);
    sub.on("bet", hooks.bet);
    sub.on("cashout", (f) => (this.cashOutValue(f.betId).value = f.value));
    sub.on("cashoutReply", (f) => hooks.cashOut?.(f));
    sub.on("balance", (f) => hooks.balance(f.balance, f.asOf));
    sub.on("invalid", (e) => console.warn(`market ${this.id}: dropped a frame: ${e.message}`));
    sub.on("failure", (e) => {
      console.warn(`market ${this.id}: socket gave up: ${e.code} ${e.message}`);
      if (e.status === 401) hooks.unauthorized();
    });
  }

  disconnect(): void {
    this.#sub?.close();
    this.#sub = null;
    this.ownConnection.value = "idle";
    this.viewers.value = null;
    this.exposure.value = null;
  }

  get connected(): boolean {
    return this.#sub !== null;
  }

  placeBet(bet: BetBody): SendResult {
    if (!this.#sub) return { ok: false, reason: "offline", message: "not connected" };
    return this.#sub.placeBet(bet);
  }

  cashOut(betId: string, body: CashOutBody): SendResult {
    if (!this.#sub) return { ok: false, reason: "offline", message: "not connected" };
    return this.#sub.cashOut(betId, body);
  }

  get finished(): boolean {
    return isFinished(this.market.peek());
  }

  /** Fill each price's chart with the market's recent odds changes (once; a chart works without them). */
  #seedHistory(api: EdgebookApi): void {
    if (this.#seeded) return;
    this.#seeded = true;
    const startedAt = this.market.peek().seq;
    api
      .oddsHistory(this.id, HISTORY_POINTS)
      .then((points) => {
        const earlier = new Map<string, number[]>();
        // Only changes up to where this page started: later ones arrive as live ticks.
        for (const p of points) {
          if (p.seq > startedAt) continue;
          for (const [id, odds] of Object.entries(p.odds)) earlier.set(id, [...(earlier.get(id) ?? []), odds]);
        }
        batch(() => {
          for (const [id, prices] of earlier) this.#prices.get(id)?.seed(prices);
        });
      })
      .catch(() => {});
  }

  #replace(market: Market): void {
    batch(() => {
      this.market.value = market;
      this.seq.value = market.seq;
      this.#syncPrices(market);
    });
  }

  #syncPrices(market: Market): void {
    for (const s of market.selections) this.price(s.id).set(s.odds);
  }
}
