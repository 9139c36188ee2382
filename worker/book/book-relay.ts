// A book relay Durable Object: holds book sockets and serves each its view of
// the book. It keeps the whole current book in memory (a snapshot from the
// book object, then the book's change batches in version order); a gap in
// versions, a new book incarnation or a wake from hibernation reloads the
// snapshot and sends every socket a fresh `book` frame. Sockets with the same
// view share one tag, so a change is computed once per view, not per socket.
// A trader (admin) session's socket carries a second tag, its view's trader
// tag: only those hear the view's book figures (`totals` frames).
import { DurableObject } from "cloudflare:workers";
import { configOf } from "../config.ts";
import { errorBody } from "../errors.ts";
import { log, setLogLevel } from "../log.ts";
import { BookHeader, HubHeader } from "../platform/object-headers.ts";
import { screenFrame } from "../platform/frame-screening.ts";
import { type Attachment, SocketRoom } from "../platform/socket-room.ts";
import type { BookServerFrame, MarketTotals, Summary } from "../protocol/book.ts";
import { CloseCode, ErrorCode, Role } from "../protocol/codes.ts";
import type { BookBatch } from "../rules/book-rules.ts";
import { BookView, type ViewSpec, traderTag, viewTag } from "../rules/book-view.ts";
import { type Result, ok } from "../rules/result.ts";
import { bookOf } from "./book-config.ts";
import { type CallStats, CallMeter } from "./call-meter.ts";

const REPORT_AFTER_MS = 300;
/** How long a join waits for batches still on their way before it serves the book as held. */
const CATCH_UP_MS = 1000;

/**
 * A socket's view is kept by its tag: the spec itself (up to 500 ids of 64
 * characters) would pass the runtime's 16 KiB cap on an attachment, so specs
 * live in this object's storage, one row per view in use.
 */
type BookAttachment = Attachment & { viewTag: string };

