// Resume, reaping, conflation and the feed watchdog: the stream never
// silently loses a change.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { adminSession, call, createMarket, mustOpen } from "../helpers/api.ts";
import { hubStub } from "../helpers/money.ts";

async function pushes(admin: string, id: string, prices: number[]) {
  const seqs = [];
  for (const p of prices) seqs.push((await call("POST", `/api/markets/${id}/odds`, { token: admin, body: { odds: { home: p } } })).json.seq);
  return seqs;
}

describe("resume", () => {
  it("replays exactly the missed frames, in order, as sent live, then the live stream", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const live = await mustOpen(market.id);
    await live.next("snapshot");
    await pushes(admin, market.id, [2.6]);
    const first = await live.next("odds");
    // A client that saw seq 1 drops; three changes happen while it is away.
    await pushes(admin, market.id, [2.7, 2.8]);
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    const liveFrames = [await live.next("odds"), await live.next("odds"), await live.next("status")];
    const back = await mustOpen(market.id, { query: `since=${first.seq}&epoch=${market.epoch}` });
    const replayed = [await back.next(), await back.next(), await back.next()];
    expect(replayed).toEqual(liveFrames);
    expect(replayed.map((f) => ("seq" in f ? f.seq : null))).toEqual([2, 3, 4]);
    await pushes(admin, market.id, [2.9]);
    expect(await back.next("odds")).toMatchObject({ seq: 5 });
    const rest = await back.drain(100);
    expect(rest.filter((f) => f.type === "snapshot")).toEqual([]);
    live.close();
    back.close();
  });

  it("sends nothing but live frames to a client already up to date", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await pushes(admin, market.id, [2.6, 2.7]);
    const ws = await mustOpen(market.id, { query: `since=2&epoch=${market.epoch}` });
    expect(await ws.next()).toEqual({ type: "viewers", count: 1 });
    await pushes(admin, market.id, [2.8]);
    expect(await ws.next()).toMatchObject({ type: "odds", seq: 3 });
    ws.close();
  });

  it("sends a snapshot for a wrong epoch or a position ahead of the market", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await pushes(admin, market.id, [2.6]);
    for (const query of [`since=0&epoch=not-this-one`, `since=99&epoch=${market.epoch}`, "since=abc&epoch=x"]) {
      const ws = await mustOpen(market.id, { query });
      expect(await ws.next()).toMatchObject({ type: "snapshot", seq: 1, epoch: market.epoch });
      ws.close();
    }
  });

  it("sends a snapshot when the position is older than the log keeps", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await pushes(admin, market.id, [2.6, 2.7, 2.8]);
    // Stand in for retention having dropped the oldest events.
    await runInDurableObject(hubStub(market.id), (_hub: MarketHub, state) => {
      state.storage.sql.exec("DELETE FROM events WHERE seq <= 2");
    });
    const old = await mustOpen(market.id, { query: `since=1&epoch=${market.epoch}` });
    expect(await old.next()).toMatchObject({ type: "snapshot", seq: 3 });
    const recent = await mustOpen(market.id, { query: `since=2&epoch=${market.epoch}` });
    expect(await recent.next()).toMatchObject({ type: "odds", seq: 3 });
    old.close();
    recent.close();
  });

  it("replays a run longer than one page in order, with the viewer count and changes made meanwhile after it", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    // Alternating, so every push is a change (a push to the price already there changes nothing).
    const prices = Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? 2.6 : 2.7));
    await pushes(admin, market.id, prices);
    const back = await mustOpen(market.id, { query: `since=0&epoch=${market.epoch}` });
    // Two changes right after the upgrade, while the replay is still going out a page a turn.
    await pushes(admin, market.id, [3.1, 3.2]);
    const got = [];
    for (let i = 0; i < 153; i++) got.push(await back.next());
    const changes = got.filter((f) => f.type === "odds");
    expect(changes.map((f) => f.seq)).toEqual(Array.from({ length: 152 }, (_, i) => i + 1));
    expect((changes.at(-1) as { odds: Record<string, number> }).odds).toEqual({ home: 3.2 });
    // The count comes right after the replay (it was sent behind it), before the changes made meanwhile.
    expect(got.findIndex((f) => f.type === "viewers")).toBe(150);
    back.close();
  });

  /** Pads the stored frames of seq 1..n to about `bytes` each, as a market of many selections would send. */
  async function padFrames(marketId: string, n: number, bytes: number) {
    await runInDurableObject(hubStub(marketId), (_hub: MarketHub, state) => {
      for (let seq = 1; seq <= n; seq++) {
        const frame = JSON.stringify({ type: "odds", seq, odds: { home: 2.5 }, pad: "x".repeat(bytes) });
        state.storage.sql.exec("UPDATE events SET frame = ? WHERE seq = ?", frame, seq);
      }
    });
  }

  it("sends a snapshot instead of a replay bigger than MAX_REPLAY_BYTES, and replays one just under it", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await pushes(admin, market.id, [2.6, 2.7, 2.8, 2.9]);
    // Three frames after seq 1: about 3 x 90 KiB, over the 256 KiB bound; two are under it.
    await padFrames(market.id, 4, 90 * 1024);
    const far = await mustOpen(market.id, { query: `since=1&epoch=${market.epoch}` });
    expect(await far.next()).toMatchObject({ type: "snapshot", seq: 4 });
    const near = await mustOpen(market.id, { query: `since=2&epoch=${market.epoch}` });
    expect(await near.next()).toMatchObject({ type: "odds", seq: 3 });
    expect(await near.next()).toMatchObject({ type: "odds", seq: 4 });
    far.close();
    near.close();
  });

  it("answers a resume storm from one address with snapshots once its replay budget is spent, while another address still replays", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await pushes(admin, market.id, [2.6, 2.7, 2.8]);
    // Each resume from seq 1 replays two frames of about 100 KiB: five fit in the 1 MiB burst, the sixth does not.
    await padFrames(market.id, 3, 100 * 1024);
    const storm = { "cf-connecting-ip": "203.0.113.7" };
    const firsts = [];
    for (let i = 0; i < 6; i++) {
      const ws = await mustOpen(market.id, { query: `since=1&epoch=${market.epoch}`, headers: storm });
      firsts.push((await ws.next()).type);
      ws.close();
    }
    expect(firsts).toEqual(["odds", "odds", "odds", "odds", "odds", "snapshot"]);
    const other = await mustOpen(market.id, { query: `since=1&epoch=${market.epoch}`, headers: { "cf-connecting-ip": "198.51.100.9" } });
    expect(await other.next()).toMatchObject({ type: "odds", seq: 2 });
    // Up to date costs nothing: the spent address still resumes at the head without a snapshot.
    const head = await mustOpen(market.id, { query: `since=3&epoch=${market.epoch}`, headers: storm });
    expect(await head.next()).toEqual({ type: "viewers", count: expect.any(Number) });
    other.close();
    head.close();
  });

  it("resumes across an eviction of the hub and across a restart that closed every socket", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await pushes(admin, market.id, [2.6]);
    await evictDurableObject(hubStub(market.id), { webSockets: "close" });
    await pushes(admin, market.id, [2.7, 2.8]);
    await evictDurableObject(hubStub(market.id));
    const ws = await mustOpen(market.id, { query: `since=1&epoch=${market.epoch}` });
    expect([await ws.next(), await ws.next()]).toMatchObject([
      { type: "odds", seq: 2, odds: { home: 2.7 } },
      { type: "odds", seq: 3, odds: { home: 2.8 } },
    ]);
    ws.close();
  });

  it("keeps the newest 10,000 events when trimming", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await runInDurableObject(hubStub(market.id), (hub: MarketHub) => {
      const now = Date.now();
      for (let seq = 1; seq <= 10_050; seq++) hub.store.appendEvent({ seq, ts: now - 48 * 3600_000, type: "odds", by: "t", frame: "{}" });
      hub.store.trimEvents(10_000, now - 24 * 3600_000);
      expect(hub.store.oldestSeq()).toBe(51);
      // Young events are kept however many there are.
      hub.store.appendEvent({ seq: 10_051, ts: now, type: "odds", by: "t", frame: "{}" });
      hub.store.trimEvents(0, now - 24 * 3600_000);
      expect(hub.store.oldestSeq()).toBe(10_051);
    });
  });
});

