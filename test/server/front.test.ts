// The public port of `npm start` as an attacker on 127.0.0.1 sees it: the
// client address comes from the TCP peer only, a refused upgrade closes its
// connection, slow bodies time out, Origin is compared exactly. 127.0.0.2 is a
// second client address (Linux routes all of 127/8 to loopback).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type SpawnedServer, spawnServer } from "../../scripts/server/launch.ts";
import { exchange, groupMembers, listeningPorts, request, sessionStatus, sleep, statuses, upgradeRequest } from "./helpers.ts";

const PORT = Number(process.env.SERVER_TEST_PORT ?? 8850);
const ADMIN_KEY = "front-test-admin";
const SESSIONS = 4;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const work = mkdtempSync(join(tmpdir(), "edgebook-front-"));
let server: SpawnedServer;

before(async () => {
  server = await spawnServer({
    port: PORT,
    stateDir: join(work, "state"),
    buildClient: false,
    vars: { ADMIN_KEY, SESSION_SECRET: "front-test-secret", ALLOWED_ORIGINS: ORIGIN, RATE_SESSIONS_PER_10S: String(SESSIONS), LOG_LEVEL: "warn" },
  });
  const admin = await fetch(`${ORIGIN}/api/session`, { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": "10.0.0.1" }, body: JSON.stringify({ name: "trader", adminKey: ADMIN_KEY }) });
  assert.equal(admin.status, 201);
  const { token } = (await admin.json()) as { token: string };
  const market = { id: "front-market", name: "Match odds", event: "Front v Test", selections: [{ id: "home", name: "Home", odds: 2 }, { id: "away", name: "Away", odds: 3 }] };
  const created = await fetch(`${ORIGIN}/api/markets`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(market) });
  assert.equal(created.status, 201);
});

after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("the client address", () => {
  it("is the TCP peer: forged CF-Connecting-IP and MF-CF-Blob do not count, and a request smuggled after a refused upgrade is never read", async () => {
    // The admin session in before() already counted one session for 127.0.0.1, whatever header it sent.
    const seen: number[] = [];
    for (let i = 0; i < SESSIONS + 2; i++) seen.push(await sessionStatus(PORT, "127.0.0.1", { "CF-Connecting-IP": `10.1.0.${i}` }));
    assert.deepEqual(seen.filter((s) => s === 201).length, SESSIONS - 1, `statuses ${seen}`);
    assert.equal(seen.at(-1), 429);

    assert.equal(await sessionStatus(PORT, "127.0.0.1", { "MF-CF-Blob": JSON.stringify({ clientIp: "10.2.0.1:1234" }) }), 429);
    assert.equal(await sessionStatus(PORT, "127.0.0.1", { "X-Forwarded-For": "10.3.0.1", "True-Client-IP": "10.3.0.2", Forwarded: "for=10.3.0.3" }), 429);

    // A refused upgrade followed, on the same connection, by a request claiming another address.
    const body = JSON.stringify({ name: "smuggled" });
    const smuggled = request("POST", "/api/session", PORT, { "Content-Type": "application/json", "CF-Connecting-IP": "10.4.0.1" }, body);
    const { text, closedByServer } = await exchange(PORT, upgradeRequest("/api/markets/no-such-market/ws", PORT) + smuggled, { waitMs: 5_000 });
    assert.equal(closedByServer, true, "the connection stays open after a refused upgrade");
    assert.equal(statuses(text).length, 1, `more than one answer on the connection:\n${text}`);
    assert.notEqual(statuses(text)[0], 101);

    // Another peer address has its own count.
    assert.equal(await sessionStatus(PORT, "127.0.0.2"), 201);
  });
});

describe("request bodies and pipelining", () => {
  it("refuses a body on a GET, so nothing in it is ever read upstream as another request, and forwards a chunked POST intact", async () => {
    const smuggled = `POST /api/session HTTP/1.1\r\nHost: x\r\nCF-Connecting-IP: 6.6.6.6\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n{"name":"smuggled"}`;
    const chunk = `${Buffer.byteLength(smuggled).toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`;
    const head = `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${PORT}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const { text, closedByServer } = await exchange(PORT, head + chunk, { localAddress: "127.0.0.6", waitMs: 5_000 });
    assert.deepEqual(statuses(text), [400], text);
    assert.equal(closedByServer, true);
    // Half a request left in a GET's body must not join the next request on a pooled upstream connection either.
    const half = `POST /api/session HTTP/1.1\r\nCF-Connecting-IP: 6.6.6.7\r\nX-Foo: `;
    const left = await exchange(PORT, `${head}${Buffer.byteLength(half).toString(16)}\r\n${half}\r\n`, { localAddress: "127.0.0.6", waitMs: 1_000 });
    assert.deepEqual(statuses(left.text), [400], left.text);
    const next = await exchange(PORT, request("GET", "/api/health", PORT, { Connection: "close" }), { localAddress: "127.0.0.6" });
    assert.deepEqual(statuses(next.text), [200], next.text);
    assert.match(next.text, /\{"ok":true\}/);

    const body = JSON.stringify({ name: "chunked" });
    const post = `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${PORT}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const posted = await exchange(PORT, post, { localAddress: "127.0.0.7" });
    assert.deepEqual(statuses(posted.text), [201], posted.text);
  });

  it("answers pipelined requests in order, one at a time, and closes a connection that piles up more than 8", async () => {
    const three = [0, 1, 2].map(() => request("GET", "/api/health", PORT, {})).join("");
    const { text } = await exchange(PORT, three, { localAddress: "127.0.0.8", waitMs: 2_000 });
    assert.deepEqual(statuses(text), [200, 200, 200], text);
    const many = Array.from({ length: 30 }, () => request("GET", "/api/health", PORT, {})).join("");
    const flood = await exchange(PORT, many, { localAddress: "127.0.0.8", waitMs: 5_000 });
    assert.equal(flood.closedByServer, true);
    assert.ok(statuses(flood.text).length < 30, `all 30 pipelined requests were answered`);
  });
});

describe("connections per address", () => {
  it("answers a connection past the per-address cap with a JSON 429 before closing it, and keeps other addresses", async () => {
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 256; i++) {
        const s = net.connect({ port: PORT, host: "127.0.0.1", localAddress: "127.0.0.13" });
        s.on("error", () => {});
        held.push(s);
        await new Promise<void>((r) => s.once("connect", () => r()));
      }
      await sleep(200);
      const over = await exchange(PORT, request("GET", "/api/health", PORT, { Connection: "close" }), { localAddress: "127.0.0.13", waitMs: 3_000 });
      assert.deepEqual(statuses(over.text), [429], over.text);
      assert.match(over.text, /"code":"RATE_LIMITED"/);
      assert.doesNotMatch(over.text, /"ok":true/);
      const other = await exchange(PORT, request("GET", "/api/health", PORT, { Connection: "close" }), { localAddress: "127.0.0.14" });
      assert.deepEqual(statuses(other.text), [200]);
    } finally {
      for (const s of held) s.destroy();
    }
  });
});

