// What a peer server takes on POST /publish, the same body the hub's
// `POST /api/markets/:id/odds` takes: `{odds: {<selectionId>: <odds>}}`. The
// peer numbers the change and builds the same odds frame the hub sends.
import { parseArgs } from "node:util";
import http, { type IncomingMessage } from "node:http";

export interface OddsFrame {
  type: "odds";
  seq: number;
  ts: number;
  odds: Record<string, number>;
}

const MAX_BODY = 4096;

/** The request's JSON body as odds, or null when it is not `{odds: {...}}` of numbers. */
export async function readOdds(req: IncomingMessage): Promise<Record<string, number> | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { odds?: unknown };
    const odds = body.odds;
    if (typeof odds !== "object" || odds === null) return null;
    for (const v of Object.values(odds)) if (typeof v !== "number") return null;
    return odds as Record<string, number>;
  } catch {
    return null;
  }
}

/** `--port <n>` from argv. */
export function portArg(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { port: { type: "string" } }, strict: true });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0) throw new Error("--port <n> is required");
  return port;
}

/**
 * The HTTP side both peers share: `GET /health`, and `POST /publish` that numbers
 * the change, builds the odds frame and hands it to `broadcast`, which answers how
 * many sockets it was sent to. Every other request is a 404 (Socket.IO takes
 * `/socket.io/` before this handler sees it; `ws` takes its upgrade path).
 */
export function publishServer(broadcast: (frame: OddsFrame) => number): http.Server {
  let seq = 0;
  return http.createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      return;
    }
    if (req.method !== "POST" || req.url !== "/publish") {
      res.writeHead(404).end();
      return;
    }
    const odds = await readOdds(req);
    if (odds === null) {
      res.writeHead(400).end();
      return;
    }
    const frame: OddsFrame = { type: "odds", seq: ++seq, ts: Date.now(), odds };
    const sent = broadcast(frame);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ seq: frame.seq, sent }));
  });
}
