// The hub's sockets on the Hibernation API: who is watching, sending one
// serialised string to all of them, per-socket limits, reaping the silent and
// those whose session ended. Per-socket identity, session expiry and the last
// frame heard live in the attachment, which survives hibernation; rate-limit
// counters live in memory and simply restart after a wake.
import { CloseCode } from "../protocol/codes.ts";
import type { AccountId } from "../protocol/units.ts";
import { AddressHeader } from "./object-headers.ts";
import { CHECK_SLACK_MS, IDLE_MS, PASS_GAP_MS, type SocketTimes, judgeSocket, nextPass } from "../rules/reaping.ts";

export interface Attachment {
  /** Set at the upgrade from a verified ticket or token; never from a frame. */
  account: AccountId | null;
  /** Only punters bet; an admin's socket watches. */
  canBet: boolean;
  connectedAt: number;
  /** Odds conflation window asked for at connect; 0 for every change as it happens. */
  conflateMs: number;
  /** When the session (token or ticket) the socket opened with ends, in ms; null without one. Closed then with 4003. */
  expiresAt: number | null;
  /**
   * The id of the session the socket opened with (absent for a token from
   * before sessions had ids): its bets' debits carry it, and a logout found
   * there closes the socket with 4003.
   */
  session?: string;
  /** The last frame the object itself received (pings the runtime answers are stamped by the runtime). */
  heardAt?: number;
}

export const FRAMES_PER_SECOND = 20;
/**
 * A replay goes out this many frames a turn; the rest follow on later turns,
 * so a storm of resumes never holds up the live stream to everyone else.
 */
export const REPLAY_PAGE_FRAMES = 64;
/** Bytes that may wait behind a socket's replay (its rest, then live frames); past it the socket is closed. */
export const MAX_HELD_BYTES = 1024 * 1024;

/** Frames waiting for one socket: its replay's rest, then whatever was sent to it meanwhile, in order. */
interface Held {
  frames: string[];
  next: number;
  bytes: number;
}
/** Frames refused in a row for the limit before the socket is closed for flooding. */
export const FLOOD_STRIKES = 40;

const TAG_ALL = "all";
/** Sockets that take every odds frame as it happens; the rest take conflated ones. */
const TAG_LIVE = "live";
const TAG_CONFLATED = "con";
const accountTag = (a: AccountId) => `acct:${a}`;
const addressTag = (address: string) => `ip:${address.slice(0, 64)}`;

/** The times of a socket's last FRAMES_PER_SECOND admitted frames, oldest first, as a ring. */
interface Meter {
  times: number[];
  next: number;
  strikes: number;
}

export type Admit = "ok" | "limited" | "flooding";

