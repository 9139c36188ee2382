// Reaping without a wake every 30 s: silent sockets are closed within the
// documented bound, sockets that ping are left alone and cost no alarm of
// their own, and a socket never outlives the session it was opened with.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bookRelay } from "../../worker/book/book-config.ts";
import type { BookRelay } from "../../worker/book/book-relay.ts";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { CHECK_SLACK_MS, IDLE_MS, PING_DUE_MS } from "../../worker/rules/reaping.ts";
import { type TestSocket, adminSession, createMarket, mustOpen, openBook } from "../helpers/api.ts";
import { hubStub } from "../helpers/money.ts";

/** Send `ping` and wait (bounded) for the runtime's `pong`. */
async function ping(ws: TestSocket): Promise<void> {
  const before = ws.frames.filter((f) => f === "pong").length;
  ws.send("ping");
  const deadline = Date.now() + 2000;
  while (ws.frames.filter((f) => f === "pong").length === before) {
    if (Date.now() > deadline) throw new Error("no pong within 2 s");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Move every socket's connect time `ms` into the past, as if the sockets had been open that long. */
function age(marketId: string, ms: number) {
  return runInDurableObject(hubStub(marketId), (hub: MarketHub, state) => {
    for (const ws of state.getWebSockets()) {
      const a = hub.room.attachment(ws);
      ws.serializeAttachment({ ...a, connectedAt: a.connectedAt - ms });
    }
  });
}

/** Wait (bounded) until the hub has no alarm due within 10 s: the viewer counts of the connects are out. */
async function quiet(marketId: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const armed = await alarmOf(marketId);
    if (armed === null || armed > Date.now() + 10_000) return;
    if (Date.now() > deadline) throw new Error("the hub's alarm stayed due");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alarmOf = (marketId: string) => runInDurableObject(hubStub(marketId), (_hub: MarketHub, state) => state.storage.getAlarm());

describe("reaping", () => {
  it("arms the next pass for just after 60 s from when a socket that never spoke opened, and closes it then with 4000", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const openedAt = Date.now();
    const silent = await mustOpen(market.id);
    await silent.next("snapshot");
    // The viewer count's alarm runs first; the pass it makes finds the socket too young to close.
    await runDurableObjectAlarm(hubStub(market.id));
    expect(silent.closed).toBeNull();
    const armed = await alarmOf(market.id);
    expect(armed).not.toBeNull();
    expect(armed!).toBeLessThanOrEqual(Date.now() + IDLE_MS + CHECK_SLACK_MS);
    expect(armed!).toBeGreaterThanOrEqual(openedAt + IDLE_MS);
    // Time passes; the hub sleeps meanwhile and wakes for the alarm.
    await age(market.id, IDLE_MS);
    await evictDurableObject(hubStub(market.id));
    expect(await runDurableObjectAlarm(hubStub(market.id))).toBe(true);
    expect(await silent.closedWith()).toMatchObject({ code: 4000 });
  });

  it("closes a silent socket with 4000 when its alarm wakes a hibernated hub, and not a socket that pings", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const silent = await mustOpen(market.id);
    const pinging = await mustOpen(market.id);
    await silent.next("snapshot");
    await pinging.next("snapshot");
    await quiet(market.id);
    await age(market.id, IDLE_MS + 1000);
    await ping(pinging);
    // The alarm is due in a moment, and the hub sleeps: the wake for the alarm runs the
    // constructor first, which must not move the alarm it was woken for (that cancels the run).
    await runInDurableObject(hubStub(market.id), (_hub: MarketHub, state) => state.storage.setAlarm(Date.now() + 300));
    await evictDurableObject(hubStub(market.id));
    expect(await silent.closedWith(5000)).toMatchObject({ code: 4000 });
    let v = await pinging.next("viewers", 4000);
    while (v.count !== 1) v = await pinging.next("viewers", 4000);
    expect(pinging.closed).toBeNull();
    pinging.close();
  });

  it("does not arm from the wake of a hub with no alarm stored: that wake may be the alarm's own delivery, which arming would cancel", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ws = await mustOpen(market.id);
    await ws.next("snapshot");
    await quiet(market.id);
    // While the runtime delivers an alarm, getAlarm() answers null: this is what a woken hub sees then.
    await runInDurableObject(hubStub(market.id), (_hub: MarketHub, state) => state.storage.deleteAlarm());
    await evictDurableObject(hubStub(market.id));
    expect(await alarmOf(market.id)).toBeNull();
    ws.close();
  });

  it("arms no alarm at the old 30 s period for a hub whose sockets all ping", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const sockets = [await mustOpen(market.id), await mustOpen(market.id), await mustOpen(market.id)];
    for (const s of sockets) await s.next("snapshot");
    for (const s of sockets) await ping(s);
    // The hub sleeps, as a quiet one does, and its alarm wakes it for a pass: every socket's pings are on schedule.
    await evictDurableObject(hubStub(market.id));
    await runDurableObjectAlarm(hubStub(market.id));
    const armed = await alarmOf(market.id);
    expect(armed).not.toBeNull();
    // Not 30 s, nor 60 s after the last ping: the safety sweep, minutes away.
    expect(armed!).toBeGreaterThan(Date.now() + IDLE_MS + PING_DUE_MS);
    for (const s of sockets) expect(s.closed).toBeNull();
    for (const s of sockets) s.close();
  });

  it("reaps a book relay's sockets the same way: a silent one closed with 4000, a pinging one kept, the next pass minutes away", async () => {
    const open = async () => {
      const r = await openBook();
      await r.socket!.next("book");
      return r.socket!;
    };
    const silent = await open();
    const pinging = await open();
    // This file's first book sockets: both on the first book relay.
    const relay = bookRelay(env, 0);
    expect(await runInDurableObject(relay, (r: BookRelay) => r.room.count())).toBe(2);
    await runInDurableObject(relay, (r: BookRelay, state) => {
      for (const ws of state.getWebSockets()) ws.serializeAttachment({ ...r.room.attachment(ws), connectedAt: Date.now() - IDLE_MS - 1000 });
    });
    await ping(pinging);
    await evictDurableObject(relay);
    expect(await runDurableObjectAlarm(relay)).toBe(true);
    expect(await silent.closedWith()).toMatchObject({ code: 4000 });
    expect(pinging.closed).toBeNull();
    const armed = await runInDurableObject(relay, (_r: BookRelay, state) => state.storage.getAlarm());
    expect(armed!).toBeGreaterThan(Date.now() + IDLE_MS + PING_DUE_MS);
    pinging.close();
  });
});