describe("heartbeats and reaping", () => {
  it("answers ping with pong without the hub's handlers", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ws = await mustOpen(market.id);
    await ws.next("snapshot");
    // The runtime stamps a socket's auto-response time only when it answered the ping itself.
    const stamp = () =>
      runInDurableObject(hubStub(market.id), (_hub: MarketHub, state: DurableObjectState) =>
        state.getWebSockets().map((s) => state.getWebSocketAutoResponseTimestamp(s)?.getTime() ?? null),
      );
    expect(await stamp()).toEqual([null]);
    ws.send("ping");
    const deadline = Date.now() + 2000;
    while (!ws.frames.includes("pong") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(ws.frames).toContain("pong");
    const [pingedAt] = await stamp();
    expect(pingedAt).toEqual(expect.any(Number));
    ws.close();
  });

  it("closes sockets that have been silent for 60 s, also when the alarm wakes a hibernated hub", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const silent = await mustOpen(market.id);
    const chatty = await mustOpen(market.id);
    await silent.next("snapshot");
    await chatty.next("snapshot");
    // Age both connections; the chatty one then pings, which the runtime notes without waking the hub.
    await runInDurableObject(hubStub(market.id), (hub: MarketHub, state) => {
      for (const ws of state.getWebSockets()) ws.serializeAttachment({ ...hub.room.attachment(ws), connectedAt: Date.now() - 61_000 });
    });
    await evictDurableObject(hubStub(market.id));
    chatty.send("ping");
    await new Promise((r) => setTimeout(r, 50));
    expect(await runDurableObjectAlarm(hubStub(market.id))).toBe(true);
    expect((await silent.closedWith()).code).toBe(4000);
    let v = await chatty.next("viewers", 4000);
    while (v.count !== 1) v = await chatty.next("viewers", 4000);
    expect(v.count).toBe(1);
    expect(chatty.closed).toBeNull();
    chatty.close();
  });
});

