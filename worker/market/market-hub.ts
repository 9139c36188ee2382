// The market hub Durable Object: one per market. It owns the odds, the event
// log and the bets, and is the market's WebSocket hub. A shell: each entry
// point delegates to the pure rules (market-book), the SQL (market-store),
// the sockets (socket-room) and the bet flows (betting/).
import { DurableObject } from "cloudflare:workers";
import { ErrorCode, MarketStatus } from "../protocol/codes.ts";
import type {
  BetBody,
  BetReplyFrame,
  ChangeFrame,
  CreateMarketBody,
  Exposure,
  Market,
  MarketEvent,
  OddsPoint,
  ServerFrame,
  StatusBody,
} from "../protocol/schemas.ts";
import type { AccountId, SelectionId } from "../protocol/units.ts";
import { BetDesk } from "../betting/place-bet.ts";
import { markSettlement, payOutstanding } from "../betting/settle.ts";
import { type FaultPoint, FaultPoints } from "../betting/fault-points.ts";
import { walletsOf } from "../betting/wallet-port.ts";
import { shardFor } from "../book/book-config.ts";
import { SummaryPublisher } from "../book/summary-publisher.ts";
import { configOf } from "../config.ts";
import { log, setLogLevel } from "../log.ts";
import { Conflator } from "./conflation.ts";
import { handleFrame } from "./frame-handler.ts";
import * as book from "./market-book.ts";
import { MarketStore } from "./market-store.ts";
import { RETAIN_EVENTS, RETAIN_MS, planResume } from "./resume.ts";
import { type Published, RelayFanout } from "./relay-fanout.ts";
import { REAP_EVERY_MS, SocketRoom } from "./socket-room.ts";
import { refuse, upgradeSocket } from "./upgrade.ts";

export type HubResult<T> = ({ ok: true } & T) | { ok: false; code: ErrorCode; message: string };

const VIEWERS_EVERY_MS = 1000;
const FEED_SEEN = "feedSeenAt";
const RELAYS = "relays";
const REPLAY_PAGE = 1000;
const SUMMARY_SEQ = "summarySeq";

