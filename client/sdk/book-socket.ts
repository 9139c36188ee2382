// BookSubscription: many markets' summaries over one book socket
// (`GET /api/book/ws`), on the same SocketConnection as a market subscription.
// The book socket has no replay: after a drop the server's fresh `book` frame
// rebuilds the view, keeping per market whichever summary has the higher seq.
// Opened with a trader's ticket, it also carries each market's book figures.
import { BookServerFrame } from "../../worker/protocol/book.ts";
import type { BookServerFrame as BookFrameType, MarketTotals, Summary } from "../../worker/protocol/book.ts";
import { Emitter, type Listener } from "./emitter.ts";
import { readFrame } from "./read-frame.ts";
import { type ConnectionOptions, type ConnectionState, SocketConnection } from "./socket-connection.ts";
import { SocketSubscription } from "./socket-subscription.ts";
import { parseView } from "../../worker/rules/book-view.ts";

/** Which markets the socket carries: one event's (name contains the text, case-blind), exactly these ids, or (empty) every market not yet finished. */
export type BookView = { event: string } | { ids: readonly string[] } | Record<string, never>;

/** The server's bounds on a view (docs/protocol.md, "Views"). */
const MAX_EVENT_CHARS = 120;
const MAX_IDS = 500;

export interface BookSubscriptionEvents {
  state: ConnectionState;
  /** The whole view was (re)built from a `book` frame: every market held now, in view order. */
  book: readonly Summary[];
  /** A market in view changed (only ever forward: an older seq is dropped). */
  summary: Summary;
  /** A market entered the view. */
  added: Summary;
  /** A market left the view. */
  removed: string;
  /** Book figures came (trader sockets only): every market's held now, by id; the first after each `book` holds the whole view's. */
  totals: ReadonlyMap<string, MarketTotals>;
  /** An `error` frame: the server could not take something this client sent. */
  error: Extract<BookFrameType, { type: "error" }>;
  /** A frame that failed to parse: dropped, reported here. */
  invalid: { data: string; message: string };
  /** The socket went quiet and is being replaced; a fresh `book` frame follows. */
  resync: { reason: "stale" };
}

export type BookSubscriptionOptions = ConnectionOptions & {
  /**
   * A single-use book ticket per connect (`EdgebookApi.bookTicket`), or null
   * to open as a viewer. A trader session's socket then carries the figures.
   * A ticket that cannot be had opens the socket as a viewer's.
   */
  ticket?: () => Promise<string | null>;
};

/** The view as query parameters; throws a RangeError for a view the server would refuse with 400. */
export function viewQuery(view: BookView): URLSearchParams {
  const query = new URLSearchParams();
  if ("event" in view && "ids" in view) throw new RangeError("a book view is by event or by ids, not both");
  if ("event" in view) {
    if (view.event.length < 1 || view.event.length > MAX_EVENT_CHARS) throw new RangeError(`an event view is 1 to ${MAX_EVENT_CHARS} characters`);
    query.set("event", view.event);
  } else if ("ids" in view) {
    if (view.ids.length < 1 || view.ids.length > MAX_IDS || view.ids.some((id) => id === "" || id.includes(","))) {
      throw new RangeError(`an ids view is 1 to ${MAX_IDS} non-empty ids without commas`);
    }
    query.set("ids", view.ids.join(","));
  }
  // The server's own check of a view (ids as market ids, the event's length after trimming), run here first.
  const checked = parseView(query);
  if (!checked.ok) throw new RangeError(checked.message);
  return query;
}

export class BookSubscription extends SocketSubscription {
  readonly #base: string;
  readonly #events = new Emitter<BookSubscriptionEvents>();
  protected readonly conn: SocketConnection;
  #query: URLSearchParams;
  /** The view's markets, in the server's order (oldest first, added at the end). */
  #markets = new Map<string, Summary>();
  /** Book figures per market, since the last `book` frame (trader sockets only). */
  #totals = new Map<string, MarketTotals>();
  #ready = false;
  readonly #ticket: (() => Promise<string | null>) | undefined;

