// MarketSubscription: one market's live stream and its socket's whole life: a
// fresh ticket per connect, parse-or-drop per frame, seq/epoch resume, resync on
// a gap, heartbeats, stale detection, jittered reconnects. Browsers and Node 24.
import { BetFrame, ServerFrame, parse } from "../../worker/protocol/schemas.ts";
import type {
  BalanceFrame,
  BetBody,
  BetReplyFrame,
  ChangeFrame,
  ErrorFrame,
  Market,
  OddsFrame,
  SettledFrame,
  SnapshotFrame,
  StatusFrame,
  ViewersFrame,
} from "../../worker/protocol/schemas.ts";
import { EdgebookApi } from "./api.ts";
import { ApiError } from "./api-error.ts";
import { backoffDelay } from "./backoff.ts";
import { Emitter, type Listener } from "./emitter.ts";
import { applyChange, checkSeq } from "./market-state.ts";

/**
 * connecting: first connect. live: socket open. reconnecting: waiting to try
 * again after a drop. stale: the socket went quiet and is being replaced.
 * closed: `close()` was called, or the server refused for good (see `failure`).
 */
export type ConnectionState = "connecting" | "live" | "reconnecting" | "stale" | "closed";

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
  error: ErrorFrame;
  /** Every frame that passed the schema (duplicates of applied changes excepted). */
  frame: ServerFrame;
  /** A frame that failed to parse: dropped, reported here. */
  invalid: { data: string; message: string };
  /** The stream is being rebuilt: a seq gap, or the socket went stale. */
  resync: { reason: "gap" | "stale"; lastSeq: number | null; got?: number };
  /** The subscription gave up (unknown market, bad session); state is `closed`. */
  failure: ApiError;
}

/** The constructor shape shared by the browser's WebSocket, Node 24's global one and `ws`. */
export type WebSocketConstructor = new (url: string) => WebSocket;

export interface MarketSubscriptionOptions {
  /** A session token: sockets then authenticate with a single-use ticket. */
  token?: string;
  /** An API client to fetch tickets with (shares its token); one is made from baseUrl and token otherwise. */
  api?: EdgebookApi;
  /** Ask the server to merge odds changes inside this window (0 to 5000 ms). */
  conflateMs?: number;
  WebSocket?: WebSocketConstructor;
  pingEveryMs?: number;
  staleAfterMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
}

export type SendResult = { ok: true } | { ok: false; reason: "offline" | "invalid"; message: string };

/** A connection that lasted this long was healthy: the next drop starts the backoff afresh. */
const HEALTHY_MS = 10_000;
/** After a liveness probe, how long to wait for any frame before calling the socket stale. */
const PROBE_MS = 5_000;
/** A socket that has not opened by then is abandoned and tried again. */
const OPEN_TIMEOUT_MS = 15_000;
const CONNECTING = 0;
const OPEN = 1;

export class MarketSubscription {
  readonly marketId: string;
  readonly #base: string;
  readonly #api: EdgebookApi;
  readonly #events = new Emitter<MarketSubscriptionEvents>();
  readonly #WS: WebSocketConstructor;
  readonly #conflateMs: number;
  readonly #pingEveryMs: number;
  readonly #staleAfterMs: number;
  readonly #backoff: { baseMs: number; capMs: number; random: () => number };

  #state: ConnectionState = "connecting";
  #market: Market | null = null;
  #seq: number | null = null;
  #epoch: string | null = null;
  #viewers: number | null = null;

  #ws: WebSocket | null = null;
  /** Bumped on every connect and teardown; callbacks of an older generation are ignored. */
  #gen = 0;
  #connecting = false;
  #everLive = false;
  #attempt = 0;
  #failedOpens = 0;
  #openedAt = 0;
  #lastHeardAt = 0;
  #lastPingAt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #tickTimer: ReturnType<typeof setInterval> | null = null;
  #probeTimer: ReturnType<typeof setTimeout> | null = null;
  #openTimer: ReturnType<typeof setTimeout> | null = null;
  #detach: (() => void) | null = null;