export class MarketHub extends DurableObject<Env> {
  readonly store: MarketStore;
  readonly room: SocketRoom;
  readonly desk: BetDesk;
  readonly conflator: Conflator;
  readonly faults: FaultPoints;
  readonly fanout: RelayFanout;
  #market: book.MarketState | null;
  #alarmAt: number | null = null;
  #viewersSent = -1;
  #viewersAt = 0;
  #viewersDue: number | null = null;
  /** Reaping runs on the alarm at most every REAP_EVERY_MS; a woken hub reaps on its first alarm. */
  #reapAt = 0;
  /** After an alarm that left money work undone: wait this long, doubling, before the next. */
  #retryMs = 0;
  #notBefore = 0;
  /** The payment pass under way, if any: settlement's first pass and the alarm share it. */
  #paying: Promise<number> | null = null;
  /** The market's summary for the book, sent after each commit, off the hot path. */
  readonly #summaries: SummaryPublisher;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new MarketStore(ctx.storage);
    this.room = new SocketRoom(ctx);
    this.faults = new FaultPoints(ctx);
    this.conflator = new Conflator((ws, text) => this.room.send(ws, text));
    setLogLevel(configOf(env).logLevel);
    this.#market = this.store.loadMarket();
    this.fanout = new RelayFanout(env.MARKET_RELAY, () => this.market.id, this.store.getMeta(RELAYS) ?? 0);
    // Heartbeats are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    this.#summaries = new SummaryPublisher({
      market: () => this.getMarket(),
      send: (update) => shardFor(env, update.market.id).put([update]),
      sentSeq: { get: () => this.store.getMeta(SUMMARY_SEQ), set: (seq) => this.store.setMeta(SUMMARY_SEQ, seq) },
      schedule: () => this.schedule(),
    });
    this.desk = new BetDesk({
      store: this.store,
      wallets: walletsOf(env.WALLET),
      market: () => this.market,
      notify: (account, frame) => this.room.toAccount(account, JSON.stringify(frame)),
      schedule: () => this.schedule(),
      now: Date.now,
      checkpoint: (name) => this.faults.hit(name),
    });
    // After a crash or an eviction, re-arm the alarm for whatever stored work is due, but
    // never move an alarm that is already set: this instance may have been woken to run it,
    // and changing it now would cancel that run.
    if (this.#market) {
      void ctx.blockConcurrencyWhile(async () => {
        this.#alarmAt = await ctx.storage.getAlarm();
        this.schedule();
      });
    }
  }

  get market(): book.MarketState {
    if (!this.#market) throw new Error("market hub used before its market was created");
    return this.#market;
  }

  // ---- RPC ----

  create(body: CreateMarketBody, by: string): HubResult<{ market: Market }> {
    if (this.#market) return { ok: false, code: ErrorCode.MARKET_EXISTS, message: `market ${body.id} exists` };
    const created = book.createMarket(body, crypto.randomUUID());
    if ("code" in created) return { ok: false, ...created };
    const ts = Date.now();
    this.store.transact(() => {
      this.store.saveMarket(created);
      this.store.appendEvent({ seq: 0, ts, type: "created", by, frame: JSON.stringify({ market: book.toWireMarket(created) }) });
      this.store.setMeta(FEED_SEEN, ts);
    });
    this.#market = created;
    this.#summaries.changed(true);
    this.schedule();
    return { ok: true, market: book.toWireMarket(created) };
  }

  getMarket(): Market | null {
    return this.#market ? book.toWireMarket(this.#market) : null;
  }

  pushOdds(odds: Record<string, number>, by: string): HubResult<{ seq: number }> {
    if (!this.#market) return notFound();
    const change = book.applyOdds(this.#market, odds, Date.now());
    if ("code" in change) return { ok: false, ...change };
    this.#feedSeen();
    if (change.frame) this.#commit(change.market, change.frame, by);
    return { ok: true, seq: this.market.seq };
  }

  setStatus(body: StatusBody, by: string): HubResult<{ seq: number }> {
    if (!this.#market) return notFound();
    const change = book.applyStatus(this.#market, body, Date.now());
    if ("code" in change) return { ok: false, ...change };
    if (body.status === MarketStatus.OPEN) this.#feedSeen();
    if (change.frame) this.#commit(change.market, change.frame, by);
    return { ok: true, seq: this.market.seq };
  }

  settle(outcome: { winner: string } | { void: true }, by: string): HubResult<{ seq: number }> {
    if (!this.#market) return notFound();
    const ts = Date.now();
    const change = book.applySettle(this.#market, outcome, ts);
    if ("code" in change) return { ok: false, ...change };
    const winner = "winner" in outcome ? (outcome.winner as SelectionId) : null;
    // The settled event and every bet's outcome land in one transaction; payment follows from the alarm.
    this.#commit(change.market, change.frame as ChangeFrame, by, () => markSettlement(this.store, winner, ts));
    this.#payNow();
    return { ok: true, seq: this.market.seq };
  }

  /** The feed's heartbeat, for markets with a watchdog. */
  feedHeartbeat(): HubResult<{ seq: number }> {
    if (!this.#market) return notFound();
    this.#feedSeen();
    return { ok: true, seq: this.market.seq };
  }

  async placeBet(account: AccountId, body: BetBody): Promise<BetReplyFrame | null> {
    if (!this.#market) return null;
    return this.desk.place(account, body);
  }

  /** Open bets and what each outcome would cost the book. */
  exposure(): Exposure | null {
    if (!this.#market) return null;
    const rows = new Map(this.store.exposure().map((r) => [r.selectionId, r]));
    const totalStake = [...rows.values()].reduce((sum, r) => sum + r.stake, 0);
    return {
      marketId: this.#market.id,
      totalStake,
      pendingBets: this.store.betsInPhase("held").length + this.store.betsInPhase("debit").length,
      selections: this.#market.selections.map((s) => {
        const r = rows.get(s.id);
        const payout = r?.payout ?? 0;
        return { id: s.id, bets: r?.bets ?? 0, stake: r?.stake ?? 0, payout, profitIfWins: totalStake - payout };
      }),
    };
  }

  /** The last odds changes, oldest first, for a chart: public, so without who made them. */
  oddsHistory(limit: number): OddsPoint[] {
    return this.store.recentOdds(limit).map((e) => ({ seq: e.seq, ts: e.ts, odds: (JSON.parse(e.frame) as { odds: Record<string, number> }).odds }));
  }

  events(after: number, limit: number): MarketEvent[] {
    return this.store.eventsAfter(after, limit).map((e) => ({ ...JSON.parse(e.frame), seq: e.seq, ts: e.ts, type: e.type, by: e.by }));
  }

  /**
   * What a socket gets first: the missed frames from the log (the same
   * strings as were sent live) or a snapshot; `seq` is where they end.
   * Synchronous, so no change can land between these frames and the live ones.
   */
  firstFrames(since: number | null, epoch: string | null, counted = false): { frames: string[]; seq: number; viewers: string } {
    const m = this.market;
    const plan = this.replayPlan(since, epoch);
    // The count as it stands, with the new socket (a relay's is counted already), to that socket alone.
    const viewers = JSON.stringify({ type: "viewers", count: this.viewerCount() + (counted ? 0 : 1) } satisfies ServerFrame);
    if (plan.kind === "snapshot") return { frames: [JSON.stringify(this.snapshotFrame())], seq: m.seq, viewers };
    return { frames: this.framesBetween(plan.after, m.seq).map((f) => f.text), seq: m.seq, viewers };
  }

  /** Change frames with after < seq <= upTo, from the log. */
  framesBetween(after: number, upTo: number): Published[] {
    const out: Published[] = [];
    for (let from = after; from < upTo; ) {
      const page = this.store.eventsAfter(from, REPLAY_PAGE).filter((e) => e.seq <= upTo);
      for (const e of page) out.push({ seq: e.seq, text: e.frame });
      if (page.length < REPLAY_PAGE) break;
      from = page[page.length - 1].seq;
    }
    return out;
  }

  /** Place a new viewer on a relay, creating one when every relay is full. */
  placeOnRelay(perRelay: number): number {
    const before = this.fanout.size;
    const index = this.fanout.place(perRelay);
    if (this.fanout.size !== before) this.store.setMeta(RELAYS, this.fanout.size);
    return index;
  }

  relayViewers(index: number, count: number): void {
    this.fanout.report(index, count);
    this.viewersChanged();
  }

  // ---- Entry points ----

  override async fetch(request: Request): Promise<Response> {
    try {
      return await upgradeSocket(this, request);
    } catch (err) {
      log.error("hub.fetch", err, { market: this.#market?.id });
      return refuse(500, ErrorCode.INTERNAL, "the socket could not be opened");
    }
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      await handleFrame(this, ws, message);
    } catch (err) {
      log.error("hub.webSocketMessage", err, { market: this.#market?.id });
      this.sendFrame(ws, { type: "error", code: ErrorCode.INTERNAL, message: "the frame could not be handled" });
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      this.conflator.drop(ws);
      // Reciprocate the close; 1005/1006 are never sent, so answer those with a normal close.
      this.room.close(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
      this.viewersChanged();
    } catch (err) {
      log.error("hub.webSocketClose", err, { market: this.#market?.id });
    }
  }

  override async webSocketError(ws: WebSocket, err: unknown): Promise<void> {
    try {
      log.warn("hub.webSocketError", { market: this.#market?.id, error: String(err) });
      this.conflator.drop(ws);
      this.viewersChanged();
    } catch (failure) {
      log.error("hub.webSocketError", failure, { market: this.#market?.id });
    }
  }

  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    let behind = false;
    try {
      const now = Date.now();
      if (this.#viewersDue !== null && this.#viewersDue <= now) this.#sendViewers(now);
      this.#summaries.retry(now);
      if (this.#market) behind = await this.#runMarketWork(now);
    } catch (err) {
      behind = true;
      log.error("hub.alarm", err, { market: this.#market?.id });
    } finally {
      // Work a failing wallet left undone is retried with a growing pause, not in a tight loop.
      this.#retryMs = behind ? Math.min(Math.max(this.#retryMs * 2, 500), 30_000) : 0;
      this.#notBefore = behind ? Date.now() + this.#retryMs : 0;
      this.schedule();
    }
  }

  // ---- Shared with the socket modules ----

  sendFrame(ws: WebSocket, frame: ServerFrame): void {
    this.room.send(ws, JSON.stringify(frame));
  }

  snapshotFrame(): ServerFrame {
    const m = this.market;
    return { type: "snapshot", seq: m.seq, epoch: m.epoch, market: book.toWireMarket(m) };
  }

  /** Frames after `since` from the log, as stored: the same strings as were sent live. */
  replayPlan(since: number | null, epoch: string | null) {
    const ask = since !== null && epoch !== null ? { since, epoch } : null;
    return planResume(ask, this.market.epoch, this.market.seq, this.store.oldestSeq());
  }

  viewerCount(): number {
    return this.room.count() + this.fanout.viewers();
  }

  viewersChanged(): void {
    const due = Math.max(Date.now(), this.#viewersAt + VIEWERS_EVERY_MS);
    if (this.#viewersDue === null || due < this.#viewersDue) this.#viewersDue = due;
    this.schedule();
  }

  /** One alarm for every kind of work: set it for the earliest. */
  schedule(): void {
    const m = this.#market;
    const candidates = [this.#viewersDue, this.desk.nextDue(), this.#summaries.retryAt];
    if (m && m.feedTimeoutMs > 0 && m.status === MarketStatus.OPEN) {
      candidates.push((this.store.getMeta(FEED_SEEN) ?? 0) + m.feedTimeoutMs);
    }
    // Reaping is never due sooner than REAP_EVERY_MS from now, so an alarm already armed
    // before then covers it, and the socket count (a list of every socket) is not needed on
    // each change. The alarm, when it runs, schedules again with the count.
    const now = Date.now();
    const armedSoon = this.#alarmAt !== null && this.#alarmAt > now && this.#alarmAt <= now + REAP_EVERY_MS;
    if (!armedSoon && this.room.count() > 0) candidates.push(Math.max(this.#reapAt, now + REAP_EVERY_MS));
    const next = Math.max(Math.min(...candidates.filter((t): t is number => t !== null)), this.#notBefore);
    if (!Number.isFinite(next)) return;
    // An earlier alarm still to come covers this: it reschedules when it runs. Saves a write per bet.
    if (this.#alarmAt !== null && this.#alarmAt <= next && this.#alarmAt > now) return;
    this.#alarmAt = next;
    void this.ctx.storage.setAlarm(next);
  }

  // ---- Internals ----

  /** Persist a change and its event in one transaction, then send it: serialised once for every socket. */
  #commit(next: book.MarketState, frame: ChangeFrame, by: string, alongside?: () => void): void {
    const text = JSON.stringify(frame);
    this.store.transact(() => {
      this.store.saveMarket(next);
      this.store.appendEvent({ seq: frame.seq, ts: frame.ts, type: frame.type, by, frame: text });
      alongside?.();
    });
    this.#market = next;
    if (frame.type === "odds") {
      this.room.broadcast(text, false);
      for (const ws of this.room.conflated()) this.conflator.add(ws, this.room.attachment(ws).conflateMs, frame);
    } else {
      this.conflator.flushAll();
      this.room.broadcast(text, true);
    }
    this.fanout.publish({ seq: frame.seq, text });
    this.#summaries.changed(frame.type !== "odds");
    if (frame.seq % 1000 === 0) this.store.trimEvents(RETAIN_EVENTS, frame.ts - RETAIN_MS);
    this.schedule();
  }

  #feedSeen(): void {
    if (this.market.feedTimeoutMs > 0) this.store.setMeta(FEED_SEEN, Date.now());
  }

  /** The alarm's market work; true when money work is left undone (a wallet failed). */
  async #runMarketWork(now: number): Promise<boolean> {
    const m = this.market;
    if (m.feedTimeoutMs > 0 && m.status === MarketStatus.OPEN) {
      const seen = this.store.getMeta(FEED_SEEN) ?? 0;
      if (now - seen >= m.feedTimeoutMs) {
        this.setStatus({ status: MarketStatus.SUSPENDED, reason: "feed lost: no heartbeat" }, "watchdog");
      }
    }
    if (now >= this.#reapAt) {
      this.#reapAt = now + REAP_EVERY_MS;
      if (this.room.reap(now) > 0) this.viewersChanged();
    }
    const unpaid = await this.#pay();
    const unfinished = await this.desk.reconcile();
    return unpaid > 0 || unfinished > 0;
  }

  #payDeps() {
    return {
      store: this.store,
      wallets: walletsOf(this.env.WALLET),
      marketId: this.market.id,
      notify: (account: AccountId, frame: ServerFrame) => this.room.toAccount(account, JSON.stringify(frame)),
      checkpoint: (name: FaultPoint) => this.faults.hit(name),
    };
  }

  /**
   * One payment pass at a time: a second caller joins the pass under way instead
   * of starting another, so no wallet is called twice for one bet at once and no
   * punter hears its outcome twice. Keys would keep the money right either way.
   */
  #pay(): Promise<number> {
    this.#paying ??= payOutstanding(this.#payDeps()).finally(() => {
      this.#paying = null;
    });
    return this.#paying;
  }

  /** Start paying at once; the alarm (already armed by schedule) finishes anything this misses. */
  #payNow(): void {
    this.ctx.waitUntil(this.#pay().catch((err) => log.error("hub.settle.pay", err, { market: this.#market?.id })));
  }

  #sendViewers(now: number): void {
    this.#viewersDue = null;
    const count = this.viewerCount();
    if (count === this.#viewersSent) return;
    this.#viewersSent = count;
    this.#viewersAt = now;
    const text = JSON.stringify({ type: "viewers", count } satisfies ServerFrame);
    this.room.broadcast(text, true);
    this.fanout.publish({ seq: null, text });
  }
}

function notFound(): { ok: false; code: ErrorCode; message: string } {
  return { ok: false, code: ErrorCode.NOT_FOUND, message: "no such market" };
}