describe("long URLs", () => {
  it("takes a book socket naming 500 ids of 64 characters, and answers headers past the cap with a JSON 431", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `m${String(i).padStart(63, "0")}`).join(",");
    const { text } = await exchange(PORT, upgradeRequest(`/api/book/ws?ids=${ids}`, PORT, { Origin: ORIGIN }), { localAddress: "127.0.0.9", waitMs: 3_000 });
    assert.equal(statuses(text)[0], 101, text.slice(0, 300));
    const huge = await exchange(PORT, request("GET", `/api/markets?event=${"x".repeat(60_000)}`, PORT, {}), { localAddress: "127.0.0.9" });
    assert.equal(statuses(huge.text)[0], 431);
    assert.match(huge.text, /"code":"INVALID"/);
  });
});

describe("workerd's own entry on loopback", () => {
  it("refuses every API request that did not come through the front, forged address or not, and serves through the front", async () => {
    const runtime = groupMembers(server.pid).filter((m) => /workerd/.test(m.comm));
    assert.ok(runtime.length > 0, "workerd runs in the server's group");
    const entryPorts = runtime.flatMap((m) => listeningPorts(m.pid)).filter((p) => p !== PORT);
    assert.ok(entryPorts.length > 0, "workerd listens on a loopback entry port");
    for (const port of entryPorts) {
      const forged = { "CF-Connecting-IP": "10.9.0.1" };
      assert.equal(await sessionStatus(port, "127.0.0.3", forged), 403, `a session straight to workerd's port ${port}`);
      assert.equal(await sessionStatus(port, "127.0.0.3", { ...forged, "X-Edgebook-Front": "guessed" }), 403, `a guessed front key on port ${port}`);
      const { text } = await exchange(port, upgradeRequest("/api/markets/front-market/ws", port, { Origin: ORIGIN, Connection: "Upgrade", ...forged }), { waitMs: 3_000 });
      assert.equal(statuses(text)[0], 403, `a socket upgrade straight to workerd's port ${port}:\n${text}`);
    }
    // The front's own key header, sent by a client, is dropped and replaced.
    assert.equal(await sessionStatus(PORT, "127.0.0.4", { "X-Edgebook-Front": "guessed" }), 201);
  });
});

