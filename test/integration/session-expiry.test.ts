// A socket never outlives the session it was opened with: the session's
// expiry is kept in the socket's attachment, and the socket is closed with
// 4003 on its first frame after it, or by the reaping pass armed for it.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { nowSeconds, sign } from "../../worker/http/tokens.ts";
import { call, marketAndPunter, mustOpen } from "../helpers/api.ts";
import { betsOf, hubStub } from "../helpers/money.ts";

const SECRET = "test-session-secret-of-thirty-two-chars";

/** A genuine session token for the punter of `token`, ending `seconds` from now. */
async function shortSession(token: string, seconds: number): Promise<{ token: string; exp: number }> {
  const me = (await call("GET", "/api/me", { token })).json.account;
  const exp = nowSeconds() + seconds;
  return { token: await sign({ typ: "session", sub: me.id, name: me.name, role: "punter", iat: nowSeconds(), exp }, SECRET), exp };
}

const expiries = (marketId: string) =>
  runInDurableObject(hubStub(marketId), (hub: MarketHub, state) => state.getWebSockets().map((ws) => hub.room.attachment(ws).expiresAt));

/** Move every socket's session end to just now, as if time had passed to it. */
const endSessions = (marketId: string) =>
  runInDurableObject(hubStub(marketId), (hub: MarketHub, state) => {
    for (const s of state.getWebSockets()) s.serializeAttachment({ ...hub.room.attachment(s), expiresAt: Date.now() - 1 });
  });

describe("a socket and its session", () => {
  it("closes a socket with 4003 on its first frame after the session token expired, and takes no bet from it", async () => {
    const { market, token } = await marketAndPunter();
    const short = await shortSession(token, 3600);
    const ws = await mustOpen(market.id, { token: short.token });
    await ws.next("snapshot");
    expect(await expiries(market.id)).toEqual([short.exp * 1000]);
    // Time passes to the session's end (before any alarm runs), and the socket bets.
    await endSessions(market.id);
    ws.send({ type: "bet", id: "after-expiry-1", selectionId: "home", stake: 100, odds: 2.5 });
    expect(await ws.closedWith()).toMatchObject({ code: 4003 });
    expect((await betsOf(market.id)).map((b) => b.id)).not.toContain("after-expiry-1");
    expect((await call("GET", "/api/me", { token })).json.account.balance).toBe(100_000);
  });

  it("keeps a ticket's session expiry, arms the reaping pass for it, and closes the socket then with 4003", async () => {
    const { market, token } = await marketAndPunter();
    const short = await shortSession(token, 120);
    const ticket = (await call("POST", `/api/markets/${market.id}/ticket`, { token: short.token })).json.ticket;
    const ws = await mustOpen(market.id, { query: `ticket=${ticket}` });
    await ws.next("snapshot");
    expect(await expiries(market.id)).toEqual([short.exp * 1000]);
    // Its pings are on schedule, so only the session's end comes before the sweep.
    ws.send("ping");
    const deadline = Date.now() + 2000;
    while (!ws.frames.includes("pong") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await evictDurableObject(hubStub(market.id));
    await runDurableObjectAlarm(hubStub(market.id));
    const armed = await runInDurableObject(hubStub(market.id), (_hub: MarketHub, state) => state.storage.getAlarm());
    expect(armed).toBe(short.exp * 1000);
    // Time passes to the session's end; the alarm armed for it runs the pass.
    await endSessions(market.id);
    await evictDurableObject(hubStub(market.id));
    expect(await runDurableObjectAlarm(hubStub(market.id))).toBe(true);
    expect(await ws.closedWith()).toMatchObject({ code: 4003 });
  });
});
