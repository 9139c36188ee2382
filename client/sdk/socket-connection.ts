// SocketConnection: one live socket's life, whatever it carries: open with a
// fresh URL each time, jittered reconnects, heartbeats and stale detection.
// The stream on top (market-socket.ts) reads frames; this file never parses one.
import { ApiError } from "./api-error.ts";
import { backoffDelay } from "./backoff.ts";

/**
 * connecting: first connect. live: socket open. reconnecting: waiting to try
 * again after a drop. stale: the socket went quiet and is being replaced.
 * closed: `close()` was called, or the server refused for good.
 */
export type ConnectionState = "connecting" | "live" | "reconnecting" | "stale" | "closed";

/** The constructor shape shared by the browser's WebSocket, Node 24's global one and `ws`. */
export type WebSocketConstructor = new (url: string) => WebSocket;

export interface ConnectionOptions {
  WebSocket?: WebSocketConstructor;
  pingEveryMs?: number;
  staleAfterMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
}

/** What the stream on top supplies and hears. */
export interface ConnectionHooks {
  /**
   * The URL for the next attempt (a ticket is single-use, so it is asked for
   * each time). `failedOpens` counts opens that failed since the last success.
   * Throwing a non-retryable ApiError gives up for good.
   */
  url(failedOpens: number): Promise<string>;
  /** Every frame but the heartbeat's answer. */
  message(data: unknown): void;
  state(state: ConnectionState): void;
  /** The socket went quiet: it is being replaced (called before the restart). */
  stale(): void;
  /** Given up (a non-retryable answer); the state is `closed`. */
  failure(err: ApiError): void;
}

/** A connection that lasted this long was healthy: the next drop starts the backoff afresh. */
const HEALTHY_MS = 10_000;
/** After a liveness probe, how long to wait for any frame before calling the socket stale. */
const PROBE_MS = 5_000;
/** A socket that has not opened by then is abandoned and tried again. */
const OPEN_TIMEOUT_MS = 15_000;
const CONNECTING = 0;
const OPEN = 1;

export class SocketConnection {
  readonly #hooks: ConnectionHooks;
  readonly #WS: WebSocketConstructor;
  readonly #pingEveryMs: number;
  readonly #staleAfterMs: number;
  readonly #backoff: { baseMs: number; capMs: number; random: () => number };

  #state: ConnectionState = "connecting";
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

  /** Starts connecting at once. */
  constructor(hooks: ConnectionHooks, options: ConnectionOptions = {}) {
    this.#hooks = hooks;
    const WS = options.WebSocket ?? globalThis.WebSocket;
    if (!WS) throw new Error("no WebSocket implementation: pass options.WebSocket");
    this.#WS = WS;
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

  /** Send a text frame; false when the socket is not live. */
  send(text: string): boolean {
    if (this.#state !== "live" || this.#ws?.readyState !== OPEN) return false;
    this.#ws.send(text);
    return true;
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

  /** Drop the socket and connect again now. */
  reconnect(): void {
    if (this.#state === "closed") return;
    this.#teardown(1000, "client reconnect");
    this.#attempt = 0;
    this.#setState(this.#everLive ? "reconnecting" : "connecting");
    void this.#connect();
  }

  /**
   * The stream cannot go on (a gap): enter `state`, let `notify` speak, then
   * replace the socket, at once the first time, after a backoff when it keeps happening.
   */
  resync(state: "reconnecting" | "stale", notify: () => void): void {
    this.#setState(state);
    notify();
    this.#teardown(1000, "client resync");
    const delay = this.#attempt === 0 ? 0 : backoffDelay(this.#attempt, this.#backoff);
    this.#attempt++;
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
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
    let url: string;
    try {
      url = await this.#hooks.url(this.#failedOpens);
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
      ws = new this.#WS(url);
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
      if (gen !== this.#gen) return;
      this.#lastHeardAt = Date.now();
      if (event.data !== "pong") this.#hooks.message(event.data);
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

  /** Schedule the next attempt with jittered backoff. */
  #retryLater(): void {
    if (this.#state === "closed") return;
    this.#setState(this.#everLive ? "reconnecting" : "connecting");
    const delay = backoffDelay(this.#attempt++, this.#backoff);
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
    this.#hooks.failure(err);
  }

  #goStale(): void {
    this.resync("stale", () => this.#hooks.stale());
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

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#hooks.state(state);
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
