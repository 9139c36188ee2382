// End-to-end in Chromium: a punter builds a three-leg multiple on the lobby's
// bet slip, sees its combined odds and return, places it; the trader settles
// the three markets; the punter sees it won and the balance credited.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SHOTS, admin, api, axeViolations, browser, cents, loginPunter, newMarket, server, useServer, waitForText } from "./harness.ts";

useServer();

describe("multiples in the web app", () => {
  it("builds a three-leg multiple on the bet slip, shows its odds and return, and credits it once the trader settles all three markets", async () => {
    const ids = ["e2e-multi-a", "e2e-multi-b", "e2e-multi-c"];
    for (const id of ids) await newMarket(id);
    const page = await browser();
    await page.goto(`${server.url}/#/`);
    await loginPunter(page, "molly");
    // Home 2.50, away 3.00, home 2.50: combined 18.75.
    const picks = [
      [ids[0], "home"],
      [ids[1], "away"],
      [ids[2], "home"],
    ] as const;
    for (const [id, sel] of picks) await page.getByTestId(`odds-${id}-${sel}`).click();
    const multiple = page.getByTestId("slip-multiple");
    await multiple.getByTestId("multiple-toggle").check();
    await multiple.getByTestId("multiple-stake").fill("10");
    await waitForText(page, "multiple-odds", "18.75");
    // 1000 cents x 18.75 = 18750 cents, exactly.
    await waitForText(page, "multiple-return", "187.50");
    await page.screenshot({ path: join(SHOTS, "multiple-slip.png") });
    assert.deepEqual(await axeViolations(page), []);
    const before = await cents(page);
    await multiple.getByTestId("place-multiple").click();
    await multiple.locator('[data-testid="multiple-outcome"][data-phase="accepted"]').waitFor({ timeout: 10_000 });
    assert.equal(await multiple.getByTestId("multiple-outcome").innerText(), "Multiple accepted: returns 187.50");
    await page.waitForFunction((want) => Number(document.querySelector('[data-testid="balance"]')?.textContent?.replace(/[^0-9]/g, "")) === want, before - 1000, { timeout: 5000 });

    // The trader settles the three markets (over the API); each leg wins.
    for (const [id, sel] of picks) await api("POST", `/api/markets/${id}/settle`, { winner: sel }, admin);

    await page.goto(`${server.url}/#/bets`);
    const row = page.locator('[data-testid^="multiple-row-"]').first();
    await row.locator('[data-testid="multiple-status"]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid^="multiple-row-"]')?.getAttribute("data-status") === "won", null, { timeout: 10_000 });
    assert.equal(await row.getByTestId("multiple-payout").innerText(), "187.50");
    assert.match(await row.innerText(), /3 legs/);
    await page.waitForFunction((want) => Number(document.querySelector('[data-testid="balance"]')?.textContent?.replace(/[^0-9]/g, "")) === want, before - 1000 + 18750, { timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, "my-multiples.png") });
  });
});
