// MarketSubscription: one market's live stream over a SocketConnection: a
// fresh ticket per connect, parse-or-drop per frame, seq/epoch resume and a
// rebuild of the stream on a gap. Browsers and Node 24.
import { BetFrame, CashOutFrame, ServerFrame, parse } from "../../worker/protocol/schemas.ts";
import type {
  BalanceFrame,
  BetBody,
  BetReplyFrame,
  CashOutBody,
  CashOutReplyFrame,
  CashOutValueFrame,
  ChangeFrame,
  ErrorFrame,
  ExposureFrame,
  Market,
  OddsFrame,
  SettledFrame,
  SnapshotFrame,
  StatusFrame,
  ViewersFrame,
} from "../../worker/protocol/schemas.ts";
import { EdgebookApi } from "./api.ts";
import type { ApiError } from "./api-error.ts";
import { Emitter, type Listener } from "./emitter.ts";
import { applyChange, checkSeq } from "./market-state.ts";
import { readFrame } from "./read-frame.ts";
import { type ConnectionOptions, type ConnectionState, SocketConnection } from "./socket-connection.ts";
import { SocketSubscription } from "./socket-subscription.ts";

export interface MarketSubscriptionEvents {
  state: ConnectionState;
  /** The market after a snapshot or an applied change. */
  market: Market;
  snapshot: SnapshotFrame;
  odds: OddsFrame;
  status: StatusFrame;
  settled: SettledFrame;
  viewers: ViewersFrame;
  bet: BetReplyFrame;
  balance: BalanceFrame;
  /** v1.1: one of the punter's open bets is worth this now (null while the market is not open). */
  cashout: CashOutValueFrame;
  /** v1.1: the answer to a cash out request (same id). */
  cashoutReply: CashOutReplyFrame;
  error: ErrorFrame;
  /** Addition, trader (admin) sockets only: the market's book, on connect and after each change to it. */
  exposure: ExposureFrame;
  /** Every frame that passed the schema (duplicates of applied changes excepted). */
  frame: ServerFrame;
  /** A frame that failed to parse: dropped, reported here. */
  invalid: { data: string; message: string };
  /** The stream is being rebuilt: a seq gap, or the socket went stale. */
  resync: { reason: "gap" | "stale"; lastSeq: number | null; got?: number };
  /** The subscription gave up (unknown market, bad session); state is `closed`. */
  failure: ApiError;
}

export interface MarketSubscriptionOptions extends ConnectionOptions {
  /** A session token: sockets then authenticate with a single-use ticket. */
  token?: string;
  /** An API client to fetch tickets with (shares its token); one is made from baseUrl and token otherwise. */
  api?: EdgebookApi;
  /** Ask the server to merge odds changes inside this window (0 to 5000 ms). */
  conflateMs?: number;
}

export type SendResult = { ok: true } | { ok: false; reason: "offline" | "invalid"; message: string };

export class MarketSubscription extends SocketSubscription {
  readonly marketId: string;
  readonly #base: string;
  readonly #api: EdgebookApi;
  readonly #events = new Emitter<MarketSubscriptionEvents>();
  readonly #conflateMs: number;
  protected readonly conn: SocketConnection;

  #market: Market | null = null;
  #seq: number | null = null;
  #epoch: string | null = null;
  #viewers: number | null = null;

