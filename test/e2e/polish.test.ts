// The newcomer review's findings, in Chromium: a phone's statement and trader
// grid fit the screen, the statement names every entry in words, the trader's
// header follows the market's seq, the slip says why it offers no multiple,
// and passkeys on an IP address point at localhost instead of failing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { admin, api, browser, loginAccount, loginPunter, loginTrader, newMarket, selectMarket, server, useServer, waitForText } from "./harness.ts";

useServer();

const PHONE = { width: 375, height: 740 };

/** How far the page, and the element, spill sideways (0 when they fit). */
async function spill(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel) as HTMLElement;
    const root = document.scrollingElement as HTMLElement;
    return { page: root.scrollWidth - root.clientWidth, element: el.scrollWidth - el.clientWidth };
  }, selector);
}

describe("polish from the newcomer review", () => {
  it("fits the statement on a 375 px phone and names the opening grant 'Opening balance'", async () => {
    const page = await browser(PHONE);
    await page.goto(`${server.url}/#/`);
    await loginAccount(page, "polish-statement", "a long enough password", true);
    await page.goto(`${server.url}/#/account`);
    await page.getByTestId("deposit-amount").fill("250000");
    await page.getByTestId("deposit-submit").click();
    const statement = page.getByTestId("statement");
    await statement.locator("tbody tr").nth(1).waitFor();
    assert.deepEqual(await spill(page, ".table-scroll"), { page: 0, element: 0 });
    const text = await statement.innerText();
    assert.match(text, /Opening balance/);
    assert.doesNotMatch(text, /\bgrant\b/);
    assert.match(text, /Deposit/);
  });

  it("fits the trader grid on a 375 px phone with Suspend on one line", async () => {
    await newMarket("polish-grid", "A rather long market name for a phone");
    const page = await browser(PHONE);
    await loginTrader(page);
    const button = page.getByTestId("admin-suspend-polish-grid");
    await button.waitFor();
    const lines = await button.evaluate((b) => {
      const range = document.createRange();
      range.selectNodeContents(b);
      return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
    });
    assert.equal(lines, 1, "the Suspend label is on one line");
    assert.ok((await button.boundingBox())!.height >= 44, "still a 44 px target");
    assert.deepEqual(await spill(page, ".tg-wrap"), { page: 0, element: 0 });
  });

  it("puts the login form's labels above their boxes and the slip sheet's Clear and Close at one height on a phone", async () => {
    await newMarket("polish-sheet");
    const page = await browser(PHONE);
    await page.goto(`${server.url}/#/`);
    const nameBox = (await page.getByTestId("login-name").boundingBox())!;
    const passwordLabel = (await page.locator('label[for="login-key"]').boundingBox())!;
    assert.ok(passwordLabel.y >= nameBox.y + nameBox.height, "the Password label sits below the Name box, not beside it");
    await loginPunter(page, "polish-sheet");
    await page.getByTestId("odds-polish-sheet-home").click();
    await page.getByTestId("slip-bar").click();
    const clear = (await page.getByTestId("slip-clear").boundingBox())!;
    const close = (await page.getByTestId("slip-close").boundingBox())!;
    assert.deepEqual([clear.y, clear.height], [close.y, close.height]);
    // Their words too, not only their boxes.
    const textTop = (id: string) =>
      page.getByTestId(id).evaluate((b) => {
        const range = document.createRange();
        range.selectNodeContents(b);
        return Math.round(range.getBoundingClientRect().top);
      });
    assert.equal(await textTop("slip-clear"), await textTop("slip-close"));
  });

  it("shows the live seq in the trader's market header after an odds push", async () => {
    await newMarket("polish-seq");
    const page = await browser();
    await loginTrader(page);
    await selectMarket(page, "polish-seq");
    await page.locator('[data-testid="admin-connection-polish-seq"][data-state="live"]').waitFor();
    const before = Number(await page.getByTestId("admin-seq-polish-seq").innerText());
    const { seq } = await api("POST", "/api/markets/polish-seq/odds", { odds: { home: 2.6 } }, admin);
    assert.ok(seq > before);
    await waitForText(page, "admin-seq-polish-seq", String(seq));
  });

  it("says why the slip offers no multiple when two selections are on one market", async () => {
    await newMarket("polish-multi-a");
    await newMarket("polish-multi-b");
    const page = await browser();
    await page.goto(`${server.url}/#/`);
    await loginPunter(page, "polish-multi");
    for (const [id, sel] of [["polish-multi-a", "home"], ["polish-multi-a", "away"], ["polish-multi-b", "home"]]) await page.getByTestId(`odds-${id}-${sel}`).click();
    await waitForText(page, "multiple-why", "each selection on a different market", { partial: true });
    assert.equal(await page.getByTestId("slip-multiple").count(), 0);
    // One of the two on market A gone: the multiple is offered, the hint is not.
    await page.getByTestId("slip-entry-polish-multi-a-away").getByTestId("slip-remove").click();
    await page.getByTestId("slip-multiple").waitFor();
    assert.equal(await page.getByTestId("multiple-why").count(), 0);
  });

  it("points the passkey buttons at localhost on an IP address, and keeps them on localhost", async () => {
    const page = await browser();
    await page.goto(`${server.url}/#/`);
    const link = page.getByTestId("login-passkey-elsewhere");
    const local = server.url.replace("127.0.0.1", "localhost");
    assert.equal(await link.getAttribute("href"), `${local}/#/`);
    assert.match(await link.innerText(), new RegExp(`Passkeys need ${local}/`));
    assert.equal(await page.getByTestId("login-passkey").count(), 0);
    await page.goto(`${local}/#/`);
    await page.getByTestId("login-passkey").waitFor();
    assert.equal(await page.getByTestId("login-passkey-elsewhere").count(), 0);
  });
});
