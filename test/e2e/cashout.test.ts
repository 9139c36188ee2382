// Live cash out in Chromium against the server `npm start` runs: a punter
// watches an open bet's cash out value move with the trader's odds, cashes
// out, and sees the balance rise by the value and the bet cashed out; a part
// cashed out on My bets leaves the rest open.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SHOTS, admin, api, browser, cents, loginPunter, newMarket, placeBet, server, useServer } from "./harness.ts";

useServer();

/** The contract's formula, as the oracle: floor(stake x taken / current x 0.95) in integers (odds in hundredths). */
const value = (stake: number, taken: number, current: number) => Math.floor((stake * taken * 95) / (current * 100));

describe("live cash out", () => {
  it("shows the value move with the odds, cashes out, credits the value and shows the bet cashed out", async () => {
    await newMarket("e2e-cashout");
    const page = await browser();
    await page.goto(`${server.url}/#/market/e2e-cashout`);
    await loginPunter(page, "casher");
    await placeBet(page, "e2e-cashout", "10.00");
    const control = page.getByTestId("open-bets-here").locator('[data-testid^="cashout-"]').first();
    const button = control.getByTestId("cashout-button");
    await button.and(page.locator(`[data-value="${value(1000, 250, 250)}"]`)).waitFor({ timeout: 8000 });
    assert.match(await button.innerText(), /Cash out 9\.50/);
    // The trader shortens the price: the value rises with it, live.
    await api("POST", "/api/markets/e2e-cashout/odds", { odds: { home: 2 } }, admin);
    const now = value(1000, 250, 200);
    await button.and(page.locator(`[data-value="${now}"]`)).waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(SHOTS, "cashout-value.png") });
    const before = await cents(page);
    await button.click();
    await control.locator('[data-testid="cashout-outcome"][data-status="done"]').waitFor({ timeout: 5000 });
    assert.equal(await control.getByTestId("cashout-outcome").innerText(), "Cashed out for 11.87.");
    await page.waitForFunction((want) => Number(document.querySelector('[data-testid="balance"]')?.textContent?.replace(/[^0-9]/g, "")) === want, before + now, { timeout: 5000 });
    await page.getByTestId("nav-bets").click();
    await page.getByTestId("settled-bets").locator(".bet-cashed_out").first().waitFor({ timeout: 5000 });
    assert.match(await page.getByTestId("settled-bets").innerText(), /cashed out/);
    await page.screenshot({ path: join(SHOTS, "cashout-done.png") });
  });

  it("cashes out half the stake from My bets and keeps the rest open, and says why when the market is suspended", async () => {
    await newMarket("e2e-cashout-part");
    const page = await browser();
    await page.goto(`${server.url}/#/market/e2e-cashout-part`);
    await loginPunter(page, "halver");
    await placeBet(page, "e2e-cashout-part", "20.00");
    await page.getByTestId("nav-bets").click();
    const control = page.getByTestId("open-bets").locator('[data-testid^="cashout-"]').first();
    const button = control.getByTestId("cashout-button");
    await button.and(page.locator(`[data-value="${value(2000, 250, 250)}"]`)).waitFor({ timeout: 8000 });
    await control.getByTestId("cashout-part").fill("50");
    await button.and(page.locator(`[data-value="${value(1000, 250, 250)}"]`)).waitFor({ timeout: 5000 });
    const before = await cents(page);
    await button.click();
    await control.locator('[data-testid="cashout-outcome"][data-status="done"]').waitFor({ timeout: 5000 });
    await page.waitForFunction((want) => Number(document.querySelector('[data-testid="balance"]')?.textContent?.replace(/[^0-9]/g, "")) === want, before + value(1000, 250, 250), { timeout: 5000 });
    // The rest: a 10.00 bet at 2.50, still open, returning 25.00.
    await page.waitForFunction(() => /10\.00[\s\S]*25\.00/.test(document.querySelector('[data-testid="open-bets"]')?.textContent ?? ""), null, { timeout: 5000 });
    await api("POST", "/api/markets/e2e-cashout-part/status", { status: "suspended" }, admin);
    await button.and(page.locator('[data-value=""]')).waitFor({ timeout: 5000 });
    assert.match(await button.innerText(), /Cash out unavailable/);
    assert.equal(await button.isDisabled(), true);
  });
});