describe("conflation", () => {
  it("merges odds inside the window, latest wins, flagged con, and never merges away a status", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const phone = await mustOpen(market.id, { query: "conflateMs=300" });
    await phone.next("snapshot");
    await pushes(admin, market.id, [2.6, 2.7]);
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { away: 3.1 } } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    await pushes(admin, market.id, [2.8]);
    const merged = await phone.next("odds");
    expect(merged).toMatchObject({ con: true, seq: 3, odds: { home: 2.7, away: 3.1 } });
    expect(await phone.next()).toMatchObject({ type: "status", seq: 4, status: "suspended" });
    expect(await phone.next("odds", 2000)).toMatchObject({ con: true, seq: 5, odds: { home: 2.8 } });
    phone.close();
  });
});

describe("feed watchdog", () => {
  it("suspends a market whose feed went silent, saying why, and not one whose feed beats", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin, { feedTimeoutMs: 1000 });
    const quiet = await createMarket(admin, { feedTimeoutMs: 60_000 });
    const ws = await mustOpen(market.id);
    await ws.next("snapshot");
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(hubStub(market.id));
    expect(await ws.next("status")).toMatchObject({ status: "suspended", reason: "feed lost: no heartbeat" });
    const beat = await call("POST", `/api/markets/${quiet.id}/feed/heartbeat`, { token: admin });
    expect(beat.status).toBe(200);
    await runDurableObjectAlarm(hubStub(quiet.id));
    expect((await call("GET", `/api/markets/${quiet.id}`)).json.market.status).toBe("open");
    ws.close();
  });
});