  constructor(baseUrl: string, marketId: string, options: MarketSubscriptionOptions = {}) {
    this.marketId = marketId;
    this.#base = baseUrl.replace(/\/+$/, "");
    this.#api = options.api ?? new EdgebookApi(this.#base, options.token);
    const WS = options.WebSocket ?? globalThis.WebSocket;
    if (!WS) throw new Error("no WebSocket implementation: pass options.WebSocket");
    this.#WS = WS;
    this.#conflateMs = options.conflateMs ?? 0;
    this.#pingEveryMs = options.pingEveryMs ?? 20_000;
    this.#staleAfterMs = options.staleAfterMs ?? 45_000;
    this.#backoff = {
      baseMs: options.backoffBaseMs ?? 250,
      capMs: options.backoffCapMs ?? 10_000,
      random: options.random ?? Math.random,
    };
    this.#detach = watchEnvironment(() => this.checkLiveness());
    void this.#connect();
  }

  get state(): ConnectionState {
    return this.#state;
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
    if (this.#state !== "live" || this.#ws?.readyState !== OPEN) {
      return { ok: false, reason: "offline", message: `socket is ${this.#state}` };
    }
    this.#ws.send(JSON.stringify(frame.value));
    return { ok: true };
  }

  /**
   * Is the socket still alive? Reconnects at once when it is down, probes it
   * with a ping otherwise. Called on tab focus and on `online`; callable any time.
   */
  checkLiveness(): void {
    if (this.#state === "closed" || this.#connecting) return;
    const ws = this.#ws;
    if (!ws || ws.readyState !== OPEN) {
      if (this.#retryTimer !== null) {
        clearTimeout(this.#retryTimer);
        this.#retryTimer = null;
        void this.#connect();
      }
      return;
    }
    if (Date.now() - this.#lastHeardAt >= this.#staleAfterMs) {
      this.#goStale();
      return;
    }
    const sentAt = this.#ping();
    if (this.#probeTimer !== null) clearTimeout(this.#probeTimer);
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = null;
      if (this.#state === "live" && this.#lastHeardAt < sentAt) this.#goStale();
    }, PROBE_MS);
  }

  /** Drop the socket and connect again now (resuming from the last seq). */
  reconnect(): void {
    if (this.#state === "closed") return;
    this.#teardown(1000, "client reconnect");
    this.#attempt = 0;
    this.#setState(this.#everLive ? "reconnecting" : "connecting");
    void this.#connect();
  }

  close(): void {
    if (this.#state === "closed") return;
    this.#teardown(1000, "client closed");
    this.#detach?.();
    this.#detach = null;
    this.#setState("closed");
  }

  // ---- Connecting ----

  async #connect(): Promise<void> {
    const gen = ++this.#gen;
    this.#connecting = true;
    this.#retryTimer = null;
    let ticket: string | null = null;
    try {
      if (this.#api.token) ticket = await this.#api.ticket(this.marketId);
      // Browsers hide why an upgrade failed; after a failed open, ask over HTTP whether the market exists.
      else if (this.#failedOpens > 0) await this.#api.market(this.marketId);
    } catch (err) {
      if (gen !== this.#gen) return;
      this.#connecting = false;
      if (err instanceof ApiError && !err.retryable) this.#fail(err);
      else this.#retryLater();
      return;
    }
    if (gen !== this.#gen) return;

    let ws: WebSocket;
    try {
      ws = new this.#WS(this.#socketUrl(ticket));
    } catch {
      this.#connecting = false;
      this.#retryLater();
      return;
    }
    this.#ws = ws;
    let opened = false;
    this.#openTimer = setTimeout(() => {
      if (gen !== this.#gen) return;
      this.#teardown(1000, "open timed out");
      this.#failedOpens++;
      this.#retryLater();
    }, OPEN_TIMEOUT_MS);
    ws.onopen = () => {
      if (gen !== this.#gen) return;
      opened = true;
      this.#clearOpenTimer();
      this.#connecting = false;
      this.#failedOpens = 0;
      this.#openedAt = this.#lastHeardAt = this.#lastPingAt = Date.now();
      this.#everLive = true;
      this.#startTicking();
      this.#setState("live");
    };
    ws.onmessage = (event: MessageEvent) => {
      if (gen === this.#gen) this.#receive(event.data);
    };
    ws.onclose = () => {
      if (gen !== this.#gen) return;
      this.#clearOpenTimer();
      this.#connecting = false;
      this.#ws = null;
      this.#stopTicking();
      if (!opened) this.#failedOpens++;
      else if (Date.now() - this.#openedAt >= HEALTHY_MS) this.#attempt = 0;
      this.#retryLater();
    };
    // An error is always followed by close, which does the work.
    ws.onerror = () => {};
  }

  #socketUrl(ticket: string | null): string {
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

  /** Schedule the next attempt with jittered backoff. */
  #retryLater(): void {
    if (this.#state === "closed") return;
    this.#setState(this.#everLive ? "reconnecting" : "connecting");
    const delay = backoffDelay(this.#attempt++, this.#backoff);
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
  }

  /** Replace the socket now (first time) or after a backoff (when it keeps happening). */
  #restart(): void {
    this.#teardown(1000, "client resync");
    const delay = this.#attempt === 0 ? 0 : backoffDelay(this.#attempt, this.#backoff);
    this.#attempt++;
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
  }

  #clearOpenTimer(): void {
    if (this.#openTimer !== null) clearTimeout(this.#openTimer);
    this.#openTimer = null;
  }

  #teardown(code: number, reason: string): void {
    this.#gen++;
    this.#connecting = false;
    this.#clearOpenTimer();
    this.#stopTicking();
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    ws.onmessage = ws.onclose = ws.onerror = null;
    if (ws.readyState === CONNECTING) {
      // Closing mid-handshake makes browsers log a failed connection; let it open, then close it.
      ws.onopen = () => ws.close(code, reason);
      return;
    }
    ws.onopen = null;
    try {
      ws.close(code, reason);
    } catch {
      // Already closing or closed: it is gone either way.
    }
  }

  #fail(err: ApiError): void {
    this.close();
    this.#events.emit("failure", err);
  }

  #goStale(): void {
    this.#setState("stale");
    this.#events.emit("resync", { reason: "stale", lastSeq: this.#seq });
    this.#restart();
  }

  // ---- Heartbeat ----

  #startTicking(): void {
    this.#stopTicking();
    const every = Math.max(50, Math.min(5_000, Math.floor(Math.min(this.#pingEveryMs, this.#staleAfterMs) / 4)));
    this.#tickTimer = setInterval(() => this.#tick(), every);
  }

  #stopTicking(): void {
    if (this.#tickTimer !== null) clearInterval(this.#tickTimer);
    if (this.#probeTimer !== null) clearTimeout(this.#probeTimer);
    this.#tickTimer = this.#probeTimer = null;
  }

  /** Ping on schedule whatever arrives (the server reaps sockets that send nothing); stale after long silence. */
  #tick(): void {
    const now = Date.now();
    if (now - this.#lastHeardAt >= this.#staleAfterMs) this.#goStale();
    else if (now - this.#lastPingAt >= this.#pingEveryMs) this.#ping();
  }

  #ping(): number {
    const now = Date.now();
    this.#lastPingAt = now;
    try {
      this.#ws?.send("ping");
    } catch {
      // A socket that cannot send will close; onclose reconnects.
    }
    return now;
  }

  // ---- Frames ----

  #receive(data: unknown): void {
    this.#lastHeardAt = Date.now();
    if (typeof data !== "string") {
      this.#events.emit("invalid", { data: "(binary)", message: "frames are UTF-8 JSON text" });
      return;
    }
    if (data === "pong") return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.#events.emit("invalid", { data: data.slice(0, 200), message: "frame is not JSON" });
      return;
    }
    const parsed = parse(ServerFrame, json);
    if (!parsed.ok) {
      this.#events.emit("invalid", { data: data.slice(0, 200), message: parsed.message });
      return;
    }
    const frame = parsed.value;
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
      case "error":
        this.#events.emit("error", frame);
        break;
    }
    this.#events.emit("frame", frame);
  }

  /** Apply a change in seq order; a gap rebuilds the stream from the last seq. Returns whether it was applied. */
  #applyChange(frame: ChangeFrame): boolean {
    if (this.#market === null || this.#seq === null) {
      this.#setState("reconnecting");
      this.#events.emit("resync", { reason: "gap", lastSeq: null, got: frame.seq });
      this.#restart();
      return false;
    }
    const check = checkSeq(this.#seq, frame);
    if (check === "duplicate") return false;
    if (check === "gap") {
      this.#setState("reconnecting");
      // Reconnecting with since=<last seq> makes the server replay exactly what we missed.
      this.#events.emit("resync", { reason: "gap", lastSeq: this.#seq, got: frame.seq });
      this.#restart();
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

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#events.emit("state", state);
  }
}

/**
 * Browsers freeze timers in background tabs and drop sockets on network
 * changes without telling anyone; check at once when the tab comes back or the
 * network returns. Node has neither `document` nor `window`: nothing to watch.
 */
function watchEnvironment(check: () => void): (() => void) | null {
  if (typeof document === "undefined" || typeof window === "undefined") return null;
  const onVisible = () => {
    if (document.visibilityState === "visible") check();
  };
  document.addEventListener("visibilitychange", onVisible);
  window.addEventListener("online", check);
  return () => {
    document.removeEventListener("visibilitychange", onVisible);
    window.removeEventListener("online", check);
  };
}
