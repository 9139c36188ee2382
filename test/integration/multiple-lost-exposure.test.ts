// A multiple lost on one leg can cost the book nothing more: its legs on
// markets still open are released there, so those markets' exposure no
// longer counts its stake or potential payout (found by a hostile review).
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { adminSession, call, createMarket, punterSession } from "../helpers/api.ts";
import { hubStub } from "../helpers/money.ts";

async function deliver(marketId: string) {
  for (let i = 0; i < 6; i++) {
    const owed = await runInDurableObject(hubStub(marketId), (hub: MarketHub) => hub.legs.nextDue());
    if (owed === null) return;
    await runInDurableObject(hubStub(marketId), (hub: MarketHub) => {
      for (const leg of hub.legs.store.owed(Number.MAX_SAFE_INTEGER, 1000)) hub.legs.store.later(leg.account, leg.multipleId, Date.now() - 1);
    });
    await runDurableObjectAlarm(hubStub(marketId)).catch(() => false);
  }
  throw new Error(`hub ${marketId} still owes leg results`);
}

describe("a lost multiple in the trader's exposure", () => {
  it("no longer counts on its other legs' markets once one leg has lost", async () => {
    const admin = await adminSession();
    const [first, second] = await Promise.all([createMarket(admin), createMarket(admin)]);
    const punter = await punterSession();
    const body = {
      id: `review-lost-${Date.now().toString(36)}`,
      stake: 1000,
      legs: [
        { marketId: first.id, selectionId: "home", odds: 2.5 },
        { marketId: second.id, selectionId: "home", odds: 2.5 },
      ],
    };
    const placed = await call("POST", "/api/multiples", { token: punter.token, body });
    expect(placed.json.multiple.status).toBe("accepted");
    expect((await call("POST", `/api/markets/${first.id}/settle`, { token: admin, body: { winner: "away" } })).status).toBe(200);
    await deliver(first.id);
    const mine = (await call("GET", "/api/me/multiples", { token: punter.token })).json.multiples;
    expect(mine[0].status).toBe("lost");
    const exposure = (await call("GET", `/api/markets/${second.id}/exposure`, { token: admin })).json.exposure;
    expect(exposure.totalStake).toBe(0);
    expect(exposure.selections.find((s: { id: string }) => s.id === "home")).toMatchObject({ bets: 0, stake: 0, payout: 0 });
    // The released leg's market settles later with the leg's selection winning: nothing more is paid.
    const before = (await call("GET", "/api/me", { token: punter.token })).json.account.balance;
    expect((await call("POST", `/api/markets/${second.id}/settle`, { token: admin, body: { winner: "home" } })).status).toBe(200);
    await deliver(second.id);
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(before);
    expect((await call("GET", "/api/me/multiples", { token: punter.token })).json.multiples[0]).toMatchObject({ status: "lost", payout: 0 });
  });
});
