// The market hub Durable Object: one per market. A shell: its public methods
// are exactly its RPC API; each delegates to the pure rules (rules/), the SQL
// (hub-store), the live market and its sockets (market-room), the bet desk
// and settlement. The entry points are written once, in SocketObject.
import { ErrorCode, MarketStatus } from "../protocol/codes.ts";
import type * as wire from "../protocol/schemas.ts";
import type { AccountId, BetId, SelectionId } from "../protocol/units.ts";
import { AlarmClock } from "../platform/alarm-clock.ts";
import { FaultPoints } from "../platform/fault-points.ts";
import { type SocketHandlers, SocketObject } from "../platform/socket-object.ts";
import * as book from "../rules/market-book.ts";
import type { LegAnswer, LegAsk, LegResult } from "../rules/multiple.ts";
import { type Result, ok, refused } from "../rules/result.ts";
import { BetDesk } from "./bet-desk.ts";
import { CashOutDesk } from "./cashout-desk.ts";
import { CashOutStore } from "./cashout-store.ts";
import { CashOutValues } from "./cashout-values.ts";
import { ExposureFeed } from "./exposure-feed.ts";
import { FeedWatchdog } from "./feed-watchdog.ts";
import { handleFrame } from "./frame-handler.ts";
import { LegDesk } from "./legs.ts";
import { HubStore } from "./hub-store.ts";
import { MarketRoom, RELAYS } from "./market-room.ts";
import { type Published, RelayFanout } from "./relay-fanout.ts";
import { Settlement } from "./settlement.ts";
import { type SummaryPublisher, summariesOf } from "./summary-publisher.ts";
import { upgradeSocket } from "./upgrade.ts";
import { walletsOf } from "./wallet-port.ts";

const noMarket = () => refused(ErrorCode.NOT_FOUND, "no such market");

