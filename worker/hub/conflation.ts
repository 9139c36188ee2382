// Odds conflation for sockets that ask for it (`?conflateMs=`): changes inside
// a socket's window merge, latest price wins, and go out as one `odds` frame
// flagged `con: true`. Status and settlement frames are never merged: the
// buffer is flushed ahead of them, so order holds.
import type { OddsFrame } from "../protocol/schemas.ts";

interface Pending {
  odds: Record<string, number>;
  seq: number;
  ts: number;
  timer: ReturnType<typeof setTimeout>;
}

export class Conflator {
  readonly #pending = new Map<WebSocket, Pending>();
  readonly #send: (ws: WebSocket, text: string) => void;

  constructor(send: (ws: WebSocket, text: string) => void) {
    this.#send = send;
  }

  add(ws: WebSocket, windowMs: number, frame: OddsFrame): void {
    const p = this.#pending.get(ws);
    if (p) {
      Object.assign(p.odds, frame.odds);
      p.seq = frame.seq;
      p.ts = frame.ts;
      return;
    }
    const timer = setTimeout(() => this.flush(ws), windowMs);
    this.#pending.set(ws, { odds: { ...frame.odds }, seq: frame.seq, ts: frame.ts, timer });
  }

  /** Send what the socket has waiting now (before a status frame, or when its window ends). */
  flush(ws: WebSocket): void {
    const p = this.#pending.get(ws);
    if (!p) return;
    clearTimeout(p.timer);
    this.#pending.delete(ws);
    const frame = { type: "odds", seq: p.seq, ts: p.ts, odds: p.odds, con: true } satisfies OddsFrame;
    this.#send(ws, JSON.stringify(frame));
  }

  flushAll(): void {
    for (const ws of [...this.#pending.keys()]) this.flush(ws);
  }

  drop(ws: WebSocket): void {
    const p = this.#pending.get(ws);
    if (p) clearTimeout(p.timer);
    this.#pending.delete(ws);
  }
}
