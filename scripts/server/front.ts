// The public port of the local server: the one place that knows the TCP peer.
// workerd's own entry keeps a client-sent CF-Connecting-IP and reads a
// client-sent MF-CF-Blob header as the request's `cf`, so this front stands
// in for Cloudflare's edge in front of it, in the same process as the runtime:
//
// - Node's strict HTTP parser; every address header a client can write
//   (CF-Connecting-IP, MF-*, X-Forwarded-*, Forwarded, ...) is dropped and
//   CF-Connecting-IP is set from the peer of the connection.
// - A WebSocket upgrade is forwarded on a connection of its own and switched
//   to byte piping only after the Worker answers 101. Any other answer goes
//   back with `Connection: close` and the client's connection is closed:
//   nothing after an upgrade request is ever parsed as another request.
// - Timeouts for headers, for the whole request with its body, and for an
//   upgrade's answer; an upstream request is aborted when its client goes.
// - A cap on concurrent connections per client address.
// - Bodies framed explicitly to the Worker: a body on GET, HEAD, DELETE or
//   OPTIONS is refused, and a chunked body is forwarded chunked, so no byte of
//   a body can ever be read upstream as the start of another request.
// - Pipelined requests forwarded one at a time per connection (at most
//   MAX_PIPELINED waiting), and a connection whose client stops reading is
//   closed after `stallTimeoutMs`: a slow reader holds one upstream request.
import http from "node:http";
import type net from "node:net";

export interface FrontOptions {
  port: number;
  host: string;
  /** workerd's entry (loopback) behind the front: the page and its assets. */
  upstreamPort: number;
  /**
   * The Worker's own socket (loopback), where every /api request goes
   * straight to the Worker's fetch handler; the entry's port when absent.
   */
  apiPort?: number;
  /**
   * A secret the Worker shares with this front (its FRONT_KEY variable): sent
   * on every forwarded request, so a request straight to workerd's loopback
   * entry, which could claim any CF-Connecting-IP, is refused there.
   */
  frontKey: string;
  /** Concurrent connections one address may hold; more are closed at once. */
  maxConnectionsPerAddress: number;
  /** Time for a request's headers, and for the whole request with its body. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Time the Worker has to answer a socket upgrade. */
  upgradeTimeoutMs: number;
  /** A plain HTTP connection on which no byte moves either way for this long is closed. */
  stallTimeoutMs: number;
  /**
   * Bytes from the Worker that may wait for a socket's client (beyond what the
   * kernel holds); a client that stops reading is closed past it, so a stalled
   * reader never piles frames up in this process or in workerd.
   */
  maxUnsentBytes: number;
}

export const FRONT_DEFAULTS = {
  maxConnectionsPerAddress: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  upgradeTimeoutMs: 10_000,
  stallTimeoutMs: 20_000,
  maxUnsentBytes: 1024 * 1024,
} satisfies Partial<FrontOptions>;

/** Plain requests forwarded to workerd at once, over all clients. */
export const MAX_UPSTREAM = 512;
/** Requests one connection may have waiting behind the one being answered. */
export const MAX_PIPELINED = 8;
/** Methods whose requests never carry a body in this API. */
const BODYLESS = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

/** Headers a client could use to claim an address or steer the local runtime. */
const CLIENT_ADDRESS_HEADER = /^(cf-connecting-ip|cf-ipcountry|cf-ray|cf-visitor|true-client-ip|x-real-ip|x-forwarded-[a-z-]+|forwarded|mf-[a-z0-9-]+|x-edgebook-front)$/;
/** The header that carries the front's key to the Worker (worker/http/client-address.ts). */
export const FRONT_KEY_HEADER = "x-edgebook-front";
/** Hop-by-hop headers: they describe one connection and never cross the front. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings"]);

export function peerAddress(socket: net.Socket): string {
  const a = socket.remoteAddress ?? "unknown";
  return a.startsWith("::ffff:") ? a.slice(7) : a;
}

/** The request's headers as the Worker gets them: no client address headers, no hop-by-hop ones, the peer's address and the front's key. */
function forwardedHeaders(req: http.IncomingMessage, frontKey: string): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || CLIENT_ADDRESS_HEADER.test(name)) continue;
    out[name] = value;
  }
  // An Origin header that is present but empty names no origin: it reaches the Worker as the opaque
  // origin "null" (refused like any origin not allowed) rather than vanishing on the way.
  if (req.headers.origin === "") out.origin = "null";
  out["cf-connecting-ip"] = peerAddress(req.socket);
  out[FRONT_KEY_HEADER] = frontKey;
  return out;
}