export class MarketHub extends SocketObject {
  protected readonly kind = "hub";
  // Instance fields, not methods: not callable over RPC. Tests reach them through runInDurableObject.
  readonly store: HubStore;
  readonly cashouts: CashOutStore;
  readonly faults: FaultPoints;
  readonly fanout: RelayFanout;
  readonly #live: MarketRoom;
  readonly #desk: BetDesk;
  readonly #settlement: Settlement;
  readonly #feed: FeedWatchdog;
  /** Multiples' legs on this market (legs.ts); an instance field, so tests can read its store. */
  readonly legs: LegDesk;
  readonly #clock: AlarmClock;
  /** The book pushed to trader sockets after every change to it. */
  readonly #exposure: ExposureFeed;
  /** The market's summary for the book, sent after each change, off the hot path. */
  readonly #summaries: SummaryPublisher;
  readonly #cashOuts: CashOutDesk;
  readonly #values: CashOutValues;
  /** The last alarm left money work undone (a wallet failed). */
  #behind = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HubStore(ctx.storage);
    this.#clock = new AlarmClock(ctx.storage);
    this.faults = new FaultPoints(ctx);
    this.fanout = new RelayFanout(env.MARKET_RELAY, () => this.#live.market.id, this.store.getMeta(RELAYS) ?? 0);
    this.#feed = new FeedWatchdog(this.store);
    // Multiples' legs count in the book too (legs.ts); `this.legs` is made below, before any call can read it.
    this.#exposure = new ExposureFeed({ store: this.store, sockets: this.room, market: () => this.#live.current, legs: () => this.legs.exposure(), cashedOut: () => this.#cashOuts.totals() });
    // A bet moves the book: the trader sockets here, and the figures the book's trader sockets sum.
    const bookMoved = () => {
      this.#exposure.changed();
      this.#summaries.changed(false);
    };
    this.store.onBetWritten = bookMoved;
    const changed = (urgent: boolean) => {
      this.#summaries.changed(urgent);
      if (urgent) this.#exposure.changed(); // a settlement's final result; odds never change the book
    };
    this.#live = new MarketRoom({ store: this.store, sockets: this.room, fanout: this.fanout, schedule: () => this.#schedule(), changed });
    const wallets = walletsOf(env.WALLET);
    const notify = (account: AccountId, frame: wire.ServerFrame) => this.room.toAccount(account, JSON.stringify(frame));
    const checkpoint = this.faults.hit.bind(this.faults);
    const market = () => this.#live.market;
    this.#values = new CashOutValues({ store: this.store, sockets: this.room, market: () => this.#live.current, now: Date.now });
    const betChanged = this.#values.betChanged.bind(this.#values);
    this.#desk = new BetDesk({ store: this.store, wallets, market, notify, schedule: () => this.#schedule(), now: Date.now, checkpoint, accepted: betChanged });
    this.cashouts = new CashOutStore(ctx.storage.sql);
    this.#cashOuts = new CashOutDesk({ store: this.store, cashouts: this.cashouts, wallets, market, notify, schedule: () => this.#schedule(), now: Date.now, checkpoint, betChanged });
    this.#settlement = new Settlement({ store: this.store, wallets, marketId: () => market().id, notify, checkpoint });
    const deliver = (a: AccountId, id: string, marketId: string, r: LegResult) => env.WALLET.getByName(a).multipleLegResult(id, marketId, r);
    this.legs = new LegDesk({ sql: ctx.storage.sql, market: () => this.#live.current, deliver, schedule: () => this.#schedule(), now: Date.now, changed: bookMoved });
    this.#summaries = summariesOf(env, this.store, () => this.#live.current, () => this.#exposure.current(), () => this.#schedule());
    // After a crash or an eviction, re-arm for the work stored in SQLite. With no alarm found, this wake
    // may be the alarm's own delivery, which arming now cancels (AlarmClock.load): arm only for stored
    // work, whose alarm then runs a reaping pass too, never push it out to a later reap.
    if (this.#live.current) void ctx.blockConcurrencyWhile(async () => ((await this.#clock.load()) ? this.#schedule() : this.#clock.arm(this.#stored())));
  }

  // ---- RPC: the Worker's ----

  create(body: wire.CreateMarketBody, by: string): Result<wire.Market> {
    if (this.#live.current) return refused(ErrorCode.MARKET_EXISTS, `market ${body.id} exists`);
    const created = book.createMarket(body, crypto.randomUUID());
    if ("code" in created) return refused(created.code, created.message);
    const ts = Date.now();
    this.#live.create(created, by, ts, () => this.#feed.seen(created, ts, true));
    this.#schedule();
    return ok(book.toWireMarket(created));
  }

  getMarket(): Result<wire.Market> {
    const m = this.#live.current;
    return m ? ok(book.toWireMarket(m)) : noMarket();
  }

  pushOdds(odds: Record<string, number>, by: string): Result<{ seq: number }> {
    const m = this.#live.current;
    return m ? this.#change(book.applyOdds(m, odds, Date.now()), by, true) : noMarket();
  }

  setStatus(body: wire.StatusBody, by: string): Result<{ seq: number }> {
    const m = this.#live.current;
    return m ? this.#change(book.applyStatus(m, body, Date.now()), by, body.status === MarketStatus.OPEN) : noMarket();
  }

  settle(outcome: { winner: string } | { void: true }, by: string): Result<{ seq: number }> {
    const m = this.#live.current;
    if (!m) return noMarket();
    const ts = Date.now();
    const winner = "winner" in outcome ? (outcome.winner as SelectionId) : null;
    // The settled event and every bet's outcome land in one transaction. Payment follows from the
    // alarm, which the commit arms for now, not from this call: a pass started here would keep
    // writing while this answer waits behind the output gate, holding it back for the whole pass.
    return this.#change(book.applySettle(m, outcome, ts), by, false, () => {
      this.#settlement.mark(winner, ts);
      this.legs.mark(winner, ts);
      this.#cashOuts.marketSettled(ts);
    });
  }

  /** The feed's heartbeat, for markets with a watchdog. */
  feedHeartbeat(): Result<{ seq: number }> {
    const m = this.#live.current;
    if (!m) return noMarket();
    this.#feed.seen(m, Date.now());
    return ok({ seq: m.seq });
  }

  /** The bet's answer is the contract's own (accepted, rejected or pending): the same frame a socket gets. */
  async placeBet(account: AccountId, body: wire.BetBody): Promise<wire.BetReplyFrame> {
    if (!this.#live.current) throw new Error("bet on a market that does not exist");
    return this.#desk.place(account, body);
  }

  /** A punter's cash out of one of their bets here: the socket's `cashout` answer. */
  async cashOut(account: AccountId, betId: BetId, body: wire.CashOutBody): Promise<wire.CashOutReplyFrame> {
    if (!this.#live.current) throw new Error("cash out on a market that does not exist");
    return this.#cashOuts.request(account, betId, body);
  }

  /** A multiple's leg, asked by its coordinator (the account's wallet): taken or refused now, the first answer kept. */
  async acceptLeg(account: AccountId, multipleId: string, ask: LegAsk): Promise<LegAnswer> {
    const answer = this.legs.accept(account, multipleId, ask);
    await this.faults.hit("leg:answered");
    return answer;
  }

  /** A rejected multiple's leg no longer counts here. */
  releaseLeg(account: AccountId, multipleId: string): void {
    this.legs.release(account, multipleId);
  }

  /** Open bets and what each outcome would cost the book; a finished market's final result too. */
  exposure(): Result<wire.Exposure> {
    const exposure = this.#exposure.current();
    return exposure ? ok(exposure) : noMarket();
  }

  /** The last odds changes, oldest first, for a chart. */
  oddsHistory(limit: number): Result<wire.OddsPoint[]> {
    return ok(this.store.oddsHistory(limit));
  }

  events(after: number, limit: number): Result<wire.MarketEvent[]> {
    return ok(this.store.marketEvents(after, limit));
  }

  // ---- RPC: the relays' ----

  firstFrames(since: number | null, epoch: string | null, counted: boolean, address: string | null = null): { frames: string[]; seq: number; viewers: string } {
    return this.#live.firstFrames(since, epoch, counted, address);
  }

  framesBetween(after: number, upTo: number): Published[] {
    return this.#live.framesBetween(after, upTo);
  }

  relayViewers(index: number, count: number): void {
    this.#live.relayViewers(index, count);
  }

  // ---- Entry points (written in SocketObject) ----

  protected readonly on: SocketHandlers = {
    context: () => ({ market: this.#live.current?.id }),
    request: (request) =>
      upgradeSocket({ store: this.store, sockets: this.room, live: this.#live, exposure: this.#exposure, greet: (ws, a) => this.#values.greet(ws, a) }, request),
    frame: (ws, message) => handleFrame(this.room, this.#desk, ws, message, this.#cashOuts),
    gone: (ws) => this.#live.drop(ws),
    alarm: () => this.#alarm(),
    afterAlarm: async (failed) => {
      this.#clock.finished(failed || this.#behind);
      this.#schedule();
    },
  };

  /** Viewer counts, the feed watchdog, reaping, payments and bets a crash or a wallet left unfinished. */
  async #alarm(): Promise<void> {
    this.#clock.fired();
    this.#behind = false;
    const now = Date.now();
    this.#live.sendViewers(now);
    this.#summaries.retry(now);
    const m = this.#live.current;
    if (!m) return;
    if (this.#feed.lost(m, now)) this.setStatus({ status: MarketStatus.SUSPENDED, reason: "feed lost: no heartbeat" }, "watchdog");
    this.#live.reap(now);
    const unpaid = await this.#settlement.pay();
    const unfinished = await this.#desk.reconcile();
    const undelivered = await this.legs.deliver();
    const owed = await this.#cashOuts.reconcile();
    this.#behind = unpaid > 0 || unfinished > 0 || undelivered > 0 || owed > 0;
  }

  // ---- Internals ----

  /** A rule's answer to a change: refused, or committed and sent (`feed`: the change counts as the feed's sign of life). */
  #change(change: book.Change<wire.ChangeFrame> | book.Refusal, by: string, feed: boolean, alongside?: () => void): Result<{ seq: number }> {
    if ("code" in change) return refused(change.code, change.message);
    if (feed) this.#feed.seen(this.#live.market, Date.now());
    if (change.frame) {
      this.#live.commit(change.market, change.frame, by, alongside);
      // Viewers have the change already; only then are the open bets' cash out values worked out.
      this.#values.afterChange(change.frame);
      this.#schedule();
    }
    return ok({ seq: this.#live.market.seq });
  }

  /** One alarm for every kind of work: set it for the earliest. */
  #schedule(): void {
    this.#clock.arm([...this.#stored(), this.#live.viewersDue, this.#summaries.retryAt, this.room.reapDue(Date.now())]);
  }

  /** When work kept in SQLite falls due: bets and payments, the feed watchdog. */
  #stored(): (number | null)[] {
    return [this.#desk.nextDue(), this.#feed.due(this.#live.current), this.legs.nextDue(), this.#cashOuts.nextDue()];
  }
}
