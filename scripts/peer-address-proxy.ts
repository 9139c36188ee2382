// The local server's front door. On Cloudflare the edge sets CF-Connecting-IP
// from the connection; `wrangler dev` keeps whatever a client sends in that
// header. So locally a thin proxy stands in for the edge: it overwrites
// CF-Connecting-IP with the peer address of the TCP connection, for plain
// requests and for WebSocket upgrades (after which it only pipes bytes).
import http from "node:http";
import net from "node:net";

export function peerAddress(socket: net.Socket): string {
  const a = socket.remoteAddress ?? "unknown";
  return a.startsWith("::ffff:") ? a.slice(7) : a;
}

/** Request head lines with every CF-Connecting-IP replaced by the peer's address. */
function headLines(req: http.IncomingMessage): string[] {
  const lines: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === "cf-connecting-ip") continue;
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  lines.push(`CF-Connecting-IP: ${peerAddress(req.socket)}`);
  return lines;
}

export function startPeerAddressProxy(listenPort: number, upstreamPort: number): http.Server {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const headers: http.OutgoingHttpHeaders = { ...req.headers, "cf-connecting-ip": peerAddress(req.socket) };
    const upstream = http.request(
      { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.rawHeaders);
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "INTERNAL", message: "the server is not reachable" } }));
    });
    req.pipe(upstream);
  });
  server.on("upgrade", (req, socket, head) => {
    const upstream = net.connect(upstreamPort, "127.0.0.1", () => {
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headLines(req).join("\r\n")}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    const drop = () => {
      socket.destroy();
      upstream.destroy();
    };
    upstream.on("error", drop);
    socket.on("error", drop);
    upstream.on("close", () => socket.end());
    socket.on("close", () => upstream.end());
  });
  server.listen(listenPort, "127.0.0.1");
  return server;
}