  constructor(baseUrl: string, view: BookView = {}, options: BookSubscriptionOptions = {}) {
    super();
    this.#base = baseUrl.replace(/\/+$/, "");
    this.#query = viewQuery(view);
    this.#ticket = options.ticket;
    this.conn = new SocketConnection(
      {
        url: async () => this.#socketUrl(),
        message: (data) => {
          const frame = readFrame(BookServerFrame, data, (e) => this.#events.emit("invalid", e));
          if (frame !== null) this.#apply(frame);
        },
        state: (state) => this.#events.emit("state", state),
        stale: () => this.#events.emit("resync", { reason: "stale" }),
        // No credentials and no ticket: nothing the server refuses for good reaches here.
        failure: () => {},
      },
      options,
    );
  }

  /** Has a `book` frame arrived yet? */
  get ready(): boolean {
    return this.#ready;
  }
  /** Every market in view, in view order. */
  get markets(): Summary[] {
    return [...this.#markets.values()];
  }
  get(id: string): Summary | undefined {
    return this.#markets.get(id);
  }
  /** A market's book figures, when this is a trader's socket and the market has any. */
  totals(id: string): MarketTotals | undefined {
    return this.#totals.get(id);
  }

  on<K extends keyof BookSubscriptionEvents>(type: K, listener: Listener<BookSubscriptionEvents[K]>): () => void {
    return this.#events.on(type, listener);
  }

  /** Watch another view: the socket is replaced and its first `book` frame rebuilds what is held. */
  setView(view: BookView): void {
    this.#query = viewQuery(view);
    this.conn.reconnect();
  }

  async #socketUrl(): Promise<string> {
    const url = new URL(`${this.#base}/api/book/ws`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = this.#query.toString();
    const ticket = await this.#ticket?.().catch(() => null);
    if (ticket) url.searchParams.set("ticket", ticket);
    return url.toString();
  }

  /** One frame of the stream, checked against its schema. */
  #apply(frame: BookFrameType): void {
    switch (frame.type) {
      case "book":
        this.#rebuild(frame.markets);
        break;
      case "summary":
        if (this.#markets.has(frame.market.id) && this.#keep(frame.market)) this.#events.emit("summary", frame.market);
        break;
      case "added":
        if (this.#markets.has(frame.market.id)) {
          if (this.#keep(frame.market)) this.#events.emit("summary", frame.market);
        } else {
          this.#markets.set(frame.market.id, frame.market);
          this.#events.emit("added", frame.market);
        }
        break;
      case "removed":
        this.#totals.delete(frame.id);
        if (this.#markets.delete(frame.id)) this.#events.emit("removed", frame.id);
        break;
      case "totals":
        for (const t of frame.markets) if (this.#markets.has(t.id)) this.#totals.set(t.id, t);
        this.#events.emit("totals", this.#totals);
        break;
      case "error":
        this.#events.emit("error", frame);
        break;
    }
  }

  /** Take `summary` if it is newer than what is held; true when it was taken. */
  #keep(summary: Summary): boolean {
    const held = this.#markets.get(summary.id);
    if (held && held.seq >= summary.seq) return false;
    this.#markets.set(summary.id, summary);
    return true;
  }

  /**
   * A `book` frame replaces the view: markets not in it are gone. Summary
   * shards that are catching up (after a restart) may send a market older
   * than the one held from before the drop, so per market the higher seq wins.
   */
  #rebuild(list: readonly Summary[]): void {
    const next = new Map<string, Summary>();
    for (const summary of list) {
      const held = this.#markets.get(summary.id);
      next.set(summary.id, held && held.seq > summary.seq ? held : summary);
    }
    this.#markets = next;
    // A trader's socket sends the view's figures right after: none are kept from before.
    this.#totals = new Map();
    this.#ready = true;
    this.#events.emit("book", [...next.values()]);
  }
}