  constructor(baseUrl: string, marketId: string, options: MarketSubscriptionOptions = {}) {
    super();
    this.marketId = marketId;
    this.#base = baseUrl.replace(/\/+$/, "");
    this.#api = options.api ?? new EdgebookApi(this.#base, options.token);
    this.#conflateMs = options.conflateMs ?? 0;
    this.conn = new SocketConnection(
      {
        url: (failedOpens) => this.#socketUrl(failedOpens),
        message: (data) => {
          const frame = readFrame(ServerFrame, data, (e) => this.#events.emit("invalid", e));
          if (frame !== null) this.#apply(frame);
        },
        state: (state) => this.#events.emit("state", state),
        stale: () => this.#events.emit("resync", { reason: "stale", lastSeq: this.#seq }),
        failure: (err) => this.#events.emit("failure", err),
      },
      options,
    );
  }

  /** The market as of the last applied frame; null until the first snapshot. */
  get market(): Market | null {
    return this.#market;
  }
  get seq(): number | null {
    return this.#seq;
  }
  get epoch(): string | null {
    return this.#epoch;
  }
  get viewers(): number | null {
    return this.#viewers;
  }

  on<K extends keyof MarketSubscriptionEvents>(type: K, listener: Listener<MarketSubscriptionEvents[K]>): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Send a bet over the socket. The answer comes as a `bet` event with the
   * same id. Keep the id: sending it again (after a drop) is safe and answers
   * as the bet stands.
   */
  placeBet(bet: BetBody): SendResult {
    const frame = parse(BetFrame, { type: "bet", ...bet });
    if (!frame.ok) return { ok: false, reason: "invalid", message: frame.message };
    if (!this.conn.send(JSON.stringify(frame.value))) return { ok: false, reason: "offline", message: `socket is ${this.conn.state}` };
    return { ok: true };
  }
  /**
   * Ask to cash out a bet (whole, or `stake` of it) over the socket. The
   * answer comes as a `cashoutReply` event with the same id; keep the id to
   * ask again safely after a drop.
   */
  cashOut(betId: string, body: CashOutBody): SendResult {
    const frame = parse(CashOutFrame, { type: "cashout", betId, ...body });
    if (!frame.ok) return { ok: false, reason: "invalid", message: frame.message };
    if (!this.conn.send(JSON.stringify(frame.value))) return { ok: false, reason: "offline", message: `socket is ${this.conn.state}` };
    return { ok: true };
  }

  /** A fresh ticket per attempt; without a session, a failed open asks over HTTP whether the market exists (browsers hide why an upgrade failed). */
  async #socketUrl(failedOpens: number): Promise<string> {
    let ticket: string | null = null;
    if (this.#api.token) ticket = await this.#api.ticket(this.marketId);
    else if (failedOpens > 0) await this.#api.market(this.marketId);
    const url = new URL(`${this.#base}/api/markets/${encodeURIComponent(this.marketId)}/ws`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    if (ticket) url.searchParams.set("ticket", ticket);
    if (this.#seq !== null && this.#epoch !== null) {
      url.searchParams.set("since", String(this.#seq));
      url.searchParams.set("epoch", this.#epoch);
    }
    if (this.#conflateMs > 0) url.searchParams.set("conflateMs", String(this.#conflateMs));
    return url.toString();
  }

  /** One frame of the stream, checked against its schema. */
  #apply(frame: ServerFrame): void {
    switch (frame.type) {
      case "snapshot":
        this.#market = frame.market;
        this.#seq = frame.seq;
        this.#epoch = frame.epoch;
        this.#events.emit("snapshot", frame);
        this.#events.emit("market", frame.market);
        break;
      case "odds":
      case "status":
      case "settled":
        if (!this.#applyChange(frame)) return;
        break;
      case "viewers":
        this.#viewers = frame.count;
        this.#events.emit("viewers", frame);
        break;
      case "bet":
        this.#events.emit("bet", frame);
        break;
      case "balance":
        this.#events.emit("balance", frame);
        break;
      case "cashout":
        if ("status" in frame) this.#events.emit("cashoutReply", frame);
        else this.#events.emit("cashout", frame);
        break;
      case "error":
        this.#events.emit("error", frame);
        break;
      case "exposure":
        this.#events.emit("exposure", frame);
        break;
    }
    this.#events.emit("frame", frame);
  }

  /** Apply a change in seq order; a gap rebuilds the stream from the last seq. Returns whether it was applied. */
  #applyChange(frame: ChangeFrame): boolean {
    if (this.#market === null || this.#seq === null) {
      this.conn.resync("reconnecting", () => this.#events.emit("resync", { reason: "gap", lastSeq: null, got: frame.seq }));
      return false;
    }
    const check = checkSeq(this.#seq, frame);
    if (check === "duplicate") return false;
    if (check === "gap") {
      // Reconnecting with since=<last seq> makes the server replay exactly what we missed.
      this.conn.resync("reconnecting", () => this.#events.emit("resync", { reason: "gap", lastSeq: this.#seq, got: frame.seq }));
      return false;
    }
    this.#market = applyChange(this.#market, frame);
    this.#seq = frame.seq;
    if (frame.type === "odds") this.#events.emit("odds", frame);
    else if (frame.type === "status") this.#events.emit("status", frame);
    else this.#events.emit("settled", frame);
    this.#events.emit("market", this.#market);
    return true;
  }
}
