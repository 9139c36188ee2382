// A benchmark client's market socket: opens with a timeout, stamps every
// frame with its receive time before parsing it, resolves once the first
// snapshot is in, and sends the contract's `ping` heartbeat every 20 s.
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import type { ServerFrame, SnapshotFrame } from "../../worker/protocol/schemas.ts";

export interface SocketOptions {
  token?: string;
  /** Offer permessage-deflate (off by default: the benchmarks measure the hub, not zlib). */
  deflate?: boolean;
  timeoutMs?: number;
  /** Every frame after the snapshot, with performance.now() taken as the frame event fired. */
  onFrame?: (frame: ServerFrame, at: number) => void;
  onClose?: (code: number, reason: string) => void;
}

export interface MarketSocket {
  ws: WebSocket;
  snapshot: SnapshotFrame;
  /** The Sec-WebSocket-Extensions the server agreed to ("" for none). */
  extensions: string;
  send(frame: unknown): void;
  close(): void;
}

const PING_EVERY_MS = 20_000;

export function openMarketSocket(base: string, marketId: string, opts: SocketOptions = {}): Promise<MarketSocket> {
  const url = `${base.replace(/^http/, "ws")}/api/markets/${marketId}/ws`;
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const ws = new WebSocket(url, { headers, perMessageDeflate: opts.deflate === true, handshakeTimeout: opts.timeoutMs ?? 10_000 });

  return new Promise((resolve, reject) => {
    let snapshot: SnapshotFrame | null = null;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no snapshot from ${marketId} within ${opts.timeoutMs ?? 10_000} ms`));
    }, opts.timeoutMs ?? 10_000);
    timer.unref();
    const ping = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send("ping");
    }, PING_EVERY_MS);
    ping.unref();

    ws.on("message", (data, isBinary) => {
      const at = performance.now();
      if (isBinary) return;
      const text = data.toString();
      if (text === "pong") return;
      const frame = JSON.parse(text) as ServerFrame;
      if (snapshot === null) {
        if (frame.type !== "snapshot") return;
        snapshot = frame;
        clearTimeout(timer);
        resolve({
          ws,
          snapshot,
          extensions: ws.extensions,
          send: (f) => ws.send(typeof f === "string" ? f : JSON.stringify(f)),
          close: () => ws.close(1000, "bench done"),
        });
        return;
      }
      opts.onFrame?.(frame, at);
    });
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`socket refused: HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on("close", (code, reason) => {
      clearInterval(ping);
      clearTimeout(timer);
      if (snapshot === null) reject(new Error(`socket closed before its snapshot (${code} ${reason.toString()})`));
      opts.onClose?.(code, reason.toString());
    });
  });
}

/** Close every socket and wait (bounded) for the closes to finish. */
export async function closeAll(sockets: MarketSocket[], timeoutMs = 3_000): Promise<void> {
  const closed = sockets.map(
    (s) =>
      new Promise<void>((done) => {
        if (s.ws.readyState === WebSocket.CLOSED) return done();
        s.ws.once("close", () => done());
        s.close();
      }),
  );
  const timer = new Promise<void>((done) => setTimeout(done, timeoutMs).unref());
  await Promise.race([Promise.all(closed), timer]);
  for (const s of sockets) if (s.ws.readyState !== WebSocket.CLOSED) s.ws.terminate();
}
