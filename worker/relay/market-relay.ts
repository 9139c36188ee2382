// A relay Durable Object: holds viewers' sockets for a market whose hub is
// full, and forwards the hub's frames to them as the same strings. The first
// frames (replay or snapshot) come from the hub's log; the relay keeps the
// last seq it forwarded, so a gap (a lost publish) is filled from the log and
// nothing is ever skipped.
import { log } from "../log.ts";
import { CloseCode, ErrorCode, RejectReason } from "../protocol/codes.ts";
import type { ServerFrame } from "../protocol/schemas.ts";
import type { Published } from "../hub/relay-fanout.ts";
import { screenFrame } from "../platform/frame-screening.ts";
import { RelayHeader } from "../platform/object-headers.ts";
import { type SocketHandlers, SocketObject, refuse } from "../platform/socket-object.ts";

const RECENT = 512;
const REPORT_AFTER_MS = 300;

export class MarketRelay extends SocketObject {
  protected readonly kind = "relay";
  readonly #sql: SqlStorage;
  #marketId: string | null = null;
  #index = 0;
  #lastSeq: number | null;
  /** The newest forwarded change frames, so a socket that joins mid-call misses none. */
  readonly #recent: Published[] = [];
  #reportTimer: ReturnType<typeof setTimeout> | null = null;
  /** Sockets told the viewer count on joining, and when: the hub's next count, if the same within a second, is not sent again. */
  readonly #told = new Map<WebSocket, { text: string; at: number }>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    const rows = this.#sql.exec("SELECT k, v FROM meta").toArray();
    const meta = Object.fromEntries(rows.map((r) => [r.k as string, r.v as string]));
    this.#marketId = meta.market ?? null;
    this.#index = Number(meta.index ?? 0);
    this.#lastSeq = meta.lastSeq !== undefined ? Number(meta.lastSeq) : null;
  }

  #hub() {
    if (!this.#marketId) throw new Error("relay used before its market was named");
    return this.env.MARKET_HUB.getByName(this.#marketId);
  }

  #remember(key: string, value: string | number): void {
    this.#sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", key, String(value));
  }

  protected readonly on: SocketHandlers = {
    context: () => ({ market: this.#marketId }),
    request: (request) => this.#join(request),
    requestFailed: () => this.#report(),
    frame: async (ws, message) => {
      // The hub's own screening (size, heartbeat, rate limit, schema); a bet that passes is refused: viewers only watch.
      const frame = screenFrame(this.room, ws, message);
      if (!frame) return;
      const reply: ServerFrame =
        frame.type === "cashout"
          ? { type: "cashout", id: frame.id, betId: frame.betId, status: "rejected", reason: "NOT_OPEN_BET" }
          : { type: "bet", id: frame.id, status: "rejected", reason: RejectReason.UNAUTHENTICATED };
      this.room.send(ws, JSON.stringify(reply));
    },
    gone: (ws) => {
      this.#told.delete(ws);
      this.#report();
    },
    // Reap as the hub does (rules/reaping.ts): the relay's alarm is for reaping alone.
    alarm: async () => {
      if (this.room.reap(Date.now()) > 0) this.#report();
    },
    afterAlarm: () => this.room.armReaping(Date.now(), true),
  };

  async #join(request: Request): Promise<Response> {
    const market = request.headers.get(RelayHeader.MARKET);
    if (!market) return refuse(400, ErrorCode.INVALID, "no market named");
    if (this.#marketId !== market) {
      this.#marketId = market;
      this.#index = Number(request.headers.get(RelayHeader.INDEX) ?? 0);
      this.#remember("market", market);
      this.#remember("index", this.#index);
    }
    const { address, full } = this.room.heldFrom(request);
    // The hub counted this viewer when it placed it here: a refusal recounts.
    if (full) {
      this.#report();
      return refuse(429, ErrorCode.RATE_LIMITED, "too many sockets held from this address");
    }
    const url = new URL(request.url);
    const since = url.searchParams.get("since");
    // The hub answers from its log up to its current seq; publishes that land
    // meanwhile (the input gate opens while the call is out) are forwarded to
    // the sockets already here and wait in #recent for this one. The hub
    // counted this socket when it placed it here.
    const position = since !== null && /^\d{1,15}$/.test(since) ? Number(since) : null;
    const first = await this.#hub().firstFrames(position, url.searchParams.get("epoch"), true, address);
    await this.#catchUp(first.seq);
    // From here to the return nothing awaits, so no publish can slip in between
    // the first frames and the catch-up: the socket joins the room only now,
    // and its first frame is the replay or snapshot, never a live change.
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.room.accept(server, { account: null, canBet: false, connectedAt: Date.now(), conflateMs: 0, expiresAt: null }, address);
    // A long replay goes out a page a turn; what follows here queues behind it.
    this.room.sendPaged(server, first.frames);
    let upTo = first.seq;
    for (const f of this.#recent) {
      if (f.seq === null || f.seq <= upTo) continue;
      // More publishes landed during the call than #recent holds: let the client resume.
      if (f.seq !== upTo + 1) return this.#resumeLater(server, client);
      this.room.send(server, f.text);
      upTo = f.seq;
    }
    // Another join moved the relay past this socket's first frames without keeping what lies between.
    if (this.#lastSeq !== null && upTo < this.#lastSeq) return this.#resumeLater(server, client);
    this.room.send(server, first.viewers);
    this.#told.set(server, { text: first.viewers, at: Date.now() });
    this.#report();
    await this.room.armReaping(Date.now(), false);
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * The socket could not be brought up to date without a gap: close it at once
   * so the client resumes from the seq it has, and recount the viewers.
   */
  #resumeLater(server: WebSocket, client: WebSocket): Response {
    this.room.close(server, CloseCode.INTERNAL, "fell behind while joining; resume");
    this.#report();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Frames from the hub, in order. A jump in seq means frames were lost on the way: fetch them first. */
  async publish(frames: Published[]): Promise<void> {
    for (const f of frames) {
      if (f.seq === null) {
        this.#viewers(f.text);
        continue;
      }
      if (this.#lastSeq !== null && f.seq <= this.#lastSeq) continue;
      if (this.#lastSeq !== null && f.seq > this.#lastSeq + 1) {
        const missing = await this.#hub().framesBetween(this.#lastSeq, f.seq - 1);
        for (const m of missing) this.#forward(m);
      }
      this.#forward(f);
    }
    if (this.#lastSeq !== null) this.#remember("lastSeq", this.#lastSeq);
  }

  /**
   * Before a socket joins at the hub's `seq`, bring the relay itself there, so a
   * publish still on its way from the hub is not sent to the new socket after
   * first frames that already hold it. With nobody watching yet, nothing needs
   * the frames in between; otherwise they go to the sockets here first.
   */
  async #catchUp(seq: number): Promise<void> {
    if (this.#lastSeq !== null && this.#lastSeq >= seq) return;
    if (this.#lastSeq === null || this.room.count() === 0) {
      this.#lastSeq = seq;
    } else {
      const missing = await this.#hub().framesBetween(this.#lastSeq, seq);
      for (const m of missing) this.#forward(m);
    }
    this.#remember("lastSeq", this.#lastSeq!);
  }

  #forward(f: Published): void {
    if (f.seq === null || (this.#lastSeq !== null && f.seq <= this.#lastSeq)) return;
    this.#lastSeq = f.seq;
    this.#recent.push(f);
    if (this.#recent.length > RECENT) this.#recent.shift();
    this.room.broadcast(f.text, true);
  }

  /** The hub's viewer count to every socket, but not again to one told the same on joining within the second. */
  #viewers(text: string): void {
    const now = Date.now();
    for (const [ws, told] of this.#told) if (told.at + 1000 <= now) this.#told.delete(ws);
    if (this.#told.size === 0) return this.room.broadcast(text, true);
    for (const ws of this.room.all()) if (this.#told.get(ws)?.text !== text) this.room.send(ws, text);
  }

  /** Tell the hub how many watch here, a moment after the last change. */
  #report(): void {
    if (this.#reportTimer !== null || !this.#marketId) return;
    this.#reportTimer = setTimeout(() => {
      this.#reportTimer = null;
      this.#hub()
        .relayViewers(this.#index, this.room.count())
        .catch((err) => log.warn("relay.report", { market: this.#marketId, error: String(err) }));
    }, REPORT_AFTER_MS);
  }
}
