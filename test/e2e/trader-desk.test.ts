// The trader's desk in Chromium: the book is pushed on the market's socket,
// never polled, and the console sums the figures of every market on the grid
// (pushed on the book socket) above it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { SHOTS, admin, api, browser, loginTrader, newMarket, selectMarket, useServer, waitForText } from "./harness.ts";

useServer();

/** Counts the page's requests to any market's exposure route, from now on. */
function countExposureCalls(page: Page) {
  const seen = { calls: 0 };
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.endsWith("/exposure")) seen.calls++;
  });
  return seen;
}

/** A trader's console with the market selected, its socket live and its first (pushed) book on screen. */
async function traderOn(marketId: string) {
  const trader = await browser();
  const exposureCalls = countExposureCalls(trader);
  await loginTrader(trader);
  await selectMarket(trader, marketId);
  await trader.locator(`[data-testid="admin-connection-${marketId}"][data-state="live"]`).waitFor();
  await trader.locator(`[data-testid="admin-exposure-total-${marketId}"][data-total-stake="0"]`).waitFor();
  return { trader, exposureCalls };
}

async function punterBets(marketId: string, name: string, bets: [string, number, number][]) {
  const { token } = await api("POST", "/api/session", { name });
  for (const [i, [selectionId, stake, odds]] of bets.entries()) {
    const r = await api("POST", `/api/markets/${marketId}/bets`, { id: `${marketId}-${name}-${i}`, selectionId, stake, odds }, token);
    assert.equal(r.status, "accepted");
  }
}

describe("the trader's desk", () => {
  it("the exposure view updates within a second of a bet without polling", async () => {
    await newMarket("desk-push");
    const { trader, exposureCalls } = await traderOn("desk-push");
    await punterBets("desk-push", "fay", [["home", 2000, 2.5]]);
    // 20.00 at 2.50: the book pays 50.00 if Home wins and keeps 20.00 of stakes: -30.00.
    await trader.locator('[data-testid="admin-exposure-row-desk-push-home"][data-profit="-3000"]').waitFor({ timeout: 1000 });
    assert.equal(await trader.getByTestId("admin-exposure-total-desk-push").getAttribute("data-total-stake"), "2000");
    // Longer than the old 2 s poll: still not one request to the exposure route, from login on.
    await trader.waitForTimeout(2500);
    assert.equal(exposureCalls.calls, 0);
    await trader.screenshot({ path: join(SHOTS, "trader-desk-book.png") });
  });

  it("shows totals over the markets on screen, selected or not: staked, worst case and bets", async () => {
    await newMarket("desk-sum-a");
    await newMarket("desk-sum-b");
    const { trader, exposureCalls } = await traderOn("desk-sum-a");
    // The grid narrowed to these two markets: the totals are over what is shown.
    await trader.getByTestId("admin-filter-event").fill("E2E desk-sum");
    await trader.locator('[data-testid="admin-totals"][data-markets="2"][data-live="true"]').waitFor({ timeout: 2000 });
    await punterBets("desk-sum-a", "gus", [
      ["home", 2000, 2.5],
      ["away", 1000, 3],
    ]);
    // Staked 30.00; Home winning pays 50.00 (-20.00), Away 30.00 (0.00): the worst case is -20.00.
    const totals = trader.locator('[data-testid="admin-totals"][data-staked="3000"]');
    await totals.waitFor({ timeout: 2000 });
    assert.equal(await totals.getAttribute("data-worst"), "-2000");
    assert.equal(await totals.getAttribute("data-bets"), "2");
    assert.equal(await totals.getAttribute("data-markets"), "2");
    await waitForText(trader, "admin-totals-staked", "30.00");
    await waitForText(trader, "admin-totals-worst", "-20.00");
    await waitForText(trader, "admin-totals-bets", "2");
    assert.match(await totals.innerText(), /over the 2 markets on screen matching the filter/);

    // Another market selected: the first still counts (its figures come on the book socket, not its own).
    await selectMarket(trader, "desk-sum-b");
    await punterBets("desk-sum-b", "hal", [["away", 500, 3]]);
    // 35.00 staked; worst cases -20.00 and -10.00 (Away pays 15.00 on 5.00 staked).
    await trader.locator('[data-testid="admin-totals"][data-staked="3500"][data-worst="-3000"][data-bets="3"]').waitFor({ timeout: 2000 });
    assert.equal(exposureCalls.calls, 0);
    await trader.screenshot({ path: join(SHOTS, "trader-desk-totals.png") });
  });

  it("keeps a settled market's final result on the desk, pushed with the settlement", async () => {
    await newMarket("desk-final");
    const { trader, exposureCalls } = await traderOn("desk-final");
    await punterBets("desk-final", "ida", [["away", 1000, 3]]);
    await api("POST", "/api/markets/desk-final/settle", { void: true }, admin);
    await trader.locator("details.tm-done > summary").click();
    const final = trader.locator('[data-testid="admin-final-desk-final"][data-margin="0"]');
    await final.waitFor({ timeout: 5000 });
    assert.equal(await final.getAttribute("data-taken"), "1000");
    assert.equal(await final.getAttribute("data-paid-out"), "1000");
    assert.equal(exposureCalls.calls, 0);
  });
});
