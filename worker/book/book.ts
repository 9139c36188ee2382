// The book Durable Object: one for the whole book. It holds every market's
// latest state (fed in batches by the summary shards, never by hubs one by
// one), answers the market list in one call, and feeds the book relays that
// hold the book sockets. A shell over BookStore and BookFanout.
import { DurableObject } from "cloudflare:workers";
import { configOf } from "../config.ts";
import { errorBody } from "../errors.ts";
import { log, setLogLevel } from "../log.ts";
import { BookHeader, HubHeader } from "../platform/object-headers.ts";
import type { MarketPage, MarketTotals, Summary } from "../protocol/book.ts";
import { ErrorCode } from "../protocol/codes.ts";
import { type SummaryUpdate, toSummary } from "../rules/book-rules.ts";
import { type ListQuery, encodeCursor } from "../rules/market-list.ts";
import { type Result, ok } from "../rules/result.ts";
import { bookRelay } from "./book-config.ts";
import { BookFanout } from "./book-fanout.ts";
import { BookStore } from "./book-store.ts";
import { type CallStats, CallMeter } from "./call-meter.ts";

const RELAYS = "relays";
const BACKFILLED = "backfilled";
const BACKFILL_PAGE = 50;

export interface BookSnapshot {
  incarnation: string;
  version: number;
  markets: Summary[];
  /** The book figures of those markets that have any, for trader sockets. */
  totals: MarketTotals[];
}

export class Book extends DurableObject<Env> {
  readonly #store: BookStore;
  readonly #fanout: BookFanout;
  readonly #meter = new CallMeter();
  /** Versions count change batches within this life of the object; relays compare both. */
  readonly #incarnation = crypto.randomUUID();
  #version = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(configOf(env).logLevel);
    this.#store = new BookStore(ctx.storage);
    this.#fanout = new BookFanout((i) => bookRelay(env, i), this.#incarnation, this.#store.getMeta(RELAYS) ?? 0);
    // Markets made before the book existed are read from their hubs once, off the request path.
    if (this.#store.getMeta(BACKFILLED) === null) void ctx.storage.setAlarm(Date.now());
  }

  // ---- RPC ----

  /** Summaries from a shard (or a just-created market): the newer seq wins; relays hear of every change. */
  apply(updates: SummaryUpdate[]): number {
    this.#meter.hit();
    const changed: Summary[] = [];
    const moved: MarketTotals[] = [];
    this.#store.transact(() => {
      for (const u of updates) {
        const put = this.#store.put(u);
        if (put.market) changed.push(toSummary(u.market));
        if (put.totals) moved.push(put.totals);
      }
    });
    if (changed.length > 0 || moved.length > 0) this.#fanout.publish(++this.#version, changed, moved);
    return changed.length;
  }

  list(q: ListQuery): Result<MarketPage> {
    this.#meter.hit();
    const page = this.#store.page(q, Date.now());
    return ok(page.more && page.last ? { markets: page.markets, next: encodeCursor(page.last) } : { markets: page.markets });
  }

  /** What a relay needs to serve any view: every market a book socket may show, and the version it is at. */
  snapshot(): BookSnapshot {
    this.#meter.hit();
    const now = Date.now();
    return { incarnation: this.#incarnation, version: this.#version, markets: this.#store.current(now).map(toSummary), totals: this.#store.currentTotals(now) };
  }

  relayViewers(index: number, count: number): void {
    this.#meter.hit();
    this.#fanout.report(index, count);
  }

  /** Calls taken, for the benchmark; the stats call itself is not counted. */
  stats(reset = false): Result<CallStats & { sockets: number; relays: number }> {
    const out = { ...this.#meter.stats(), sockets: this.#fanout.viewers(), relays: this.#fanout.size };
    if (reset) this.#meter.reset();
    return ok(out);
  }

  // ---- Entry points ----

  /** A book socket: placed on the emptiest relay with room, which accepts it. */
  override async fetch(request: Request): Promise<Response> {
    try {
      this.#meter.hit();
      // A trader's single-use ticket is spent here, the one object every book socket passes.
      const jti = request.headers.get(HubHeader.TICKET);
      if (jti !== null && !this.#store.spend(jti, Number(request.headers.get(HubHeader.TICKET_EXPIRES)), Date.now())) {
        return Response.json(errorBody(ErrorCode.UNAUTHENTICATED, "ticket already used"), { status: 401 });
      }
      const before = this.#fanout.size;
      const index = this.#fanout.place(configOf(this.env).bookRelaySize);
      if (this.#fanout.size !== before) this.#store.setMeta(RELAYS, this.#fanout.size);
      const headers = new Headers(request.headers);
      headers.set(BookHeader.INDEX, String(index));
      headers.set(BookHeader.AT, `${this.#incarnation}/${this.#version}`);
      return await bookRelay(this.env, index).fetch(new Request(request.url, { headers }));
    } catch (err) {
      log.error("book.fetch", err);
      return Response.json(errorBody(ErrorCode.INTERNAL, "the socket could not be opened"), { status: 500 });
    }
  }

  override async alarm(): Promise<void> {
    try {
      await this.#backfill();
    } catch (err) {
      log.error("book.alarm", err);
      await this.ctx.storage.setAlarm(Date.now() + 5000);
    }
  }

  /** Read every catalogued market the book does not hold from its hub, a page of hubs at a time. */
  async #backfill(): Promise<void> {
    const ids = (await this.env.CATALOG.getByName("catalog").list()).filter((id) => !this.#store.has(id));
    for (let i = 0; i < ids.length; i += BACKFILL_PAGE) {
      const page = ids.slice(i, i + BACKFILL_PAGE);
      const answers = await Promise.all(page.map((id) => this.env.MARKET_HUB.getByName(id).getMarket()));
      const at = Date.now();
      this.apply(answers.flatMap((a) => (a.ok ? [{ market: a.value, at }] : [])));
    }
    this.#store.setMeta(BACKFILLED, Date.now());
  }
}
