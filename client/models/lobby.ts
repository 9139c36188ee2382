// The lobby: every market in the book, live over ONE book socket whatever the
// book's size. The HTTP list gives each market's full facts once; the book
// socket's summaries keep prices and status current and say which markets
// enter and leave. A market page opens that market's own socket (bets,
// balance, bet answers, full detail) and closes it when left.
import { computed, effect, signal, untracked } from "@preact/signals";
import type { MarketTotals, Summary } from "../../worker/protocol/book.ts";
import type { Market } from "../../worker/protocol/schemas.ts";
import { ApiError, BookSubscription, type BookView, type WebSocketConstructor } from "../sdk/index.ts";
import { LiveMarket, type MarketHooks, type UiConnection } from "./live-market.ts";
import type { Session } from "./session.ts";

/** The list's largest page: a book of 2,000 markets is four calls. */
const PAGE = 500;
/** Markets with their own socket at once: with the book socket, a tab holds at most three. */
const MAX_OWN_SOCKETS = 2;
/** Unknown markets in a book frame past this many are fetched with the list rather than one by one. */
const FETCH_ONE_BY_ONE = 3;
/** A search settles this long before the book socket moves to its view. */
const SEARCH_SETTLE_MS = 300;
/** The server's longest event text in a view. */
const MAX_EVENT_CHARS = 120;
/** Markets one book view holds (the contract's cap): past it, the lobby shows the book a page of this many at a time. */
export const VIEW_SIZE = 500;

const RANK: Record<UiConnection, number> = { idle: 0, live: 0, connecting: 1, reconnecting: 2, stale: 3, closed: 0 };

function worst(states: UiConnection[]): UiConnection {
  let out: UiConnection = "idle";
  for (const c of states) {
    if (c === "idle" || c === "closed") continue;
    if (out === "idle" || RANK[c] > RANK[out]) out = c;
  }
  return out;
}

