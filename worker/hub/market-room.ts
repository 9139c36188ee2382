// The live market: its state, and everyone watching it. A change is stored
// with its event in one transaction and then sent as one string to every
// socket, to the conflating ones merged, and to the relays; a new socket gets
// its first frames (a replay from the log or a snapshot); the viewer count
// goes out at most once a second. Takes the store and the sockets, not the hub.
import type { ChangeFrame, ServerFrame } from "../protocol/schemas.ts";
import type { SocketRoom } from "../platform/socket-room.ts";
import { type MarketState, toWireMarket } from "../rules/market-book.ts";
import { MAX_REPLAY_BYTES, RETAIN_EVENTS, RETAIN_MS, ReplayBudget, planResume } from "../rules/resume.ts";
import { Conflator } from "./conflation.ts";
import type { HubStore } from "./hub-store.ts";
import type { Published, RelayFanout } from "./relay-fanout.ts";

const VIEWERS_EVERY_MS = 1000;
const REPLAY_PAGE = 1000;
/** The store's meta key for how many relays the market has. */
export const RELAYS = "relays";

export interface MarketRoomDeps {
  store: HubStore;
  sockets: SocketRoom;
  fanout: RelayFanout;
  /** Timed work changed (a viewer count is due): re-arm the alarm. */
  schedule: () => void;
  /** After each change is sent: the market's summary for the book (`urgent`: anything but odds). */
  changed: (urgent: boolean) => void;
}

export class MarketRoom {
  readonly #d: MarketRoomDeps;
  readonly #conflator: Conflator;
  #market: MarketState | null;
  #viewersSent = -1;
  #viewersAt = 0;
  #viewersDue: number | null = null;
  /**
   * Sockets told a count apart from the last broadcast (on joining), with when:
   * no socket gets two counts within VIEWERS_EVERY_MS, nor the same count twice.
   */
  readonly #told = new Map<WebSocket, { text: string; at: number }>();
  /** Replay bytes per client address (a resume storm from one address gets snapshots). */
  readonly #replays = new ReplayBudget();

  constructor(deps: MarketRoomDeps) {
    this.#d = deps;
    this.#market = deps.store.loadMarket();
    this.#conflator = new Conflator((ws, text) => deps.sockets.send(ws, text));
  }

  /** The market, or null before it is created. */
  get current(): MarketState | null {
    return this.#market;
  }

