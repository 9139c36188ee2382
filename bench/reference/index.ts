// The reference relay: a Worker and one Durable Object that only relays a
// prebuilt string to its hibernatable sockets. It is the floor a broadcast
// costs on workerd, against which the market hub's cost per delivery is read.
//
//   GET  /ws       WebSocket upgrade; the socket joins the room
//   POST /publish  the body, as it is, goes to every socket in the room
//
// Written against the runtime's globals without importing `cloudflare:workers`,
// so it type-checks under the Node config that covers bench/ (the few runtime
// shapes it touches are declared below).

interface RoomState {
  acceptWebSocket(ws: WebSocket): void;
  getWebSockets(): WebSocket[];
  setWebSocketAutoResponse(pair: unknown): void;
}
interface RoomNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(request: Request): Promise<Response> };
}
interface Env {
  ROOM: RoomNamespace;
}
declare const WebSocketPair: new () => { 0: WebSocket; 1: WebSocket };
declare const WebSocketRequestResponsePair: new (request: string, response: string) => unknown;

export class Room {
  readonly #state: RoomState;

  constructor(state: RoomState) {
    this.#state = state;
    // Heartbeats are answered by the runtime, as in the hub, without waking the object.
    state.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() === "websocket") {
      const pair = new WebSocketPair();
      // acceptWebSocket, as in the hub: the object may hibernate with its sockets open.
      this.#state.acceptWebSocket(pair[1]);
      return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
    }
    const text = await request.text();
    let sent = 0;
    for (const ws of this.#state.getWebSockets()) {
      try {
        ws.send(text);
        sent++;
      } catch {
        // A socket that is closing: the rest go on.
      }
    }
    return Response.json({ sent });
  }

  webSocketMessage(): void {}

  webSocketClose(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    const routed = (pathname === "/ws" && request.method === "GET") || (pathname === "/publish" && request.method === "POST");
    if (!routed) return new Response("not found", { status: 404 });
    return env.ROOM.get(env.ROOM.idFromName("bench")).fetch(request);
  },
};
