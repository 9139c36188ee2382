import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_KEY, adminSession, call, createMarket, mustOpen, punterSession, uniqueId } from "../helpers/api.ts";

const hubOf = (id: string) => env.MARKET_HUB.get(env.MARKET_HUB.idFromName(id));

describe("the live book", () => {
  it("sends a snapshot first, then each odds push as a delta with seq one higher", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ws = await mustOpen(market.id);
    // The very first frame, nothing skipped to find it.
    const snap = await ws.next();
    if (snap.type !== "snapshot") throw new Error(`first frame was ${snap.type}`);
    expect(snap.seq).toBe(0);
    expect(snap.epoch).toBe(market.epoch);
    expect(snap.market.selections.map((s) => s.odds)).toEqual([2.5, 3.2, 2.9]);

    const push = await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.4, draw: 3.2 } } });
    expect(push).toMatchObject({ status: 200, json: { seq: 1 } });
    const odds = await ws.next("odds");
    expect(odds).toMatchObject({ type: "odds", seq: 1, odds: { home: 2.4 } });
    expect(Object.keys(odds.odds)).toEqual(["home"]);

    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { away: 3 } } });
    expect(await ws.next("odds")).toMatchObject({ seq: 2, odds: { away: 3 } });
    ws.close();
  });

  it("answers an odds push that changes nothing with the current seq and sends no frame", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ws = await mustOpen(market.id);
    await ws.next("snapshot");
    const r = await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.5 } } });
    expect(r).toMatchObject({ status: 200, json: { seq: 0 } });
    const frames = await ws.drain(200);
    expect(frames.filter((f) => f.type === "odds")).toEqual([]);
    ws.close();
  });

  it("refuses a push naming an unknown selection or bad odds, whole", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    for (const odds of [{ home: 2, nope: 3 }, { home: 1.005 }, { home: 1001 }, { home: 0 }, { home: "2" }]) {
      const r = await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds } });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("INVALID");
    }
    const after = await call("GET", `/api/markets/${market.id}`);
    expect(after.json.market.seq).toBe(0);
    expect(after.json.market.selections[0].odds).toBe(2.5);
  });

  it("broadcasts status changes with in-play and delay", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ws = await mustOpen(market.id);
    await ws.next("snapshot");
    const r = await call("POST", `/api/markets/${market.id}/status`, {
      token: admin,
      body: { status: "suspended", inPlay: true, betDelayMs: 3000 },
    });
    expect(r).toMatchObject({ status: 200, json: { seq: 1 } });
    expect(await ws.next("status")).toMatchObject({ seq: 1, status: "suspended", inPlay: true, betDelayMs: 3000 });
    ws.close();
  });

  it("sends the same frame to every watcher and counts viewers", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const sockets = await Promise.all([1, 2, 3].map(() => mustOpen(market.id)));
    const counts = await Promise.all(sockets.map((s) => s.next("viewers", 4000)));
    // Counts arrive throttled; within two seconds every socket learns of three.
    for (const [i, s] of sockets.entries()) {
      let c = counts[i];
      while (c.count !== 3) c = await s.next("viewers", 4000);
      expect(c.count).toBe(3);
    }
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { draw: 3.4 } } });
    const got = await Promise.all(sockets.map((s) => s.next("odds")));
    expect(new Set(got.map((f) => JSON.stringify(f))).size).toBe(1);
    sockets[0].close();
    let c = await sockets[1].next("viewers", 4000);
    while (c.count !== 2) c = await sockets[1].next("viewers", 4000);
    expect(c.count).toBe(2);
    for (const s of sockets) s.close();
  });

  it("keeps seq rising by one across an eviction of the hub", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.2 } } });
    await evictDurableObject(hubOf(market.id));
    const r = await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.3 } } });
    expect(r.json.seq).toBe(2);
    const m = await call("GET", `/api/markets/${market.id}`);
    expect(m.json.market).toMatchObject({ seq: 2, epoch: market.epoch });
  });

  it("keeps sockets through hibernation and wakes with their attachments", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token } = await punterSession();
    const ws = await mustOpen(market.id, { token });
    await ws.next("snapshot");
    await evictDurableObject(hubOf(market.id));
    // The woken hub still knows this socket's account: a bet is answered as the punter's.
    ws.send({ type: "bet", id: "bet-after-wake", selectionId: "home", stake: 100, odds: 2.5 });
    const reply = await ws.next("bet");
    expect(reply).toMatchObject({ id: "bet-after-wake", status: "accepted" });
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.6 } } });
    expect(await ws.next("odds")).toMatchObject({ seq: 1 });
    ws.close();
  });

  it("lists every market with its current odds and status within a second of the change", async () => {
    const admin = await adminSession();
    const a = await createMarket(admin);
    const b = await createMarket(admin);
    await call("POST", `/api/markets/${b.id}/odds`, { token: admin, body: { odds: { away: 4 } } });
    await call("POST", `/api/markets/${a.id}/status`, { token: admin, body: { status: "suspended" } });
    // The list is served from summaries that follow each change off the hot path.
    const changedAt = Date.now();
    let byId: Record<string, any> = {};
    const current = () => byId[a.id]?.status === "suspended" && byId[b.id]?.selections.find((s: any) => s.id === "away").odds === 4;
    while (!current() && Date.now() - changedAt < 1000) {
      const list = await call("GET", "/api/markets");
      byId = Object.fromEntries(list.json.markets.map((m: any) => [m.id, m]));
      if (!current()) await new Promise((r) => setTimeout(r, 20));
    }
    expect(byId[a.id].status).toBe("suspended");
    expect(byId[b.id].selections.find((s: any) => s.id === "away").odds).toBe(4);
  });

  it("serves the last odds changes for a chart, oldest first, without who made them", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    for (const home of [2.6, 2.7, 2.8]) await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home } } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    const all = await call("GET", `/api/markets/${market.id}/history`);
    expect(all.status).toBe(200);
    expect(all.json.history.map((p: { seq: number; odds: unknown }) => [p.seq, p.odds])).toEqual([
      [1, { home: 2.6 }],
      [2, { home: 2.7 }],
      [3, { home: 2.8 }],
    ]);
    for (const p of all.json.history) expect(Object.keys(p).sort()).toEqual(["odds", "seq", "ts"]);
    const last = await call("GET", `/api/markets/${market.id}/history?limit=2`);
    expect(last.json.history.map((p: { seq: number }) => p.seq)).toEqual([2, 3]);
    expect((await call("GET", `/api/markets/${market.id}/history?limit=0`)).status).toBe(400);
    expect((await call("GET", `/api/markets/${market.id}/history?limit=201`)).status).toBe(400);
    expect((await call("GET", `/api/markets/${uniqueId("none")}/history`)).status).toBe(404);
  });

  it("refuses a taken market id with 409 MARKET_EXISTS", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const again = await call("POST", "/api/markets", {
      token: admin,
      body: { id: market.id, name: "x", event: "y", selections: [{ id: "a", name: "A", odds: 2 }] },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("MARKET_EXISTS");
  });

  it("answers unknown markets with 404 on every route", async () => {
    const id = uniqueId("missing");
    expect((await call("GET", `/api/markets/${id}`)).status).toBe(404);
    const ws = await call("GET", `/api/markets/${id}/ws`, { headers: { upgrade: "websocket" } });
    expect(ws.status).toBe(404);
    expect(ws.json.error.code).toBe("NOT_FOUND");
  });
});