export class SocketRoom {
  readonly #ctx: DurableObjectState;
  readonly #meters = new WeakMap<WebSocket, Meter>();
  /** When the next reaping pass is needed: null with no socket; undefined after a wake, until counted. */
  #reapAt: number | null | undefined = undefined;
  #passedAt = 0;
  readonly #held = new Map<WebSocket, Held>();
  #draining = false;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  /**
   * `address`: the client's, from the Worker (AddressHeader), counted by `heldFrom`.
   * `extra` tags group sockets for the caller's own broadcasts (a book view, say).
   */
  accept(ws: WebSocket, attachment: Attachment, address: string | null, extra: string[] = []): void {
    const tags = [TAG_ALL, ...extra];
    if (address) tags.push(addressTag(address));
    if (attachment.account) tags.push(accountTag(attachment.account));
    tags.push(attachment.conflateMs > 0 ? TAG_CONFLATED : TAG_LIVE);
    // acceptWebSocket (not ws.accept) lets the object hibernate with the socket open.
    this.#ctx.acceptWebSocket(ws, tags);
    ws.serializeAttachment(attachment);
    // Never heard from yet: look again when it could first be idle (or its session ends).
    const check = Math.min(attachment.connectedAt + IDLE_MS + CHECK_SLACK_MS, attachment.expiresAt ?? Infinity);
    this.#reapAt = Math.min(this.#reapAt ?? Infinity, check);
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
   * The address a socket upgrade comes from (the Worker's AddressHeader), and
   * whether it already holds its cap of sockets here (MAX_HELD_SOCKETS_PER_ADDRESS).
   */
  heldFrom(request: Request): { address: string | null; full: boolean } {
    const address = request.headers.get(AddressHeader.ADDRESS);
    const max = Number(request.headers.get(AddressHeader.MAX_HELD));
    if (address === null || !Number.isSafeInteger(max) || max <= 0) return { address, full: false };
    return { address, full: this.#ctx.getWebSockets(addressTag(address)).length >= max };
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

  /** Close the account's sockets opened with session `session` (logged out): 4003. */
  closeSession(account: AccountId, session: string): void {
    for (const ws of this.#ctx.getWebSockets(accountTag(account))) {
      if (this.attachment(ws).session === session) this.close(ws, CloseCode.SESSION_EXPIRED, "session ended");
    }
  }

  toAccount(account: AccountId, text: string): void {
    for (const ws of this.#ctx.getWebSockets(accountTag(account))) this.send(ws, text);
  }

  /**
   * One string to one socket, in order after anything still held for it (the
   * rest of its replay): then it joins the queue, and a socket whose queue
   * passes MAX_HELD_BYTES is closed (1013: it may resume later).
   */
  send(ws: WebSocket, text: string): void {
    if (this.#held.size > 0) {
      const held = this.#held.get(ws);
      if (held) {
        held.frames.push(text);
        held.bytes += text.length;
        if (held.bytes > MAX_HELD_BYTES) this.close(ws, CloseCode.TRY_AGAIN_LATER, "too far behind; resume");
        return;
      }
    }
    this.#sendNow(ws, text);
  }

  /**
   * A replay: the first REPLAY_PAGE_FRAMES now, the rest a page a turn (each
   * socket's pages in turn), with every frame sent to the socket meanwhile
   * queued behind them, so the order is the order sent.
   */
  sendPaged(ws: WebSocket, frames: string[]): void {
    const now = Math.min(frames.length, REPLAY_PAGE_FRAMES);
    for (let i = 0; i < now; i++) if (!this.#sendNow(ws, frames[i])) return;
    if (now === frames.length) return;
    // Its own array: frames sent meanwhile are appended to it, never to the caller's.
    const rest = frames.slice(now);
    this.#held.set(ws, { frames: rest, next: 0, bytes: rest.reduce((n, t) => n + t.length, 0) });
    this.#scheduleDrain();
  }

  /** Sockets with frames still held (replays in progress). */
  heldCount(): number {
    return this.#held.size;
  }

  #scheduleDrain(): void {
    if (this.#draining) return;
    this.#draining = true;
    setTimeout(() => this.#drain(), 0);
  }

  /** One page for every socket with frames held; again on the next turn while any are left. */
  #drain(): void {
    this.#draining = false;
    for (const [ws, held] of this.#held) {
      const end = Math.min(held.frames.length, held.next + REPLAY_PAGE_FRAMES);
      let ok = true;
      for (; ok && held.next < end; held.next++) {
        held.bytes -= held.frames[held.next].length;
        ok = this.#sendNow(ws, held.frames[held.next]);
      }
      if (!ok || held.next === held.frames.length) this.#held.delete(ws);
    }
    if (this.#held.size > 0) this.#scheduleDrain();
  }

  #sendNow(ws: WebSocket, text: string): boolean {
    try {
      ws.send(text);
      return true;
    } catch {
      this.close(ws, CloseCode.INTERNAL, "send failed");
      return false;
    }
  }

  close(ws: WebSocket, code: number, reason: string): void {
    this.#held.delete(ws);
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
      m = { times: [], next: 0, strikes: 0 };
      this.#meters.set(ws, m);
    }
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

  /**
   * A frame reached the object: note it in the attachment (so it counts after
   * a wake too). False when the socket's session has ended: it is closed with
   * 4003 and the frame must not be acted on.
   */
  heard(ws: WebSocket, now: number): boolean {
    const a = this.attachment(ws);
    const ends = a.expiresAt ?? null;
    if (ends !== null && now >= ends) {
      this.close(ws, CloseCode.SESSION_EXPIRED, "session expired");
      return false;
    }
    ws.serializeAttachment({ ...a, heardAt: now });
    return true;
  }

  /**
   * When the next reaping pass is needed, for the alarm; null with no socket.
   * After a wake the time is not in memory: the alarm armed before the sleep
   * covers it, so the sweep from now (never earlier than that alarm) is safe.
   */
  reapDue(now: number): number | null {
    if (this.#reapAt === undefined) this.#reapAt = nextPass(now, [], this.count());
    return this.#reapAt;
  }

  /**
   * The reaping pass, on an alarm: when it is due, or at most every
   * PASS_GAP_MS on alarms that run anyway. Closes sockets silent for IDLE_MS
   * (4000) and sockets whose session ended (4003). Returns how many closed.
   */
  reap(now: number): number {
    const due = this.reapDue(now);
    if ((due === null || now < due) && now - this.#passedAt < PASS_GAP_MS) return 0;
    this.#passedAt = now;
    let closed = 0;
    const checks: number[] = [];
    for (const ws of this.#ctx.getWebSockets(TAG_ALL)) {
      const verdict = judgeSocket(this.#times(ws), now);
      if ("checkAt" in verdict) {
        if (verdict.checkAt !== null) checks.push(verdict.checkAt);
        continue;
      }
      if (verdict.close === "expired") this.close(ws, CloseCode.SESSION_EXPIRED, "session expired");
      else this.close(ws, CloseCode.IDLE, "idle: nothing received for 60 s");
      closed++;
    }
    this.#reapAt = nextPass(now, checks, this.count());
    return closed;
  }

  /**
   * For objects whose only timed work is reaping (the relays): arm the alarm
   * for the next pass. `running`: called from the alarm itself, whose alarm is
   * spent; otherwise an alarm armed no later is left alone (one whose time has
   * passed is about to run, and moving it would cancel that run).
   */
  async armReaping(now: number, running: boolean): Promise<void> {
    const due = this.reapDue(now);
    if (due === null) return;
    if (!running) {
      const armed = await this.#ctx.storage.getAlarm();
      if (armed !== null && armed <= due) return;
    }
    await this.#ctx.storage.setAlarm(due);
  }

  /** When the socket was last heard from: the runtime's ping stamp, the last frame, or the connect. */
  #times(ws: WebSocket): SocketTimes {
    const a = this.attachment(ws);
    const pinged = this.#ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? null;
    const spoke = Math.max(pinged ?? 0, a.heardAt ?? 0);
    return { heardAt: Math.max(spoke, a.connectedAt ?? 0), spoke: spoke > 0, expiresAt: a.expiresAt ?? null };
  }
}