describe("workerd's sockets as an RPC client sees them", () => {
  it("answer no RPC call but fetch on any port (no route table, no error hooks), and a try leaves the API's refusals as they were", { timeout: 60_000 }, async () => {
    const { Miniflare, convertV4MiniflareOptions } = await import("miniflare");
    const runtime = groupMembers(server.pid).filter((m) => /workerd/.test(m.comm));
    const ports = runtime.flatMap((m) => listeningPorts(m.pid)).filter((p) => p !== PORT);
    assert.ok(ports.length >= 2, `workerd listens on its entry and the Worker's own socket: ${ports}`);
    // A client Worker bound to each port as an external service: what a local program speaking Cap'n Proto can do.
    const script = `export default { async fetch(req, env) {
      const port = new URL(req.url).searchParams.get("port");
      const api = env["P" + port];
      const tries = {};
      const attempt = async (name, f) => { try { const r = await f(); tries[name] = r instanceof Response ? "status " + r.status : "answered " + typeof r; } catch (e) { tries[name] = "refused"; } };
      await attempt("routes", async () => await api.routes);
      await attempt("onError", () => api.onError(1));
      await attempt("notFound", () => api.notFound(1));
      await attempt("fetch", () => api.fetch("http://x/api/health"));
      return Response.json(tries);
    } }`;
    const client = new Miniflare(
      convertV4MiniflareOptions({
        workers: [
          {
            name: "rpc-client",
            modules: true,
            script,
            compatibilityDate: "2026-11-01",
            serviceBindings: Object.fromEntries(ports.map((p) => [`P${p}`, { external: { address: `127.0.0.1:${p}`, http: {} } }])),
          },
        ],
      }),
    );
    try {
      for (const port of ports) {
        const tries = (await (await client.dispatchFetch(`http://client/?port=${port}`)).json()) as Record<string, string>;
        assert.equal(tries.routes, "refused", `port ${port}: ${JSON.stringify(tries)}`);
        assert.equal(tries.onError, "refused", `port ${port}: ${JSON.stringify(tries)}`);
        assert.equal(tries.notFound, "refused", `port ${port}: ${JSON.stringify(tries)}`);
        // fetch itself goes in as HTTP, where the front's key is checked.
        assert.match(tries.fetch, /^(status 403|refused)$/, `port ${port}: ${JSON.stringify(tries)}`);
      }
    } finally {
      await client.dispose();
    }
    // The API still answers its refusals with their own codes through the front.
    assert.equal((await fetch(`${ORIGIN}/api/no-such-route`)).status, 404);
    assert.equal((await fetch(`${ORIGIN}/api/me`)).status, 401);
  });
});