export class Lobby {
  /** The book's view: markets not settled or voided, oldest first. */
  readonly markets = signal<LiveMarket[]>([]);
  /** Markets known to be settled or voided (listed within the hour, or finished while the page was open). */
  readonly finished = signal<LiveMarket[]>([]);
  readonly loaded = signal(false);
  readonly error = signal<string | null>(null);
  /** The book socket's state. */
  readonly book = signal<UiConnection>("idle");
  /** Book figures per market of the view, pushed on the book socket to a trader session; null until they come (or for anyone else). */
  readonly figures = signal<ReadonlyMap<string, MarketTotals> | null>(null);
  /**
   * The search by event, for the lobby and the trader's grid: it filters what
   * is shown at once and, settled, moves the book socket to that event's view,
   * so a book past the 500 markets of one view is searchable whole.
   */
  readonly eventFilter = signal("");
  /**
   * Which page of the open book is shown (0: the oldest VIEW_SIZE markets).
   * One book socket serves the page: the default view for the first, a view
   * by ids for the others. Nothing past the 500th market is ever out of reach.
   */
  readonly page = signal(0);
  /** Open markets the list knows of, for the pager. */
  readonly openCount = signal(0);
  readonly pageCount = computed(() => Math.max(1, Math.ceil(this.openCount.value / VIEW_SIZE)));
  readonly shown = computed(() => {
    const text = this.eventFilter.value.trim().toLowerCase();
    const all = this.markets.value;
    return text === "" ? all : all.filter((m) => m.market.peek().event.toLowerCase().includes(text));
  });
  /** Markets whose own socket is open, oldest first. */
  readonly #open = signal<LiveMarket[]>([]);
  /** The worst state among the sockets this tab holds, for the header's badge. */
  readonly connection = computed<UiConnection>(() => worst([this.book.value, ...this.#open.value.map((m) => m.ownConnection.value)]));
  readonly #session: Session;
  readonly #hooks: MarketHooks;
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #byId = new Map<string, LiveMarket>();
  /** Pages holding each market's own socket. */
  readonly #holds = new Map<string, number>();
  #sub: BookSubscription | null = null;
  /** The book socket's view as asked, to move it only when it changes. */
  #viewKey = "";
  /** The event searched for ("" for none). */
  #viewText = "";
  /** The book's view, once its first frame came; the HTTP list's order until then. */
  #order: string[] | null = null;

  constructor(session: Session, hooks: MarketHooks, options: { WebSocket?: WebSocketConstructor } = {}) {
    this.#session = session;
    this.#hooks = hooks;
    this.#WebSocket = options.WebSocket;
    // A new token means new tickets: each market socket reconnects as the new account (or as a viewer).
    effect(() => {
      const api = session.api.value;
      for (const m of this.#open.peek()) m.connect(api, this.#hooks);
    });
    // The book socket is the same for every viewer and punter; a trader's carries the book figures, so it
    // reconnects when a trader session starts or ends (the role is known once /api/me answers) or changes token.
    let trader = false;
    effect(() => {
      session.api.value;
      const now = session.isAdmin.value;
      if (!now && !trader) return;
      trader = now;
      untracked(() => this.#sub?.reconnect());
    });
    let settle: ReturnType<typeof setTimeout> | null = null;
    effect(() => {
      const text = this.eventFilter.value.trim().slice(0, MAX_EVENT_CHARS);
      if (settle !== null) clearTimeout(settle);
      settle = setTimeout(() => {
        this.#viewText = text;
        this.#applyView();
      }, SEARCH_SETTLE_MS);
    });
    effect(() => {
      this.page.value; // A new page moves the book socket at once.
      this.#applyView();
    });
  }

  /** The view the book socket should have: the search's event, or the page's markets. */
  #wantedView(): BookView {
    if (this.#viewText !== "") return { event: this.#viewText };
    const page = this.page.peek();
    if (page === 0) return {};
    const open = [...this.#byId.values()].filter((m) => !m.finished).map((m) => m.id);
    const ids = open.slice(page * VIEW_SIZE, (page + 1) * VIEW_SIZE);
    return ids.length > 0 ? { ids } : {};
  }

  #applyView(): void {
    const view = this.#wantedView();
    const key = JSON.stringify(view);
    if (key === this.#viewKey) return;
    this.#viewKey = key;
    this.#order = null;
    this.#sub?.setView(view);
  }

  /** Open the book socket (once) and load the list. */
  async start(): Promise<void> {
    if (!this.#sub) {
      const view = this.#wantedView();
      this.#viewKey = JSON.stringify(view);
      const session = this.#session;
      const ticket = async () => (session.isAdmin.peek() ? session.api.peek().bookTicket() : null);
      const sub = new BookSubscription(location.origin, view, { WebSocket: this.#WebSocket, ticket });
      this.#sub = sub;
      this.book.value = sub.state;
      sub.on("state", (state) => (this.book.value = state));
      sub.on("book", (list) => {
        this.figures.value = null;
        this.#onBook(list);
      });
      sub.on("totals", (all) => (this.figures.value = new Map(all)));
      sub.on("summary", (s) => this.#onSummary(s));
      sub.on("added", (s) => this.#onAdded(s));
      sub.on("removed", (id) => this.#onRemoved(id));
      sub.on("invalid", (e) => console.warn(`book: dropped a frame: ${e.message}`));
    }
    await this.refresh();
  }

  get(id: string): LiveMarket | undefined {
    return this.#byId.get(id);
  }

  /** The whole list over HTTP, a page at a time: each market's full facts. */
  async refresh(): Promise<void> {
    try {
      const api = this.#session.api.value;
      let cursor: string | undefined;
      do {
        const page = await api.marketsPage({ limit: PAGE, cursor });
        for (const market of page.markets) this.#take(market);
        cursor = page.next;
      } while (cursor !== undefined);
      this.error.value = null;
      this.#publish();
    } catch (err) {
      this.error.value = err instanceof Error ? err.message : "could not load markets";
    } finally {
      this.loaded.value = true;
    }
  }

  /** A market reached by a link before (or without) the list. */
  async ensure(id: string): Promise<LiveMarket | null> {
    const known = this.#byId.get(id);
    if (known) return known;
    try {
      const live = this.#take(await this.#session.api.value.market(id));
      this.#publish();
      return live;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * A page that needs a market's own socket (its detail, bets and balance)
   * holds it from `open` to `leave`; the socket closes when no page holds it.
   */
  async open(id: string): Promise<LiveMarket | null> {
    this.#holds.set(id, (this.#holds.get(id) ?? 0) + 1);
    const live = await this.ensure(id);
    // Left while the market was loading: nothing to open.
    if (!live || live.connected || !this.#holds.get(id)) return live;
    const open = this.#open.peek();
    // Never more than three sockets in a tab: the oldest market socket goes first.
    for (const old of open.slice(0, Math.max(0, open.length - MAX_OWN_SOCKETS + 1))) this.#close(old);
    live.connect(this.#session.api.peek(), this.#hooks);
    this.#open.value = [...this.#open.peek(), live];
    return live;
  }

  /** The page is left: its market's socket closes once no page holds it; the book keeps the market current. */
  leave(id: string): void {
    const holds = (this.#holds.get(id) ?? 0) - 1;
    if (holds > 0) return void this.#holds.set(id, holds);
    this.#holds.delete(id);
    const live = this.#byId.get(id);
    if (live?.connected) this.#close(live);
  }

  #close(live: LiveMarket): void {
    live.disconnect();
    this.#open.value = this.#open.peek().filter((m) => m !== live);
  }

  /** A market the trader just created: show it at once (the book's `added` follows). */
  add(market: Market): void {
    this.#take(market);
    if (this.#order && !this.#order.includes(market.id)) this.#order.push(market.id);
    this.#publish();
  }

  #take(market: Market): LiveMarket {
    let live = this.#byId.get(market.id);
    if (live) live.update(market);
    else {
      live = new LiveMarket(market, this.book);
      this.#byId.set(market.id, live);
    }
    const summary = this.#sub?.get(market.id);
    if (summary) live.applySummary(summary);
    return live;
  }

  #onBook(list: readonly Summary[]): void {
    this.#order = list.map((s) => s.id);
    const missing: string[] = [];
    for (const s of list) {
      const live = this.#byId.get(s.id);
      if (live) live.applySummary(s);
      else missing.push(s.id);
    }
    this.#publish();
    if (missing.length > FETCH_ONE_BY_ONE) void this.refresh();
    else for (const id of missing) void this.#fetch(id);
  }

  #onSummary(s: Summary): void {
    const live = this.#byId.get(s.id);
    if (!live) return; // Its facts are on the way; #take applies the newest summary when they come.
    const wasFinished = live.finished;
    live.applySummary(s);
    // A market page's own socket reports its settlement itself.
    if (!wasFinished && live.finished && !live.connected) this.#hooks.settled(s.id);
  }

  #onAdded(s: Summary): void {
    if (this.#order && !this.#order.includes(s.id)) this.#order.push(s.id);
    const live = this.#byId.get(s.id);
    if (live) {
      live.applySummary(s);
      this.#publish();
    } else void this.#fetch(s.id);
  }

  #onRemoved(id: string): void {
    if (!this.#order) return;
    this.#order = this.#order.filter((x) => x !== id);
    this.#publish();
  }

  /** One market's full facts, for a market the book named before the list did. */
  async #fetch(id: string): Promise<void> {
    try {
      this.#take(await this.#session.api.peek().market(id));
      this.#publish();
    } catch (err) {
      console.warn(`market ${id}: could not load: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #publish(): void {
    const open = [...this.#byId.values()].filter((m) => !m.finished).map((m) => m.id);
    this.openCount.value = open.length;
    const last = Math.max(0, Math.ceil(open.length / VIEW_SIZE) - 1);
    if (this.page.peek() > last) this.page.value = last; // Markets closed under the last page: step back.
    const page = this.page.peek();
    const inView = this.#order ?? (this.#viewText === "" ? open.slice(page * VIEW_SIZE, (page + 1) * VIEW_SIZE) : open);
    const ids = new Set(inView);
    const markets: LiveMarket[] = [];
    for (const id of inView) {
      const live = this.#byId.get(id);
      if (live) markets.push(live);
    }
    this.markets.value = markets;
    this.finished.value = [...this.#byId.values()].filter((m) => m.finished && !ids.has(m.id));
  }
}