describe("admin authorisation", () => {
  it("gives admin sessions only for the right key", async () => {
    const wrong = await call("POST", "/api/session", { body: { name: "x", adminKey: "nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe("UNAUTHENTICATED");
    const right = await call("POST", "/api/session", { body: { name: "x", adminKey: ADMIN_KEY } });
    expect(right.status).toBe(201);
    expect(right.json.account.role).toBe("admin");
  });

  it("refuses admin routes without a session (401) and to punters (403)", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token } = await punterSession();
    const routes: [string, unknown][] = [
      [`/api/markets/${market.id}/odds`, { odds: { home: 2 } }],
      [`/api/markets/${market.id}/status`, { status: "suspended" }],
      [`/api/markets/${market.id}/settle`, { winner: "home" }],
      ["/api/markets", { id: uniqueId(), name: "n", event: "e", selections: [{ id: "a", name: "A", odds: 2 }] }],
    ];
    for (const [path, body] of routes) {
      const anon = await call("POST", path, { body });
      expect(anon.status).toBe(401);
      const punter = await call("POST", path, { token, body });
      expect(punter.status).toBe(403);
      expect(punter.json.error.code).toBe("FORBIDDEN");
    }
    const forged = await call("POST", `/api/markets/${market.id}/odds`, { token: `${token}x`, body: { odds: { home: 2 } } });
    expect(forged.status).toBe(401);
    const m = await call("GET", `/api/markets/${market.id}`);
    expect(m.json.market.seq).toBe(0);
  });

  it("answers bad bodies with INVALID and no stack", async () => {
    const admin = await adminSession();
    for (const body of ["{", "[]", { id: "Bad Id", name: "n", event: "e", selections: [] }, { id: "ok-id", extra: 1 }]) {
      const r = await call("POST", "/api/markets", { token: admin, body });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("INVALID");
      expect(JSON.stringify(r.json)).not.toMatch(/at \w+ \(|\.ts:\d+/);
    }
  });
});
