// One measuring subscriber: a raw `ws` socket (no permessage-deflate) that
// stamps every odds frame with performance.now() as its event fires, reads
// `seq` straight from the bytes (no JSON.parse on the hot path, so the load
// generator costs the same per frame whichever server it watches), checks
// that seq rises by one, and can count the bytes its TCP socket received.
// Speaks three dialects: the hub's socket, a plain relay (reference object,
// `ws` peer) and Socket.IO's engine.io v4 framing over a bare WebSocket.
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";
import WebSocket from "ws";

export type Dialect = "edgebook" | "plain" | "socket.io";

export interface SubscriberOptions {
  url: string;
  dialect: Dialect;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Resuming: the seq this socket had (frames after it must follow on, without a gap). */
  since?: number;
  onOdds?: (seq: number, at: number) => void;
}

const PING_EVERY_MS = 20_000;
const SEQ = Buffer.from('"seq":');
const ODDS = Buffer.from('"type":"odds"');
const SNAPSHOT = Buffer.from('"type":"snapshot"');

/** The integer after the first `"seq":` in the frame, or -1. */
export function seqOf(buf: Buffer): number {
  const i = buf.indexOf(SEQ);
  if (i < 0) return -1;
  let n = 0;
  let digits = 0;
  for (let j = i + SEQ.length; j < buf.length; j++) {
    const c = buf[j];
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    digits++;
  }
  return digits > 0 ? n : -1;
}

export class Subscriber {
  readonly dialect: Dialect;
  /** The socket.io-client connection, for the one subscriber per run that uses the real client. */
  readonly ws: WebSocket | null;
  /** The TCP socket under the WebSocket, for byte counts. */
  tcp: Socket | null = null;
  extensions = "";
  lastSeq = -1;
  gaps = 0;
  duplicates = 0;
  oddsFrames = 0;
  otherFrames = 0;
  /** WebSocket payload bytes of every frame counted in oddsFrames and otherFrames. */
  payloadBytes = 0;
  /** For the hub: the seq and epoch of the snapshot, when one came. */
  snapshot: { seq: number; epoch: string } | null = null;
  /** When the first frame (of any kind) arrived: the socket is live. */
  firstFrameAt: number | null = null;
  /** What the first frame was: a snapshot, an odds change (a resume's replay), or anything else. */
  firstKind: "snapshot" | "odds" | "other" | null = null;
  /** The first odds frame's seq after opening (a resume must continue from `since`). */
  firstOddsSeq: number | null = null;
  closed: string | null = null;
  readonly #close: (hard: boolean) => void;

  constructor(dialect: Dialect, ws: WebSocket | null, close: (hard: boolean) => void) {
    this.dialect = dialect;
    this.ws = ws;
    this.#close = close;
  }

  bytesRead(): number {
    return this.tcp?.bytesRead ?? NaN;
  }

  /** Close with a close handshake. */
  close(): void {
    this.#close(false);
  }

  /** Drop the TCP connection at once, with no close frame: what a lost network looks like. */
  terminate(): void {
    this.#close(true);
  }

  odds(seq: number, at: number, onOdds: SubscriberOptions["onOdds"]): void {
    this.oddsFrames++;
    this.firstOddsSeq ??= seq;
    if (seq <= this.lastSeq) this.duplicates++;
    else if (this.lastSeq >= 0 && seq !== this.lastSeq + 1) this.gaps++;
    this.lastSeq = Math.max(this.lastSeq, seq);
    onOdds?.(seq, at);
  }
}

