// Hostile clients get nothing: origins, tickets and tokens, frames, floods,
// junk ids, per-address limits, oversized bodies.
import { evictDurableObject, listDurableObjectIds } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TICKET_TTL_MS, sign } from "../../worker/http/tokens.ts";
import { BASE, adminSession, call, createMarket, mustOpen, openSocket, punterSession, uniqueId } from "../helpers/api.ts";
import { hubStub } from "../helpers/money.ts";

const SECRET = "test-session-secret-of-thirty-two-chars";
const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function ticketFor(token: string, marketId: string): Promise<string> {
  const r = await call("POST", `/api/markets/${marketId}/ticket`, { token });
  expect(r.status).toBe(201);
  return r.json.ticket;
}

describe("origin", () => {
  it("refuses any Origin that is not exactly an allowed one, before touching an object", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const before = (await listDurableObjectIds(env.LIMITER)).length;
    for (const origin of [
      "http://edgebook.test.evil.test",
      "http://evil.test",
      "https://edgebook.test",
      "http://edgebook.test:8080",
      "null",
      "http://sub.edgebook.test",
      "HTTP://EDGEBOOK.TEST",
    ]) {
      const r = await openSocket(market.id, { origin });
      expect(r.status, origin).toBe(403);
      expect(r.json.error.code).toBe("FORBIDDEN");
    }
    expect((await listDurableObjectIds(env.LIMITER)).length).toBe(before);
    const same = await mustOpen(market.id, { origin: BASE });
    expect((await same.next("snapshot")).type).toBe("snapshot");
    same.close();
    const none = await mustOpen(market.id);
    none.close();
  });
});