/** A response's raw header pairs without hop-by-hop headers (but `keep`) and without `drop`. */
function responseHeaders(raw: string[], keep: string[] = [], drop: string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if ((HOP_BY_HOP.has(name) && !keep.includes(name)) || drop.includes(name)) continue;
    out.push(raw[i], raw[i + 1]);
  }
  return out;
}

function headBlock(status: number, message: string, raw: string[]): string {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/** Answer on a raw socket and close it: the last thing said on that connection. */
function answerAndClose(socket: net.Socket, status: number, message: string, headers: string[], body: Buffer): void {
  if (socket.destroyed) return;
  const raw = [...headers, "Content-Length", String(body.length), "Connection", "close"];
  socket.end(Buffer.concat([Buffer.from(headBlock(status, message, raw)), body]));
  // A client that does not read its answer must not keep the connection.
  setTimeout(() => socket.destroy(), 2_000).unref();
}

function refuse(socket: net.Socket, status: number, code: string, message: string): void {
  const body = Buffer.from(JSON.stringify({ error: { code, message } }));
  answerAndClose(socket, status, http.STATUS_CODES[status] ?? "Error", ["Content-Type", "application/json"], body);
}

const MAX_REFUSAL_BODY = 64 * 1024;

export interface Front {
  server: http.Server;
  /** Stop listening and close every connection, sockets included; bounded. */
  close(): Promise<void>;
}

export function startFront(opts: FrontOptions): Promise<Front> {
  // At most MAX_UPSTREAM plain requests at once reach workerd; more wait their turn here instead of
  // opening a connection each (a burst of thousands ran workerd out of file descriptors).
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64, maxSockets: MAX_UPSTREAM });
  const server = http.createServer({
    headersTimeout: opts.headersTimeoutMs,
    requestTimeout: opts.requestTimeoutMs,
    // How often Node checks those two timeouts (default 30 s).
    connectionsCheckingInterval: 1_000,
    keepAliveTimeout: 5_000,
    // A book socket may name up to 500 ids of up to 64 characters in its URL (about 33 KB).
    maxHeaderSize: 48 * 1024,
    requireHostHeader: true,
    insecureHTTPParser: false,
  });

  /** /api requests to the Worker's own socket, the rest to the entry (which serves assets). */
  const portFor = (url: string | undefined): number => (opts.apiPort !== undefined && url !== undefined && (url === "/api" || url.startsWith("/api/") || url.startsWith("/api?")) ? opts.apiPort : opts.upstreamPort);
  const perAddress = new Map<string, number>();
  /** Client connections handed to an upgrade: the HTTP server no longer tracks them. */
  const upgraded = new Set<net.Socket>();
  /** Connections past the per-address cap: answered 429 and closed, never forwarded. */
  const overCap = new WeakSet<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    const address = peerAddress(socket);
    const n = (perAddress.get(address) ?? 0) + 1;
    if (n > opts.maxConnectionsPerAddress) {
      // Said before anything is read, so the client can tell a limit from a failure; then closed.
      // Nothing the client sends on it is ever forwarded (see `overCap` in the handlers below).
      overCap.add(socket);
      socket.on("error", () => socket.destroy());
      refuse(socket, 429, "RATE_LIMITED", "too many connections from this address");
      return;
    }
    perAddress.set(address, n);
    socket.once("close", () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });

  // A request Node's parser refuses still gets the contract's JSON error, then the connection closes.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: net.Socket) => {
    if (err.code === "ECONNRESET" || !socket.writable) return void socket.destroy();
    if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return refuse(socket, 408, "INVALID", "the request took too long");
    const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
    refuse(socket, tooLarge ? 431 : 400, "INVALID", tooLarge ? "request headers over 48 KiB" : "malformed HTTP request");
  });

  // Idle plain connections and clients that stop reading their answers: closed (upgraded sockets opt out below).
  server.setTimeout(opts.stallTimeoutMs);

  /** Per connection: the answer in progress, and how many requests wait behind it. */
  const lines = new WeakMap<net.Socket, { turn: Promise<void>; waiting: number }>();
  server.on("request", (req, res) => {
    if (overCap.has(req.socket)) return void req.socket.destroy();
    const line = lines.get(req.socket) ?? { turn: Promise.resolve(), waiting: 0 };
    lines.set(req.socket, line);
    if (line.waiting >= MAX_PIPELINED) {
      req.socket.destroy();
      return;
    }
    line.waiting++;
    line.turn = line.turn.then(
      () =>
        new Promise<void>((done) => {
          line.waiting--;
          res.once("close", () => done());
          if (req.socket.destroyed) {
            done();
            return;
          }
          forward(req, res);
        }),
    );
  });

  function forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const headers = forwardedHeaders(req, opts.frontKey);
    const chunked = req.headers["transfer-encoding"] !== undefined;
    const length = req.headers["content-length"];
    if (BODYLESS.has(req.method ?? "") && (chunked || (length !== undefined && length !== "0"))) {
      res.writeHead(400, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify({ error: { code: "INVALID", message: `a ${req.method} request has no body` } }));
      // Whatever the client sent as a body is never read as a request.
      res.once("finish", () => req.socket.destroySoon());
      return;
    }
    // Node's parser has already refused Content-Length with Transfer-Encoding; a chunked body goes on chunked.
    if (chunked) headers["transfer-encoding"] = "chunked";
    const upstream = http.request({ host: "127.0.0.1", port: portFor(req.url), method: req.method, path: req.url, headers, agent });
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer.rawHeaders));
      answer.pipe(res);
    });
    upstream.on("error", () => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify({ error: { code: "INTERNAL", message: "the server is not reachable" } }));
    });
    // The whole body within the request timeout, even when the Worker answered before reading it
    // (Node's own requestTimeout stops counting once the answer is sent).
    const bodyTimer = setTimeout(() => {
      if (!req.complete) req.socket.destroy();
    }, opts.requestTimeoutMs);
    bodyTimer.unref();
    req.once("end", () => clearTimeout(bodyTimer));
    // The client went (or timed out) before its answer was complete: stop the Worker's request too.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    if (overCap.has(socket)) return void socket.destroy();
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    socket.on("error", () => socket.destroy());
    if (req.method !== "GET" || req.headers.upgrade?.toLowerCase() !== "websocket") {
      refuse(socket, 400, "BAD_REQUEST", "only WebSocket upgrades are accepted");
      return;
    }
    // Nothing the client sends is read until the Worker has switched protocols.
    socket.pause();
    const headers = forwardedHeaders(req, opts.frontKey);
    headers.connection = "Upgrade";
    headers.upgrade = "websocket";
    const upstream = http.request({ host: "127.0.0.1", port: portFor(req.url), method: "GET", path: req.url, headers, agent: false });
    const timer = setTimeout(() => {
      upstream.destroy();
      refuse(socket, 504, "INTERNAL", "the server did not answer in time");
    }, opts.upgradeTimeoutMs);
    timer.unref();
    const clientGone = () => upstream.destroy();
    socket.once("close", clientGone);

    upstream.on("upgrade", (answer, upSocket, upHead) => {
      clearTimeout(timer);
      // A WebSocket may be quiet for long; the hub closes silent ones itself.
      socket.setTimeout(0);
      socket.off("close", clientGone);
      if (socket.destroyed) {
        upSocket.destroy();
        return;
      }
      upSocket.setNoDelay(true);
      socket.setNoDelay(true);
      socket.write(headBlock(101, "Switching Protocols", responseHeaders(answer.rawHeaders, ["connection", "upgrade"])));
      if (upHead.length > 0) socket.write(upHead);
      if (head.length > 0) upSocket.write(head);
      const close = () => {
        socket.destroy();
        upSocket.destroy();
      };
      upSocket.on("error", close);
      socket.on("error", close);
      upSocket.on("close", close);
      socket.on("close", close);
      // Not a pipe from the Worker: a pipe would stop reading workerd while the client
      // lags, and workerd (which has no send backpressure) would hold the frames instead.
      // Read at once, and close a client whose unsent bytes pass the bound.
      upSocket.on("data", (chunk: Buffer) => {
        socket.write(chunk);
        if (socket.writableLength > opts.maxUnsentBytes) close();
      });
      upSocket.on("end", () => socket.end());
      socket.pipe(upSocket);
      socket.resume();
    });
    upstream.on("response", (answer) => {
      // Refused: pass the answer on and close. Bytes the client sent after its request are never read.
      clearTimeout(timer);
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= MAX_REFUSAL_BODY) chunks.push(c);
      });
      answer.on("end", () => answerAndClose(socket, answer.statusCode ?? 502, answer.statusMessage ?? "", responseHeaders(answer.rawHeaders, [], ["content-length"]), Buffer.concat(chunks)));
      answer.on("error", () => socket.destroy());
    });
    upstream.on("error", () => {
      clearTimeout(timer);
      refuse(socket, 502, "INTERNAL", "the server is not reachable");
    });
    upstream.end();
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve({ server, close });
    });
  });

  function close(): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(done, 2_000);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        done();
      });
      server.closeAllConnections();
      for (const s of upgraded) s.destroy();
      agent.destroy();
    });
  }
}