/** Open a raw-`ws` subscriber; resolves once it is live (see `dialect`), rejects on refusal or timeout. */
export function openSubscriber(opts: SubscriberOptions): Promise<Subscriber> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const ws = new WebSocket(opts.url, {
    headers: opts.headers,
    perMessageDeflate: false,
    handshakeTimeout: timeoutMs,
    // Same saving for every server: the frames are ASCII JSON the benchmark only scans.
    skipUTF8Validation: true,
  });
  const sub = new Subscriber(opts.dialect, ws, (hard) => (hard ? ws.terminate() : ws.close(1000, "bench done")));
  if (opts.since !== undefined) sub.lastSeq = opts.since;
  ws.on("upgrade", (res) => {
    sub.tcp = res.socket;
  });

  return new Promise((resolve, reject) => {
    let live = false;
    const becomeLive = () => {
      if (live) return;
      live = true;
      clearTimeout(timer);
      sub.extensions = ws.extensions;
      resolve(sub);
    };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${opts.url}: not live within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    const ping =
      opts.dialect === "socket.io"
        ? null
        : setInterval(() => {
            if (ws.readyState === WebSocket.OPEN) ws.send("ping");
          }, PING_EVERY_MS);
    ping?.unref();

    // The reference object and the `ws` peer send nothing first: open is live
    // (both register the socket before the 101 goes out).
    if (opts.dialect === "plain") ws.once("open", becomeLive);

    ws.on("message", (data: Buffer, isBinary) => {
      const at = performance.now();
      if (isBinary) return;
      sub.firstFrameAt ??= at;
      if (opts.dialect === "socket.io") {
        // engine.io v4: 0 open, 2 ping, 4 message; socket.io: 0 connect, 2 event.
        const c0 = data[0];
        if (c0 === 0x32 && data.length === 1) {
          ws.send("3");
          return;
        }
        if (c0 === 0x30) {
          ws.send("40");
          return;
        }
        if (c0 === 0x34 && data[1] === 0x30) {
          becomeLive();
          return;
        }
      }
      sub.payloadBytes += data.length;
      if (data.indexOf(ODDS) >= 0) {
        sub.firstKind ??= "odds";
        sub.odds(seqOf(data), at, opts.onOdds);
      } else if (opts.dialect === "edgebook" && sub.snapshot === null && data.indexOf(SNAPSHOT) >= 0) {
        sub.firstKind ??= "snapshot";
        const frame = JSON.parse(data.toString("utf8")) as { seq: number; epoch: string };
        sub.snapshot = { seq: frame.seq, epoch: frame.epoch };
        sub.lastSeq = frame.seq;
        sub.otherFrames++;
      } else {
        sub.firstKind ??= "other";
        sub.otherFrames++;
      }
      // The hub's first frame is a snapshot, a replay or (resuming with nothing missed) the viewer count.
      if (opts.dialect === "edgebook") becomeLive();
    });
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`${opts.url}: refused with HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on("close", (code, reason) => {
      if (ping) clearInterval(ping);
      clearTimeout(timer);
      sub.closed = `${code} ${reason.toString()}`;
      if (!live) reject(new Error(`${opts.url}: closed before live (${sub.closed})`));
    });
  });
}

/**
 * A subscriber on the real socket.io-client (WebSocket transport only): one
 * per Socket.IO run, to show the raw-`ws` dialect above speaks the same
 * protocol the official client does. Counted like the others; no byte count.
 */
export function openSocketIoClient(base: string, opts: { timeoutMs?: number; onOdds?: SubscriberOptions["onOdds"] }): Promise<Subscriber> {
  const socket = io(base, { transports: ["websocket"], reconnection: false, forceNew: true, timeout: opts.timeoutMs ?? 15_000 });
  const sub = new Subscriber("socket.io", null, () => socket.disconnect());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error(`socket.io-client: not connected within ${opts.timeoutMs ?? 15_000} ms`));
    }, opts.timeoutMs ?? 15_000);
    timer.unref();
    socket.on("odds", (frame: { seq: number }) => sub.odds(frame.seq, performance.now(), opts.onOdds));
    socket.once("connect", () => {
      clearTimeout(timer);
      sub.firstFrameAt = performance.now();
      resolve(sub);
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("disconnect", (reason) => {
      sub.closed = reason;
    });
  });
}

/** Close every subscriber and wait (bounded) for the closes; stragglers are dropped. */
export async function closeSubscribers(subs: Subscriber[], timeoutMs = 3_000): Promise<void> {
  const closed = subs.map(
    (s) =>
      new Promise<void>((done) => {
        if (s.ws === null || s.ws.readyState === WebSocket.CLOSED) {
          s.close();
          return done();
        }
        s.ws.once("close", () => done());
        s.close();
      }),
  );
  const timer = new Promise<void>((done) => setTimeout(done, timeoutMs).unref());
  await Promise.race([Promise.all(closed), timer]);
  for (const s of subs) if (s.ws && s.ws.readyState !== WebSocket.CLOSED) s.terminate();
}