export class BookRelay extends DurableObject<Env> {
  readonly room: SocketRoom;
  readonly #meter = new CallMeter();
  #index = 0;
  /** The current book, oldest first; null until loaded (and again after hibernation). */
  #book: Map<string, Summary> | null = null;
  /** The book figures of the markets that have any (loaded and kept with the book). */
  #totals = new Map<string, MarketTotals>();
  #incarnation = "";
  #version = 0;
  #loading: Promise<void> | null = null;
  readonly #views = new Map<string, BookView>();
  #reportTimer: ReturnType<typeof setTimeout> | null = null;
  /** Joins waiting for the relay to reach the book's version at their placement. */
  #waiting: { version: number; done: () => void }[] = [];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(configOf(env).logLevel);
    this.room = new SocketRoom(ctx);
    // The relay's index survives hibernation, so counts after a wake still reach the right slot.
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS views (tag TEXT PRIMARY KEY, spec TEXT NOT NULL)");
    this.#index = (ctx.storage.sql.exec("SELECT v FROM meta WHERE k = 'index'").toArray()[0]?.v as number | undefined) ?? 0;
    // Heartbeats are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    try {
      this.#meter.hit();
      const index = Number(request.headers.get(BookHeader.INDEX) ?? 0);
      if (index !== this.#index) {
        this.#index = index;
        this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('index', ?)", index);
      }
      const { address, full } = this.room.heldFrom(request);
      if (full) {
        this.#report();
        return Response.json(errorBody(ErrorCode.RATE_LIMITED, "too many sockets held from this address"), { status: 429 });
      }
      const view = JSON.parse(request.headers.get(BookHeader.VIEW) ?? '{"kind":"all"}') as ViewSpec;
      // With nobody here, batches were not kept: a book older than the book object's is reloaded.
      const [incarnation, version] = (request.headers.get(BookHeader.AT) ?? "").split("/");
      if (this.room.count() === 0 && (incarnation !== this.#incarnation || Number(version) > this.#version)) this.#book = null;
      await this.#ensure();
      // Batches already sent to this relay are on their way: wait for them, so the first frame is not older than the book was.
      if (incarnation === this.#incarnation && Number(version) > this.#version) await this.#reach(Number(version));
      // Nothing awaits from here to the return: no batch can land between the first frame and the live stream.
      const pair = new WebSocketPair();
      const [client, server] = [pair[0], pair[1]];
      const tag = viewTag(view);
      // The Worker verified the session: a trader's socket hears the figures, and ends with its session.
      const account = request.headers.get(HubHeader.ACCOUNT);
      const trader = account !== null && request.headers.get(HubHeader.ROLE) === Role.ADMIN;
      const expires = trader ? Number(request.headers.get(HubHeader.SESSION_EXPIRES)) : NaN;
      const attachment: BookAttachment = {
        account: null,
        canBet: false,
        connectedAt: Date.now(),
        conflateMs: 0,
        expiresAt: Number.isFinite(expires) && expires > 0 ? expires : null,
        viewTag: tag,
      };
      this.#keepViews(tag, view);
      this.room.accept(server, attachment, address, trader ? [tag, traderTag(tag)] : [tag]);
      const shown = this.#view(tag, view);
      this.room.send(server, JSON.stringify(shown.first(this.#book!)));
      if (trader) this.room.send(server, JSON.stringify(shown.firstTotals(this.#totals)));
      this.#report();
      await this.room.armReaping(Date.now(), false);
      return new Response(null, { status: 101, webSocket: client });
    } catch (err) {
      log.error("bookRelay.fetch", err);
      this.#report();
      return Response.json(errorBody(ErrorCode.INTERNAL, "the socket could not be opened"), { status: 500 });
    }
  }

  /** A change batch from the book, in version order. */
  async publish(batch: BookBatch): Promise<void> {
    this.#meter.hit();
    // Nobody watches here: forget the book rather than keep it current; the next socket reloads it.
    // Unless a socket is joining and loading it now: the load may predate this batch.
    if (this.room.count() === 0 && this.#loading === null) {
      this.#book = null;
      this.#views.clear();
      return;
    }
    await this.#ensure();
    if (batch.incarnation !== this.#incarnation || batch.from > this.#version) {
      await this.#reload();
      return;
    }
    if (batch.to <= this.#version) return;
    this.#version = batch.to;
    const book = this.#book!;
    const changed: Summary[] = [];
    for (const s of batch.summaries) {
      const held = book.get(s.id);
      if (held && held.seq >= s.seq) continue;
      book.set(s.id, s);
      changed.push(s);
    }
    const moved = batch.totals ?? [];
    for (const t of moved) this.#totals.set(t.id, t);
    if (changed.length > 0 || moved.length > 0) this.#fanOut(changed, moved);
    for (const w of this.#waiting.filter((w) => w.version <= this.#version)) w.done();
  }

  /** Calls taken and sockets held, for the benchmark; the stats call itself is not counted. */
  stats(reset = false): Result<CallStats & { sockets: number }> {
    const out = { ...this.#meter.stats(), sockets: this.room.count() };
    if (reset) this.#meter.reset();
    return ok(out);
  }

  // ---- Entry points ----

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      this.room.heard(ws, Date.now());
      // The market socket's screening: size, heartbeat, rate limit. Anything else is not for this socket.
      const frame = screenFrame(this.room, ws, message);
      if (!frame) return;
      const reply: BookServerFrame = { type: "error", code: ErrorCode.INVALID, message: "the book socket takes only ping" };
      this.room.send(ws, JSON.stringify(reply));
    } catch (err) {
      log.error("bookRelay.webSocketMessage", err);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      this.room.close(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
      this.#report();
    } catch (err) {
      log.error("bookRelay.webSocketClose", err);
    }
  }

  override async webSocketError(): Promise<void> {
    try {
      this.#report();
    } catch (err) {
      log.error("bookRelay.webSocketError", err);
    }
  }

  /** Reap as the hub does (rules/reaping.ts): the relay's alarm is for reaping alone. */
  override async alarm(): Promise<void> {
    try {
      if (this.room.reap(Date.now()) > 0) this.#report();
    } catch (err) {
      log.error("bookRelay.alarm", err);
    }
    await this.room.armReaping(Date.now(), true);
  }

  // ---- Internals ----

  /** Load the book once, however many joins and batches wait for it. */
  async #ensure(): Promise<void> {
    while (this.#book === null) {
      this.#loading ??= this.#load().finally(() => {
        this.#loading = null;
      });
      await this.#loading;
    }
  }

  async #load(): Promise<void> {
    const snap = await bookOf(this.env).snapshot();
    this.#book = new Map(snap.markets.map((s) => [s.id, s]));
    this.#totals = new Map(snap.totals.map((t) => [t.id, t]));
    this.#incarnation = snap.incarnation;
    this.#version = snap.version;
    this.#views.clear();
    // Sockets already here (after hibernation, or a gap) start again from a fresh `book` frame.
    for (const ws of this.room.all()) {
      const tag = (this.room.attachment(ws) as BookAttachment).viewTag;
      const known = this.#views.has(tag);
      const spec = known ? null : this.#storedView(tag);
      if (!known && spec === null) {
        this.room.close(ws, CloseCode.INTERNAL, "view lost");
        continue;
      }
      const view = this.#view(tag, spec ?? { kind: "all" });
      if (!known) {
        const text = JSON.stringify(view.first(this.#book));
        for (const peer of this.room.tagged(tag)) this.room.send(peer, text);
        const traders = this.room.tagged(traderTag(tag));
        const figures = traders.length > 0 ? JSON.stringify(view.firstTotals(this.#totals)) : "";
        for (const peer of traders) this.room.send(peer, figures);
      }
    }
  }

  #reach(version: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiter = {
        version,
        done: () => {
          clearTimeout(timer);
          this.#waiting = this.#waiting.filter((w) => w !== waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, CATCH_UP_MS);
      this.#waiting.push(waiter);
    });
  }

  async #reload(): Promise<void> {
    this.#book = null;
    await this.#ensure();
  }

  /** Store the joining socket's view, and drop the views no socket holds any more. */
  #keepViews(tag: string, spec: ViewSpec): void {
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT OR IGNORE INTO views (tag, spec) VALUES (?, ?)", tag, JSON.stringify(spec));
    for (const row of sql.exec("SELECT tag FROM views").toArray()) {
      const t = row.tag as string;
      if (t !== tag && this.room.tagged(t).length === 0) sql.exec("DELETE FROM views WHERE tag = ?", t);
    }
  }

  #storedView(tag: string): ViewSpec | null {
    const row = this.ctx.storage.sql.exec("SELECT spec FROM views WHERE tag = ?", tag).toArray()[0];
    return row ? (JSON.parse(row.spec as string) as ViewSpec) : null;
  }

  #view(tag: string, spec: ViewSpec): BookView {
    let view = this.#views.get(tag);
    if (!view) {
      view = new BookView(spec, this.#book!);
      this.#views.set(tag, view);
    }
    return view;
  }

  /** Each view's frames for the change, serialised once and sent to that view's sockets; its figures to its traders. */
  #fanOut(changed: Summary[], moved: MarketTotals[]): void {
    const texts = new Map<Summary, string>();
    const text = (frame: BookServerFrame) => {
      if (frame.type !== "summary") return JSON.stringify(frame);
      let t = texts.get(frame.market);
      if (t === undefined) texts.set(frame.market, (t = JSON.stringify(frame)));
      return t;
    };
    for (const [tag, view] of this.#views) {
      const sockets = this.room.tagged(tag);
      if (sockets.length === 0) {
        this.#views.delete(tag);
        continue;
      }
      const made = view.apply(changed, this.#book!);
      const frames = made.map(text);
      for (const ws of sockets) for (const t of frames) this.room.send(ws, t);
      const traders = this.room.tagged(traderTag(tag));
      if (traders.length === 0) continue;
      const added = made.flatMap((f) => (f.type === "added" ? [f.market.id] : []));
      const figures = view.totals(moved, added, this.#totals);
      if (figures === null) continue;
      const t = JSON.stringify(figures);
      for (const ws of traders) this.room.send(ws, t);
    }
  }

  /** Tell the book how many sockets are here, a moment after the last change. */
  #report(): void {
    if (this.#reportTimer !== null) return;
    this.#reportTimer = setTimeout(() => {
      this.#reportTimer = null;
      bookOf(this.env)
        .relayViewers(this.#index, this.room.count())
        .catch((err) => log.warn("bookRelay.report", { relay: this.#index, error: String(err) }));
    }, REPORT_AFTER_MS);
  }
}
