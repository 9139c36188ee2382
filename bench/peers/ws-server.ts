// Peer (b): a plain `ws` server doing the hub's broadcast the straightforward
// way: serialise the odds frame once, send the same string to every client.
//
//   node bench/peers/ws-server.ts --port 8825
//   GET /ws (WebSocket), POST /publish {odds} -> {seq, sent}, GET /health
import { WebSocket, WebSocketServer } from "ws";
import { portArg, publishServer } from "./publish-body.ts";

const port = portArg(process.argv.slice(2));

const server = publishServer((frame) => {
  const text = JSON.stringify(frame);
  let sent = 0;
  for (const ws of wss.clients) {
    if (ws.readyState !== WebSocket.OPEN) continue;
    ws.send(text);
    sent++;
  }
  return sent;
});

const wss = new WebSocketServer({ server, path: "/ws", perMessageDeflate: false });
wss.on("connection", (ws) => {
  // The contract's heartbeat, answered as the hub answers it.
  ws.on("message", (data, isBinary) => {
    if (!isBinary && data.toString() === "ping") ws.send("pong");
  });
});

server.listen(port, "127.0.0.1");
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(0));
