// The base of every Durable Object that holds sockets (the hub, the relays):
// the runtime's entry points written once, each with one try/catch and one
// log line with context, so a bad frame or a failing call never takes the
// object down and a client never sees a stack. Subclasses give the steps
// (`on`); the close handshake and the heartbeat are handled here.
import { DurableObject } from "cloudflare:workers";
import { configOf } from "../config.ts";
import { errorBody } from "../errors.ts";
import { log, setLogLevel } from "../log.ts";
import { ErrorCode } from "../protocol/codes.ts";
import type { ServerFrame } from "../protocol/schemas.ts";
import { SocketRoom } from "./socket-room.ts";

/** A refusal of a socket request, in the contract's error shape. */
export function refuse(status: number, code: ErrorCode, message: string): Response {
  return Response.json(errorBody(code, message), { status });
}

/**
 * What a socket object does at each entry point. Given as an instance field,
 * not as methods: instance fields are not callable over RPC, so the object's
 * public methods stay exactly its RPC API.
 */
export interface SocketHandlers {
  /** Context for every log line (the market id). */
  context(): Record<string, unknown>;
  /** The WebSocket upgrade. */
  request(request: Request): Promise<Response>;
  frame(ws: WebSocket, message: string | ArrayBuffer): Promise<void>;
  /** A socket closed or failed: recount, drop what it had waiting. */
  gone(ws: WebSocket): void;
  alarm(): Promise<void>;
  /** After every alarm, failed or not: arm the next one. */
  afterAlarm(failed: boolean): Promise<void>;
  /** A failed upgrade may have counted a socket that never joined. */
  requestFailed?(): void;
}

export abstract class SocketObject extends DurableObject<Env> {
  /** The object's sockets. An instance field, so not callable over RPC; tests reach it through runInDurableObject. */
  readonly room: SocketRoom;
  /** Names the object in log lines: `hub.fetch`, `relay.alarm`, ... */
  protected abstract readonly kind: string;
  protected abstract readonly on: SocketHandlers;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(configOf(env).logLevel);
    this.room = new SocketRoom(ctx);
    // Heartbeats are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    try {
      return await this.on.request(request);
    } catch (err) {
      log.error(`${this.kind}.fetch`, err, this.on.context());
      this.on.requestFailed?.();
      return refuse(500, ErrorCode.INTERNAL, "the socket could not be opened");
    }
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      // A socket whose session has ended is closed (4003) before its frame is read.
      if (!this.room.heard(ws, Date.now())) return;
      await this.on.frame(ws, message);
    } catch (err) {
      log.error(`${this.kind}.webSocketMessage`, err, this.on.context());
      const frame: ServerFrame = { type: "error", code: ErrorCode.INTERNAL, message: "the frame could not be handled" };
      this.room.send(ws, JSON.stringify(frame));
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      // Reciprocate the close; 1005/1006 are never sent, so answer those with a normal close.
      this.room.close(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
      this.on.gone(ws);
    } catch (err) {
      log.error(`${this.kind}.webSocketClose`, err, this.on.context());
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    try {
      log.warn(`${this.kind}.webSocketError`, { ...this.on.context(), error: String(error) });
      this.on.gone(ws);
    } catch (err) {
      log.error(`${this.kind}.webSocketError`, err, this.on.context());
    }
  }

  override async alarm(): Promise<void> {
    let failed = false;
    try {
      await this.on.alarm();
    } catch (err) {
      failed = true;
      log.error(`${this.kind}.alarm`, err, this.on.context());
    } finally {
      await this.on.afterAlarm(failed);
    }
  }
}