  get market(): MarketState {
    if (!this.#market) throw new Error("market room used before its market was created");
    return this.#market;
  }

  /** Store a new market with its `created` event; `alongside` writes in the same transaction. */
  create(market: MarketState, by: string, ts: number, alongside: () => void): void {
    const { store } = this.#d;
    store.transact(() => {
      store.saveMarket(market);
      store.appendEvent({ seq: 0, ts, type: "created", by, frame: JSON.stringify({ market: toWireMarket(market) }) });
      alongside();
    });
    this.#market = market;
    this.#d.changed(true);
  }

  /** Persist a change and its event in one transaction, then send it: serialised once for every socket. */
  commit(next: MarketState, frame: ChangeFrame, by: string, alongside?: () => void): void {
    const { store, sockets, fanout } = this.#d;
    const text = JSON.stringify(frame);
    store.transact(() => {
      store.saveMarket(next);
      store.appendEvent({ seq: frame.seq, ts: frame.ts, type: frame.type, by, frame: text });
      alongside?.();
    });
    this.#market = next;
    if (frame.type === "odds") {
      sockets.broadcast(text, false);
      for (const ws of sockets.conflated()) this.#conflator.add(ws, sockets.attachment(ws).conflateMs, frame);
    } else {
      this.#conflator.flushAll();
      sockets.broadcast(text, true);
    }
    fanout.publish({ seq: frame.seq, text });
    this.#d.changed(frame.type !== "odds");
    if (frame.seq % 1000 === 0) store.trimEvents(RETAIN_EVENTS, frame.ts - RETAIN_MS);
  }

  /**
   * What a socket gets first: the missed frames from the log (the same
   * strings as were sent live) or a snapshot; `seq` is where they end.
   * Synchronous, so no change can land between these frames and the live ones.
   * A replay past MAX_REPLAY_BYTES, or past what the client's address has
   * left of its replay budget, is a snapshot instead (the contract's "where
   * the server no longer holds them").
   */
  firstFrames(since: number | null, epoch: string | null, counted: boolean, address: string | null = null): { frames: string[]; seq: number; viewers: string } {
    const m = this.market;
    const ask = since !== null && epoch !== null ? { since, epoch } : null;
    const plan = planResume(ask, m.epoch, m.seq, this.#d.store.oldestSeq());
    // The count as it stands, with the new socket (a relay's is counted already), to that socket alone.
    const viewers = JSON.stringify({ type: "viewers", count: this.#viewerCount() + (counted ? 0 : 1) } satisfies ServerFrame);
    if (plan.kind === "replay") {
      const frames = this.framesBetween(plan.after, m.seq).map((f) => f.text);
      const bytes = frames.reduce((n, text) => n + text.length, 0);
      if (bytes <= MAX_REPLAY_BYTES && this.#replays.take(address, bytes, Date.now())) return { frames, seq: m.seq, viewers };
    }
    const snapshot: ServerFrame = { type: "snapshot", seq: m.seq, epoch: m.epoch, market: toWireMarket(m) };
    return { frames: [JSON.stringify(snapshot)], seq: m.seq, viewers };
  }

  /** Change frames with after < seq <= upTo, from the log. */
  framesBetween(after: number, upTo: number): Published[] {
    const out: Published[] = [];
    for (let from = after; from < upTo; ) {
      const page = this.#d.store.eventsAfter(from, REPLAY_PAGE).filter((e) => e.seq <= upTo);
      for (const e of page) out.push({ seq: e.seq, text: e.frame });
      if (page.length < REPLAY_PAGE) break;
      from = page[page.length - 1].seq;
    }
    return out;
  }

  /** Place a new viewer on a relay, creating one when every relay is full; returns the relay's stub. */
  placeOnRelay(perRelay: number) {
    const { fanout, store } = this.#d;
    const before = fanout.size;
    const index = fanout.place(perRelay);
    if (fanout.size !== before) store.setMeta(RELAYS, fanout.size);
    return { index, stub: fanout.stub(index) };
  }

  relayViewers(index: number, count: number): void {
    this.#d.fanout.report(index, count);
    this.viewersChanged();
  }

  /** A new socket gets the count, itself included, after its first frames; the others get it at the next tick. */
  welcome(ws: WebSocket, viewers: string, now: number): void {
    this.#d.sockets.send(ws, viewers);
    this.#told.set(ws, { text: viewers, at: now });
    this.viewersChanged();
  }

  /** A socket left: forget what it had waiting, recount. */
  drop(ws: WebSocket): void {
    this.#conflator.drop(ws);
    this.#told.delete(ws);
    this.viewersChanged();
  }

  /** Close sockets silent too long; recount if any went. */
  reap(now: number): void {
    if (this.#d.sockets.reap(now) > 0) this.viewersChanged();
  }

  viewersChanged(): void {
    const due = Math.max(Date.now(), this.#viewersAt + VIEWERS_EVERY_MS);
    if (this.#viewersDue === null || due < this.#viewersDue) this.#viewersDue = due;
    this.#d.schedule();
  }

  /** When the next viewer count is due, or null. */
  get viewersDue(): number | null {
    return this.#viewersDue;
  }

  /** Send the viewer count if it is due and changed since it was last sent. */
  sendViewers(now: number): void {
    if (this.#viewersDue === null || this.#viewersDue > now) return;
    this.#viewersDue = null;
    const count = this.#viewerCount();
    const text = JSON.stringify({ type: "viewers", count } satisfies ServerFrame);
    if (count !== this.#viewersSent) {
      this.#viewersSent = count;
      this.#viewersAt = now;
      const { sockets } = this.#d;
      if (this.#told.size === 0) sockets.broadcast(text, true);
      else for (const ws of sockets.all()) if (!this.#told.has(ws)) sockets.send(ws, text);
      this.#d.fanout.publish({ seq: null, text });
    }
    this.#catchUpTold(text, now);
  }

  /** Sockets told a count on joining: the current one once their second is up, if it differs. */
  #catchUpTold(text: string, now: number): void {
    for (const [ws, told] of this.#told) {
      const free = told.at + VIEWERS_EVERY_MS;
      if (told.text === text) {
        if (free <= now) this.#told.delete(ws);
      } else if (free <= now) {
        this.#d.sockets.send(ws, text);
        this.#told.set(ws, { text, at: now });
      } else if (this.#viewersDue === null || free < this.#viewersDue) {
        this.#viewersDue = free;
      }
    }
  }

  #viewerCount(): number {
    return this.#d.sockets.count() + this.#d.fanout.viewers();
  }
}