describe("origin checks", () => {
  it("refuse a socket whose Origin differs from an allowed one only in scheme or case, and accept the exact one", async () => {
    const path = "/api/markets/front-market/ws";
    const status = async (origin: string) => statuses((await exchange(PORT, upgradeRequest(path, PORT, { Origin: origin }), { localAddress: "127.0.0.3", waitMs: 1_500 })).text)[0];
    assert.equal(await status(`https://127.0.0.1:${PORT}`), 403);
    assert.equal(await status(`HTTP://127.0.0.1:${PORT}`), 403);
    assert.equal(await status(`http://127.0.0.1:${PORT}`.toUpperCase()), 403);
    // Present but empty is present: it names no allowed origin.
    assert.equal(await status(""), 403);
    assert.equal(await status(ORIGIN), 101);
  });
});

describe("slow bodies", () => {
  it("260 connections that never finish their body are timed out, and the port answers within 10 s of the attacker leaving", { timeout: 60_000 }, async () => {
    const attackers: net.Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 260; i++) {
      const s = net.connect({ port: PORT, host: "127.0.0.1", localAddress: "127.0.0.4" });
      s.on("connect", () => s.write(`POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${PORT}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"name":`));
      s.on("error", () => {});
      // Read what comes back, or the close would go unseen.
      s.resume();
      s.on("close", () => closed++);
      attackers.push(s);
    }
    await sleep(2_000);
    // Another client is served meanwhile.
    const other = await fetch(`${ORIGIN}/api/health`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(other.status, 200);
    // The server closes every one of them (the request timeout is 15 s).
    const deadline = Date.now() + 25_000;
    while (closed < attackers.length && Date.now() < deadline) await sleep(250);
    assert.equal(closed, attackers.length, `${attackers.length - closed} slow connections still open`);
    // The attacker's own address is served again.
    const start = Date.now();
    let ok = false;
    while (!ok && Date.now() - start < 10_000) {
      const { text } = await exchange(PORT, request("GET", "/api/health", PORT, { Connection: "close" }), { localAddress: "127.0.0.4", waitMs: 2_000 }).catch(() => ({ text: "" }));
      ok = statuses(text)[0] === 200;
      if (!ok) await sleep(250);
    }
    assert.ok(ok, "the port did not answer within 10 s");
  });
});

