// The hub's sockets on the Hibernation API: who is watching, sending one
// serialised string to all of them, per-socket limits, reaping the silent.
// Per-socket identity lives in the attachment, which survives hibernation;
// rate-limit counters live in memory and simply restart after a wake.
import { CloseCode } from "../protocol/codes.ts";
import type { AccountId } from "../protocol/units.ts";

export interface Attachment {
  /** Set at the upgrade from a verified ticket or token; never from a frame. */
  account: AccountId | null;
  /** Only punters bet; an admin's socket watches. */
  canBet: boolean;
  connectedAt: number;
  /** Odds conflation window asked for at connect; 0 for every change as it happens. */
  conflateMs: number;
}

export const FRAMES_PER_SECOND = 20;
/** Frames refused in a row for the limit before the socket is closed for flooding. */
export const FLOOD_STRIKES = 40;
export const IDLE_MS = 60_000;
export const REAP_EVERY_MS = 30_000;

const TAG_ALL = "all";
/** Sockets that take every odds frame as it happens; the rest take conflated ones. */
const TAG_LIVE = "live";
const TAG_CONFLATED = "con";
const accountTag = (a: AccountId) => `acct:${a}`;

/** The times of a socket's last FRAMES_PER_SECOND admitted frames, oldest first, as a ring. */
interface Meter {
  times: number[];
  next: number;
  strikes: number;
  lastMessageAt: number;
}

export type Admit = "ok" | "limited" | "flooding";

export class SocketRoom {
  readonly #ctx: DurableObjectState;
  readonly #meters = new WeakMap<WebSocket, Meter>();

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  /** `extra` tags group sockets for the caller's own broadcasts (a book view, say). */
  accept(ws: WebSocket, attachment: Attachment, extra: string[] = []): void {
    const tags = [TAG_ALL, ...extra];
    if (attachment.account) tags.push(accountTag(attachment.account));
    tags.push(attachment.conflateMs > 0 ? TAG_CONFLATED : TAG_LIVE);
    // acceptWebSocket (not ws.accept) lets the object hibernate with the socket open.
    this.#ctx.acceptWebSocket(ws, tags);
    ws.serializeAttachment(attachment);
  }

  attachment(ws: WebSocket): Attachment {
    return ws.deserializeAttachment() as Attachment;
  }

  all(): WebSocket[] {
    return this.#ctx.getWebSockets(TAG_ALL);
  }

  tagged(tag: string): WebSocket[] {
    return this.#ctx.getWebSockets(tag);
  }

  count(): number {
    return this.#ctx.getWebSockets(TAG_ALL).length;
  }

  countFor(account: AccountId): number {
    return this.#ctx.getWebSockets(accountTag(account)).length;
  }

  /**
   * One string to every socket (or only to those not conflating odds); a
   * socket that fails is closed and the rest go on. The runtime's tag index
   * picks the sockets: no per-socket test on the hot path.
   */
  broadcast(text: string, includeConflated: boolean): void {
    for (const ws of this.#ctx.getWebSockets(includeConflated ? TAG_ALL : TAG_LIVE)) this.send(ws, text);
  }

  conflated(): WebSocket[] {
    return this.#ctx.getWebSockets(TAG_CONFLATED);
  }

  toAccount(account: AccountId, text: string): void {
    for (const ws of this.#ctx.getWebSockets(accountTag(account))) this.send(ws, text);
  }

  send(ws: WebSocket, text: string): void {
    try {
      ws.send(text);
    } catch {
      this.close(ws, CloseCode.INTERNAL, "send failed");
    }
  }

  close(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code, reason);
    } catch {
      // Already closing or closed: nothing more to do.
    }
  }

  /**
   * A sliding one-second window, exact: a frame is admitted when fewer than
   * FRAMES_PER_SECOND frames were admitted in the second before it. A client
   * that paces itself at 20 a second is never refused, and no second ever
   * admits 21.
   */
  admit(ws: WebSocket, now: number): Admit {
    let m = this.#meters.get(ws);
    if (!m) {
      m = { times: [], next: 0, strikes: 0, lastMessageAt: now };
      this.#meters.set(ws, m);
    }
    m.lastMessageAt = now;
    if (m.times.length < FRAMES_PER_SECOND) {
      m.times.push(now);
      return "ok";
    }
    // m.times[m.next] is the oldest of the last FRAMES_PER_SECOND admitted frames.
    if (now - m.times[m.next] >= 1000) {
      m.times[m.next] = now;
      m.next = (m.next + 1) % FRAMES_PER_SECOND;
      m.strikes = 0;
      return "ok";
    }
    m.strikes++;
    return m.strikes > FLOOD_STRIKES ? "flooding" : "limited";
  }

  /** Close sockets that have sent nothing, not even a ping, for IDLE_MS. Returns how many. */
  reap(now: number): number {
    let closed = 0;
    for (const ws of this.#ctx.getWebSockets(TAG_ALL)) {
      const pinged = this.#ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      const spoke = this.#meters.get(ws)?.lastMessageAt ?? 0;
      const connected = this.attachment(ws)?.connectedAt ?? 0;
      if (now - Math.max(pinged, spoke, connected) > IDLE_MS) {
        this.close(ws, CloseCode.IDLE, "idle: no ping for 60 s");
        closed++;
      }
    }
    return closed;
  }
}