describe("tickets and tokens", () => {
  it("lets a ticket open one socket once, for its market, even after the hub restarts", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const other = await createMarket(admin);
    const { token } = await punterSession();
    const ticket = await ticketFor(token, market.id);
    const ok = await mustOpen(market.id, { query: `ticket=${ticket}` });
    await ok.next("snapshot");
    ok.send({ type: "bet", id: "ticket-bet-1", selectionId: "home", stake: 100, odds: 2.5 });
    expect(await ok.next("bet")).toMatchObject({ status: "accepted" });
    expect((await openSocket(market.id, { query: `ticket=${ticket}` })).status).toBe(401);
    await evictDurableObject(hubStub(market.id), { webSockets: "close" });
    expect((await openSocket(market.id, { query: `ticket=${ticket}` })).status).toBe(401);
    const elsewhere = await ticketFor(token, market.id);
    const wrong = await openSocket(other.id, { query: `ticket=${elsewhere}` });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe("UNAUTHENTICATED");
  });

  it("refuses forged, expired, unsigned and mistyped tickets and tokens", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token, account } = await punterSession();
    // Token times are seconds since the epoch (RFC 7519).
    const now = Math.floor(Date.now() / 1000);
    const expired = await sign({ typ: "ticket", sub: account.id as never, role: "punter", mkt: market.id, jti: "j1", exp: now - 1 }, SECRET);
    const forged = await sign({ typ: "ticket", sub: account.id as never, role: "punter", mkt: market.id, jti: "j2", exp: now + TICKET_TTL_MS }, "not-the-secret");
    const payload = b64({ typ: "ticket", sub: account.id, role: "punter", mkt: market.id, jti: "j3", exp: now + 60_000 });
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${payload}.`;
    const sessionAsTicket = token;
    for (const t of [expired, forged, unsigned, sessionAsTicket, "garbage", ""]) {
      expect((await openSocket(market.id, { query: `ticket=${encodeURIComponent(t)}` })).status).toBe(401);
    }
    const ticket = await ticketFor(token, market.id);
    // A ticket is not a session.
    expect((await call("GET", "/api/me", { token: ticket })).status).toBe(401);
    const expiredSession = await sign({ typ: "session", sub: account.id as never, name: "x", role: "admin", iat: now, exp: now - 1 }, SECRET);
    const forgedAdmin = await sign({ typ: "session", sub: account.id as never, name: "x", role: "admin", iat: now, exp: now + 60_000 }, "guess");
    const noneAdmin = `${b64({ alg: "none", typ: "JWT" })}.${b64({ typ: "session", sub: account.id, name: "x", role: "admin", iat: now, exp: now + 60_000 })}.`;
    for (const t of [expiredSession, forgedAdmin, noneAdmin]) {
      const r = await call("POST", `/api/markets/${market.id}/odds`, { token: t, body: { odds: { home: 2 } } });
      expect(r.status).toBe(401);
      expect((await openSocket(market.id, { token: t })).status).toBe(401);
    }
    expect((await call("GET", `/api/markets/${market.id}`)).json.market.seq).toBe(0);
  });

  it("authenticates other clients with a Bearer token on the upgrade", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token } = await punterSession();
    const ws = await mustOpen(market.id, { token });
    await ws.next("snapshot");
    ws.send({ type: "bet", id: "bearer-bet-1", selectionId: "home", stake: 100, odds: 2.5 });
    expect(await ws.next("bet")).toMatchObject({ status: "accepted" });
    ws.close();
  });

  it("caps sockets per account on one market", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token } = await punterSession();
    const open = [];
    for (let i = 0; i < 8; i++) open.push(await mustOpen(market.id, { token }));
    const ninth = await openSocket(market.id, { token });
    expect(ninth.status).toBe(429);
    for (const s of open) s.close();
  });

  it("leaves a ticket unspent when the socket cap refuses it, so it opens a socket once another closes", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token } = await punterSession();
    const open = [];
    for (let i = 0; i < 8; i++) open.push(await mustOpen(market.id, { token }));
    const ticket = await ticketFor(token, market.id);
    const refused = await openSocket(market.id, { query: `ticket=${ticket}` });
    expect(refused).toMatchObject({ status: 429, json: { error: { code: "RATE_LIMITED" } } });
    open[0].close();
    await open[0].closedWith();
    const ninth = await mustOpen(market.id, { query: `ticket=${ticket}` });
    await ninth.next("snapshot");
    // Spent now: refused as used, whether or not the account is at its cap.
    expect(await openSocket(market.id, { query: `ticket=${ticket}` })).toMatchObject({ status: 401, json: { error: { code: "UNAUTHENTICATED" } } });
    ninth.close();
    await ninth.closedWith();
    const again = await openSocket(market.id, { query: `ticket=${ticket}` });
    expect(again).toMatchObject({ status: 401, json: { error: { code: "UNAUTHENTICATED" } } });
    for (const s of open.slice(1)) s.close();
  });
});

describe("frames", () => {
  it("closes a socket that sends a frame over 4 KiB with 1009, and takes one of exactly 4 KiB", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ws = await mustOpen(market.id);
    await ws.next("snapshot");
    const exact = JSON.stringify({ type: "x", pad: "" });
    ws.send(JSON.stringify({ type: "x", pad: "a".repeat(4096 - exact.length) }));
    expect(await ws.next("error")).toMatchObject({ code: "INVALID" });
    ws.send("€".repeat(1366));
    expect((await ws.closedWith()).code).toBe(1009);
  });

  it("closes a socket whose text frame is not valid UTF-8 with 1007, and keeps the market's other sockets", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ws = await mustOpen(market.id);
    const bystander = await mustOpen(market.id);
    await ws.next("snapshot");
    await bystander.next("snapshot");
    // A lone surrogate cannot be encoded as UTF-8: the runtime sends it as the bytes of U+FFFD,
    // which is exactly what it hands over when a client's bytes are broken.
    ws.send('{"type":"bet","id":"\uD800abcdefg"}');
    expect((await ws.closedWith()).code).toBe(1007);
    bystander.send("not json");
    expect(await bystander.next("error")).toMatchObject({ code: "INVALID", message: "frame is not JSON" });
    bystander.close();
  });

  it("answers a flood with RATE_LIMITED, closes it with 1008, and keeps other sockets' odds on time", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token } = await punterSession();
    const flooder = await mustOpen(market.id, { token });
    const bystander = await mustOpen(market.id);
    await flooder.next("snapshot");
    await bystander.next("snapshot");
    for (let i = 0; i < 25; i++) flooder.send({ type: "bet", id: `flood-bet-${String(i).padStart(3, "0")}`, selectionId: "home", stake: 100, odds: 2.5 });
    const replies = [];
    for (let i = 0; i < 25; i++) replies.push(await flooder.next("bet"));
    const limited = replies.filter((r) => r.reason === "RATE_LIMITED");
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(replies.filter((r) => r.status === "accepted").length).toBeLessThanOrEqual(20);
    // The punter was charged only for the bets that were taken.
    const accepted = replies.filter((r) => r.status === "accepted").length;
    expect((await call("GET", "/api/me", { token })).json.account.balance).toBe(100_000 - 100 * accepted);
    for (let i = 0; i < 100; i++) flooder.send("{}");
    expect((await flooder.closedWith()).code).toBe(1008);
    const push = await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.4 } } });
    expect(await bystander.next("odds")).toMatchObject({ seq: push.json.seq });
    bystander.close();
  });

  it("survives garbage frames without resetting the hub", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ws = await mustOpen(market.id);
    await ws.next("snapshot");
    const junk = ["", "null", "[]", "{", '{"type":"bet"}', '{"type":"bet","__proto__":{"x":1}}', "\u0000\uffff", "ping ", "PING"];
    for (const j of junk) {
      ws.send(j);
      expect((await ws.next("error")).type).toBe("error");
    }
    ws.ws.send(new Uint8Array([1, 2, 3]));
    expect(await ws.next("error")).toMatchObject({ code: "INVALID" });
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { draw: 3.3 } } });
    expect(await ws.next("odds")).toMatchObject({ seq: 1 });
    ws.close();
  });
});

describe("upgrades and ids", () => {
  it("answers junk and unknown market ids with 404 without creating any object", async () => {
    const before = (await listDurableObjectIds(env.MARKET_HUB)).length;
    for (const id of ["UPPER", "-leading", "a".repeat(65), "..", "a%2Fb", uniqueId("ghost")]) {
      const ws = await openSocket(id);
      expect(ws.status, id).toBe(404);
      expect((await call("GET", `/api/markets/${id}`)).status).toBe(404);
    }
    expect((await listDurableObjectIds(env.MARKET_HUB)).length).toBe(before);
  });

  it("limits socket opens per client address from CF-Connecting-IP, not from X-Forwarded-For", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const address = "192.0.2.77";
    let refused = 0;
    for (let i = 0; i < 310; i++) {
      const r = await openSocket(market.id, { headers: { "cf-connecting-ip": address, "x-forwarded-for": `198.51.100.${i % 250}` } });
      if (r.status === 429) refused++;
      else r.socket?.close();
    }
    expect(refused).toBeGreaterThanOrEqual(10);
    expect(refused).toBeLessThanOrEqual(10);
    // Another address is unaffected.
    const other = await mustOpen(market.id, { headers: { "cf-connecting-ip": "192.0.2.78" } });
    other.close();
  });

  it("limits sessions per client address", async () => {
    let refused = 0;
    for (let i = 0; i < 65; i++) {
      const r = await call("POST", "/api/session", { body: { name: "n" }, headers: { "cf-connecting-ip": "192.0.2.99" } });
      if (r.status === 429) {
        refused++;
        expect(r.json.error.code).toBe("RATE_LIMITED");
      }
    }
    expect(refused).toBe(5);
  });
});

describe("HTTP", () => {
  it("caps request bodies with 413 and keeps every error free of internals", async () => {
    const admin = await adminSession();
    const big = await call("POST", "/api/markets", { token: admin, body: JSON.stringify({ id: "x", pad: "a".repeat(20_000) }) });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe("TOO_LARGE");
    const missing = await call("GET", "/api/nope");
    expect(missing).toMatchObject({ status: 404, json: { error: { code: "NOT_FOUND" } } });
    for (const r of [big, missing]) expect(JSON.stringify(r.json)).not.toMatch(/\.ts|at \w|stack/i);
  });

  it("caps a chunked body that names no length with 413 and creates nothing", async () => {
    const admin = await adminSession();
    const id = uniqueId("chunked");
    const kib = new TextEncoder().encode(`{"id":"${id}","pad":"${"a".repeat(1000)}`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(kib);
        controller.close();
      },
    });
    const req = new Request(`${BASE}/api/markets`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body });
    expect(req.headers.get("content-length")).toBeNull();
    const res = await exports.default.fetch(req);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "TOO_LARGE" } });
    expect((await call("GET", `/api/markets/${id}`)).status).toBe(404);
  });

  it("sets nosniff, a strict referrer policy and a request id on API responses", async () => {
    const r = await call("GET", "/api/health");
    expect(r.json).toEqual({ ok: true });
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("referrer-policy")).toBe("no-referrer");
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lets no punter do what an admin does", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token } = await punterSession();
    expect((await call("GET", `/api/markets/${market.id}/events`, { token })).status).toBe(403);
    expect((await call("POST", `/api/markets/${market.id}/feed/heartbeat`, { token })).status).toBe(403);
    const claim = await call("POST", "/api/session", { body: { name: "x", role: "admin" } });
    expect(claim.status).toBe(400);
  });
});
