// Several thousand real sockets on 127.0.0.1 against the server `npm start` runs, with
// RELAY_AFTER low enough that most land on relay objects: every socket gets
// every change, in order, with seq contiguous, and the viewer count adds up.
// Bounded: fixed socket and update counts, every wait with a deadline.
import assert from "node:assert/strict";
import { it } from "node:test";
import WebSocket from "ws";
import { loadServer, until } from "./load-server.ts";

const PORT = Number(process.env.LOAD_PORT ?? 8831);
const SOCKETS = Number(process.env.LOAD_SOCKETS ?? 3000);
const RELAY_AFTER = 1000;
const UPDATES = 20;
const ADMIN_KEY = "load-admin-key";

const { server, sockets } = loadServer(
  "load",
  PORT,
  {
    ADMIN_KEY,
    SESSION_SECRET: "load-session-secret",
    ALLOWED_ORIGINS: `http://127.0.0.1:${PORT}`,
    RATE_SOCKETS_PER_10S: "1000000",
    MAX_HELD_SOCKETS_PER_ADDRESS: "1000000",
    RELAY_AFTER: String(RELAY_AFTER),
  },
  // Every socket comes from 127.0.0.1: the per-address connection cap must leave room for all of them.
  { MAX_CONNECTIONS_PER_ADDRESS: String(SOCKETS + 100) },
);

async function post(path: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

it(`delivers every change in order to ${SOCKETS} sockets across the hub and its relays`, { timeout: 240_000 }, async () => {
  const { token: admin } = await post("/api/session", { name: "load", adminKey: ADMIN_KEY });
  await post("/api/markets", { id: "load-market", name: "Match odds", event: "Load v Test", selections: [{ id: "home", name: "Home", odds: 2 }, { id: "away", name: "Away", odds: 3 }] }, admin);

  const url = `ws://127.0.0.1:${PORT}/api/markets/load-market/ws`;
  const seqs: number[][] = [];
  const viewers: number[] = [];
  let opened = 0;
  let failed = 0;
  for (let i = 0; i < SOCKETS; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(i + 100, SOCKETS); j++) {
      seqs[j] = [];
      viewers[j] = 0;
      const ws = new WebSocket(url, { perMessageDeflate: false, origin: `http://127.0.0.1:${PORT}` });
      sockets.push(ws);
      ws.on("message", (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === "snapshot") seqs[j].push(frame.seq);
        else if (frame.type === "odds") seqs[j].push(frame.seq);
        else if (frame.type === "viewers") viewers[j] = frame.count;
      });
      batch.push(
        new Promise<void>((resolve) => {
          ws.once("open", () => {
            opened++;
            resolve();
          });
          ws.once("error", () => {
            failed++;
            resolve();
          });
        }),
      );
    }
    await Promise.all(batch);
  }
  assert.equal(failed, 0, "every socket opens");
  assert.equal(opened, SOCKETS);
  await until(() => seqs.every((s) => s.length === 1), "every snapshot", 60_000);

  for (let n = 1; n <= UPDATES; n++) {
    await post("/api/markets/load-market/odds", { odds: { home: n % 2 === 0 ? 2 : 2.02, away: (300 + n) / 100 } }, admin);
    await new Promise((r) => setTimeout(r, 50));
  }
  await until(() => seqs.every((s) => s.length === UPDATES + 1), "every update on every socket", 60_000);
  const expected = Array.from({ length: UPDATES + 1 }, (_, k) => k);
  for (const [i, s] of seqs.entries()) assert.deepEqual(s, expected, `socket ${i} saw seq in order with no gap`);
  await until(() => viewers.every((v) => v === SOCKETS), `every socket told of ${SOCKETS} viewers`, 30_000);
  console.log(`# ${SOCKETS} sockets, ${Math.ceil((SOCKETS - RELAY_AFTER) / RELAY_AFTER)} relays beyond the hub: ${UPDATES} updates delivered in order to all`);
});