describe("a socket whose client stops reading", () => {
  it("is closed by the front once its unsent bytes pass the bound, while a client that reads gets every byte", { timeout: 60_000 }, async () => {
    const { startFront, FRONT_DEFAULTS } = await import("../../scripts/server/front.ts");
    const http = await import("node:http");
    // A stand-in for workerd: answers each upgrade with 101, then floods the socket (bounded at 64 MiB)
    // until the front hangs up; it records how each flood ended.
    const ends: { sent: number; closedByFront: boolean }[] = [];
    const FLOOD = 64 * 1024 * 1024;
    // The reader's stream is paced (16 KiB a millisecond or so) so that it reads as fast as it is sent even on a
    // busy machine; the stalled client's is a flood.
    const READER_BYTES = 2 * 1024 * 1024;
    const upstream = http.createServer();
    upstream.on("upgrade", (req, socket: net.Socket) => {
      socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
      const reader = req.url?.includes("reader") ?? false;
      const limit = reader ? READER_BYTES : FLOOD;
      const chunk = Buffer.alloc(reader ? 16 * 1024 : 64 * 1024, 0x61);
      let sent = 0;
      let closed = false;
      socket.on("error", () => {});
      socket.on("close", () => {
        closed = true;
      });
      const pump = () => {
        while (!closed && sent < limit) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once("drain", pump);
          if (reader) return void setTimeout(pump, 1);
        }
        if (!closed) socket.end();
      };
      socket.once("close", () => ends.push({ sent, closedByFront: sent < limit }));
      pump();
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const upstreamPort = (upstream.address() as net.AddressInfo).port;
    const front = await startFront({ ...FRONT_DEFAULTS, port: 0, host: "127.0.0.1", upstreamPort, frontKey: "k", maxUnsentBytes: 256 * 1024 });
    const frontPort = (front.server.address() as net.AddressInfo).port;
    const open = (path: string) =>
      new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(frontPort, "127.0.0.1", () => {
          s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
          resolve(s);
        });
        s.on("error", reject);
      });
    try {
      const stalled = await open("/api/markets/m/ws?stalled");
      stalled.pause();
      const stalledClosed = new Promise<void>((r) => stalled.once("close", () => r()));
      const reader = await open("/api/markets/m/ws?reader");
      let got = 0;
      reader.on("data", (d: Buffer) => {
        got += d.length;
      });
      const readerDone = new Promise<void>((r) => reader.once("end", () => r()));
      await readerDone;
      // The reader got its whole stream (2 MiB after the 101 head) and was never cut off.
      assert.ok(got > READER_BYTES, `reader got ${got} bytes`);
      // The front hung up on the stalled client's stream upstream long before the flood's end...
      for (let i = 0; i < 200 && ends.length < 2; i++) await sleep(100);
      const stalledEnd = ends.find((e) => e.closedByFront);
      assert.ok(stalledEnd, `the flood to the stalled client was not cut: ${JSON.stringify(ends)}`);
      assert.ok(stalledEnd.sent < 32 * 1024 * 1024, `${stalledEnd.sent} bytes went out before the cut`);
      // ...and closed the client's connection, which it sees once it reads again.
      stalled.resume();
      stalled.on("error", () => {});
      const byFront = await Promise.race([stalledClosed.then(() => true), sleep(20_000).then(() => false)]);
      assert.equal(byFront, true, "the stalled client's socket was not closed");
      stalled.destroy();
      reader.destroy();
    } finally {
      await front.close();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});

describe("where the front sends a request", () => {
  it("sends /api requests and sockets to the Worker's own socket and everything else to the entry that serves the page", async () => {
    const http = await import("node:http");
    const { startFront, FRONT_DEFAULTS } = await import("../../scripts/server/front.ts");
    // Two upstreams that say who they are: plain requests in a header, upgrades in the 101's.
    const named = (name: string) => {
      const s = http.createServer((_req, res) => res.writeHead(200, { "x-upstream": name }).end(name));
      s.on("upgrade", (_req, socket: net.Socket) => {
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Upstream: ${name}\r\n\r\n`);
        socket.end();
      });
      return s;
    };
    const entry = named("entry");
    const api = named("api");
    await Promise.all([entry, api].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
    const portOf = (s: import("node:http").Server) => (s.address() as net.AddressInfo).port;
    const front = await startFront({ ...FRONT_DEFAULTS, port: 0, host: "127.0.0.1", upstreamPort: portOf(entry), apiPort: portOf(api), frontKey: "k" });
    const frontPort = (front.server.address() as net.AddressInfo).port;
    try {
      const plain = async (path: string) => (await fetch(`http://127.0.0.1:${frontPort}${path}`)).headers.get("x-upstream");
      assert.equal(await plain("/api/markets"), "api");
      assert.equal(await plain("/api"), "api");
      assert.equal(await plain("/api?x=1"), "api");
      assert.equal(await plain("/"), "entry");
      assert.equal(await plain("/assets/index.js"), "entry");
      // A path that only starts like the API's is the page's.
      assert.equal(await plain("/apix"), "entry");
      assert.equal(await plain("/api-docs"), "entry");
      const { text } = await exchange(frontPort, upgradeRequest("/api/markets/m/ws", frontPort), { waitMs: 2_000 });
      assert.match(text, /^HTTP\/1\.1 101[^]*X-Upstream: api/i);
    } finally {
      await front.close();
      await Promise.all([entry, api].map((s) => new Promise<void>((r) => s.close(() => r()))));
    }
  });
});
