// Peer (a): Socket.IO 4.8 on Node, WebSocket transport only, broadcasting the
// same odds frame to a room that every client joins on connect. Socket.IO
// encodes a broadcast once for the whole room.
//
//   node bench/peers/socketio-server.ts --port 8826
//   /socket.io/ (engine.io v4, websocket), POST /publish {odds} -> {seq, sent}, GET /health
import { Server } from "socket.io";
import { portArg, publishServer } from "./publish-body.ts";

const port = portArg(process.argv.slice(2));
const ROOM = "market";

const server = publishServer((frame) => {
  io.to(ROOM).emit("odds", frame);
  return io.sockets.adapter.rooms.get(ROOM)?.size ?? 0;
});

const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  // A benchmark may open many sockets at once.
  connectTimeout: 45_000,
});
io.on("connection", (socket) => {
  void socket.join(ROOM);
});

server.listen(port, "127.0.0.1");
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(0));
