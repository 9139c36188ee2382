// The trader's grid totals in Chromium: every market on screen counts, its
// figures pushed on the one book socket, selected or not, with no request to
// any exposure route.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SHOTS, api, browser, loginTrader, newMarket, useServer, watchSockets } from "./harness.ts";

useServer();

const IDS = Array.from({ length: 30 }, (_, i) => `grid-tot-${String(i + 1).padStart(2, "0")}`);

describe("the trader's grid totals", () => {
  it("change within a second of punters' bets on two markets that are not selected, with no exposure request", async () => {
    for (const id of IDS) await newMarket(id);
    const trader = await browser();
    const exposureCalls: string[] = [];
    trader.on("request", (r) => {
      if (new URL(r.url()).pathname.endsWith("/exposure")) exposureCalls.push(r.url());
    });
    const sockets = watchSockets(trader);
    await loginTrader(trader);
    await trader.getByTestId("admin-filter-event").fill("E2E grid-tot-");
    const totals = trader.getByTestId("admin-totals");
    await trader.locator('[data-testid="admin-totals"][data-markets="30"][data-live="true"][data-staked="0"]').waitFor({ timeout: 5000 });
    assert.equal(await trader.locator("tr.tg-row").count(), 30);
    assert.equal(await trader.locator('tr.tg-row[aria-current="true"]').count(), 0, "no market is selected");
    assert.match(await totals.innerText(), /over the 30 markets on screen matching the filter, live from the book/);

    const { token } = await api("POST", "/api/session", { name: "joy" });
    const bet = async (marketId: string, selectionId: string, stake: number, odds: number) => {
      const r = await api("POST", `/api/markets/${marketId}/bets`, { id: `${marketId}-joy`, selectionId, stake, odds }, token);
      assert.equal(r.status, "accepted");
    };
    // 10.00 on Home at 2.50 (worst -15.00), then 20.00 on Away at 3.00 (worst -40.00), on rows 5 and 23.
    await bet(IDS[4], "home", 1000, 2.5);
    await trader.locator('[data-testid="admin-totals"][data-staked="1000"][data-worst="-1500"][data-bets="1"]').waitFor({ timeout: 1000 });
    await bet(IDS[22], "away", 2000, 3);
    await trader.locator('[data-testid="admin-totals"][data-staked="3000"][data-worst="-5500"][data-bets="2"]').waitFor({ timeout: 1000 });
    assert.equal(await trader.getByTestId("admin-totals-staked").innerText(), "30.00");
    assert.equal(await trader.getByTestId("admin-totals-worst").innerText(), "-55.00");

    assert.deepEqual(exposureCalls, []);
    // One book socket and no market socket: nothing was selected.
    assert.ok(sockets.urls.every((u) => u === "/api/book/ws"), sockets.urls.join(" "));
    await trader.screenshot({ path: join(SHOTS, "trader-grid-totals.png") });
  });
});
