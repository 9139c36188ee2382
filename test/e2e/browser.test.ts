// End-to-end in Debian's Chromium against the server `npm start` runs: a
// trader and a punter in separate browser contexts, the restart of the server,
// a phone screen, and the page's defences. Screenshots go to test-results/.
import assert from "node:assert/strict";
import http from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import {
  ADMIN_KEY, PORT, ROOT, SHOTS, admin, api, axeViolations, browser, cents, homeOnSlip, isDisabled, loginAccount,
  loginPunter, loginTrader, newMarket, placeBet, selectMarket, server, untilOpen, waitForText, watchSockets, work, useServer,
} from "./harness.ts";

useServer();

describe("the web app", () => {
  it("shows a trader's odds push to a punter in another browser within a second", async () => {
    await newMarket("e2e-push");
    const punter = await browser();
    await punter.goto(`${server.url}/#/market/e2e-push`);
    const price = punter.getByTestId("odds-e2e-push-home");
    await assert.doesNotReject(price.waitFor());
    assert.equal(await price.innerText(), "2.50");
    const trader = await browser();
    await loginTrader(trader);
    await selectMarket(trader, "e2e-push");
    await punter.getByTestId("connection-status").and(punter.locator('[data-state="live"]')).waitFor();
    await trader.getByTestId("admin-odds-up-e2e-push-home").click();
    // 2.50 is one tick below 2.52 on the ladder.
    await punter.waitForFunction(() => document.querySelector('[data-testid="odds-e2e-push-home"]')?.textContent === "2.52", null, { timeout: 1000 });
    await trader.screenshot({ path: join(SHOTS, "trader-console.png") });
    await punter.screenshot({ path: join(SHOTS, "market-view.png") });
  });

  it("shows the trader a live book: bets taken and the result if each selection wins", async () => {
    await newMarket("e2e-book");
    const trader = await browser();
    await loginTrader(trader);
    await selectMarket(trader, "e2e-book");
    await trader.getByTestId("admin-exposure-e2e-book").waitFor();
    const { token } = await api("POST", "/api/session", { name: "dave" });
    await api("POST", "/api/markets/e2e-book/bets", { id: "e2e-book-bet-1", selectionId: "home", stake: 2000, odds: 2.5 }, token);
    // 20.00 at 2.50: the book pays 50.00 if Home wins, keeping 20.00 of stakes: -30.00.
    const row = trader.locator('[data-testid="admin-exposure-row-e2e-book-home"][data-profit="-3000"]');
    await row.waitFor({ timeout: 5000 });
    assert.equal(await row.getAttribute("data-worst"), "true");
    assert.equal(await trader.getByTestId("admin-exposure-total-e2e-book").getAttribute("data-total-stake"), "2000");
    await trader.screenshot({ path: join(SHOTS, "trader-book.png") });
  });

  it("shows the trader a settled market's final result: taken, paid out and margin", async () => {
    await newMarket("e2e-final");
    const trader = await browser();
    await loginTrader(trader);
    await selectMarket(trader, "e2e-final");
    const { token } = await api("POST", "/api/session", { name: "erin" });
    await api("POST", "/api/markets/e2e-final/bets", { id: "e2e-final-bet-1", selectionId: "home", stake: 2000, odds: 2.5 }, token);
    await api("POST", "/api/markets/e2e-final/bets", { id: "e2e-final-bet-2", selectionId: "away", stake: 1000, odds: 3 }, token);
    await api("POST", "/api/markets/e2e-final/settle", { winner: "home" }, admin);
    // A finished market moves to the folded list of settled and voided markets, still selected.
    await trader.locator('[data-testid="admin-market-e2e-final"][data-status="settled"]').waitFor({ state: "attached" });
    await trader.locator("details.tm-done > summary").click();
    // Taken 20.00 + 10.00; Home's 20.00 at 2.50 is paid 50.00: the book lost 20.00.
    const final = trader.locator('[data-testid="admin-final-e2e-final"][data-margin="-2000"]');
    await final.waitFor({ timeout: 5000 });
    assert.equal(await final.getAttribute("data-taken"), "3000");
    assert.equal(await final.getAttribute("data-paid-out"), "5000");
    assert.equal(await trader.getByTestId("admin-exposure-total-e2e-final").count(), 0);
  });

  it("takes a bet: the balance drops by the stake and My bets shows it", async () => {
    await newMarket("e2e-bet");
    const page = await browser();
    await page.goto(`${server.url}/#/market/e2e-bet`);
    await loginPunter(page, "alice");
    assert.equal(await cents(page), 100_000);
    await placeBet(page, "e2e-bet", "12.50");
    await page.waitForFunction(() => document.querySelector('[data-testid="balance"]')?.textContent?.includes("987.50"), null, { timeout: 5000 });
    await page.screenshot({ path: join(SHOTS, "bet-accepted.png") });
    await page.getByTestId("nav-bets").click();
    await page.getByTestId("open-bets").locator(".bet-accepted").first().waitFor({ timeout: 5000 });
    const row = await page.getByTestId("open-bets").innerText();
    assert.match(row, /12\.50/);
  });

  it("disables betting while a market is suspended and enables it on resume", async () => {
    await newMarket("e2e-suspend");
    const page = await browser();
    await page.goto(`${server.url}/#/market/e2e-suspend`);
    const button = page.getByTestId("odds-e2e-suspend-home");
    await button.waitFor();
    assert.equal(await button.isEnabled(), true);
    await api("POST", "/api/markets/e2e-suspend/status", { status: "suspended" }, admin);
    await page.getByTestId("suspended-overlay").waitFor({ timeout: 3000 });
    await page.waitForFunction(() => (document.querySelector('[data-testid="odds-e2e-suspend-home"]') as HTMLButtonElement)?.disabled === true);
    await page.screenshot({ path: join(SHOTS, "suspended.png") });
    await api("POST", "/api/markets/e2e-suspend/status", { status: "open" }, admin);
    await page.waitForFunction(() => (document.querySelector('[data-testid="odds-e2e-suspend-home"]') as HTMLButtonElement)?.disabled === false, null, { timeout: 3000 });
    await page.getByTestId("suspended-overlay").waitFor({ state: "detached", timeout: 3000 });
  });

  it("shows a settled bet as won and credits the balance", async () => {
    await newMarket("e2e-settle");
    const page = await browser();
    await page.goto(`${server.url}/#/market/e2e-settle`);
    await loginPunter(page, "bob");
    await placeBet(page, "e2e-settle", "10");
    await page.waitForFunction(() => document.querySelector('[data-testid="balance"]')?.textContent?.includes("990.00"), null, { timeout: 5000 });
    await api("POST", "/api/markets/e2e-settle/settle", { winner: "home" }, admin);
    // 10.00 at 2.50 returns 25.00: 990.00 + 25.00.
    await page.waitForFunction(() => document.querySelector('[data-testid="balance"]')?.textContent?.includes("1,015.00"), null, { timeout: 8000 });
    await page.getByTestId("nav-bets").click();
    await page.getByTestId("settled-bets").locator(".bet-won").first().waitFor({ timeout: 8000 });
    assert.match(await page.getByTestId("bets-profit").innerText(), /\+15\.00/);
    await page.screenshot({ path: join(SHOTS, "my-bets.png") });
  });

  it("goes back to live odds by itself after the server restarts", async () => {
    await newMarket("e2e-restart");
    const page = await browser();
    await page.goto(`${server.url}/#/market/e2e-restart`);
    const status = page.getByTestId("connection-status");
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
    await server.stopWorker();
    await page.waitForFunction(() => document.querySelector('[data-testid="connection-status"]')?.getAttribute("data-state") !== "live", null, { timeout: 10_000 });
    await server.start();
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 20_000 });
    await api("POST", "/api/markets/e2e-restart/odds", { odds: { away: 3.1 } }, admin);
    await page.waitForFunction(() => document.querySelector('[data-testid="odds-e2e-restart-away"]')?.textContent === "3.10", null, { timeout: 3000 });
    assert.equal(await status.getAttribute("data-state"), "live");
  });

  it("takes a bet from the bet slip on a 375 px phone screen, with the slip inside the screen", async () => {
    await newMarket("e2e-phone");
    const page = await browser({ width: 375, height: 740 });
    await page.goto(`${server.url}/#/market/e2e-phone`);
    await loginPunter(page, "carol");
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
    await page.getByTestId("odds-e2e-phone-home").click();
    // On a narrow screen the slip is a sheet over the prices; the bar at the bottom opens it.
    await page.getByTestId("slip-bar").click();
    const slip = page.getByTestId("bet-slip");
    const entry = page.getByTestId("slip-entry-e2e-phone-home");
    await entry.getByTestId("stake-input").fill("5");
    // 5.00 at 2.50 returns 12.50.
    await waitForText(page, "potential-return", "12.50");
    for (const [what, box] of [
      ["bet slip", await slip.boundingBox()],
      ["stake input", await entry.getByTestId("stake-input").boundingBox()],
      ["place bet button", await entry.getByTestId("place-bet").boundingBox()],
    ] as const) {
      assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `${what} fits the screen's width: ${JSON.stringify(box)}`);
    }
    await entry.getByTestId("place-bet").click();
    const outcome = entry.locator('[data-testid="bet-outcome"][data-phase="accepted"]');
    await outcome.waitFor({ timeout: 10_000 });
    assert.equal(await outcome.innerText(), "Bet accepted: 5.00 at 2.50, returns 12.50.");
    await waitForText(page, "balance", "995.00", { partial: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(SHOTS, "phone.png"), fullPage: true });
  });

  it("runs a market from the trader console alone: create, price, suspend and reopen by key, in play with a delay, settle", async () => {
    const trader = await browser();
    await loginTrader(trader);
    const form = trader.getByTestId("admin-create-form");
    await form.getByTestId("admin-new-id").fill("e2e-console");
    await form.getByTestId("admin-new-name").fill("Match odds");
    await form.getByTestId("admin-new-event").fill("Console v Keyboard");
    await form.getByTestId("admin-sel-name-0").fill("Home");
    await form.getByTestId("admin-sel-odds-0").fill("2.5");
    await form.getByTestId("admin-sel-name-1").fill("Away");
    await form.getByTestId("admin-sel-odds-1").fill("3");
    await form.getByTestId("admin-create-submit").click();
    await waitForText(trader, "admin-create-result", "Created market e2e-console.");
    const panel = trader.getByTestId("admin-market-e2e-console");
    await panel.waitFor();
    await selectMarket(trader, "e2e-console");

    const punter = await browser();
    await punter.goto(`${server.url}/#/market/e2e-console`);
    await loginPunter(punter, "erin");
    await punter.locator('[data-testid="market-connection"][data-state="live"]').waitFor({ timeout: 20_000 });
    assert.equal(await punter.getByTestId("odds-e2e-console-home").innerText(), "2.50");

    await trader.getByTestId("admin-odds-input-e2e-console-home").fill("4.2");
    await trader.getByTestId("admin-odds-set-e2e-console-home").click();
    await waitForText(punter, "odds-e2e-console-home", "4.20");
    await waitForText(trader, "admin-price-e2e-console-home", "4.20");

    // "s" acts on the selected market; focusing its panel (as Tab would) selects it.
    await panel.focus();
    await trader.keyboard.press("s");
    await trader.locator('[data-testid="admin-market-e2e-console"][data-status="suspended"]').waitFor();
    await punter.getByTestId("suspended-overlay").waitFor();
    await isDisabled(punter, "odds-e2e-console-home", true);
    await trader.keyboard.press("s");
    await trader.locator('[data-testid="admin-market-e2e-console"][data-status="open"]').waitFor();
    await punter.getByTestId("suspended-overlay").waitFor({ state: "detached" });
    await isDisabled(punter, "odds-e2e-console-home", false);
    await punter.getByTestId("odds-e2e-console-home").click();
    const entry = punter.getByTestId("slip-entry-e2e-console-home");
    await entry.getByTestId("stake-input").fill("10");
    await isDisabled(punter, "place-bet", false);

    await trader.getByTestId("admin-delay-e2e-console").fill("2");
    await trader.getByTestId("admin-inplay-e2e-console").click();
    await trader.locator('[data-testid="admin-inplay-e2e-console"][aria-pressed="true"]').waitFor();
    await waitForText(punter, "inplay-badge-e2e-console", "In-play · 2 s delay");
    await punter.getByText("In play: bets are confirmed after a 2 s delay.").waitFor();
    await trader.getByTestId("admin-detail-e2e-console").screenshot({ path: join(SHOTS, "trader-in-play.png") });

    await trader.getByTestId("admin-winner-e2e-console").selectOption("away");
    await trader.getByTestId("admin-settle-e2e-console").click();
    const dialog = trader.getByTestId("admin-confirm-dialog");
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Settle "Match odds" with winner "Away"/);
    assert.equal(await trader.getByTestId("admin-confirm-ok").innerText(), "Settle: Away wins");
    await trader.getByTestId("admin-confirm-ok").click();
    await dialog.waitFor({ state: "detached" });
    await punter.getByTestId("settled-overlay").waitFor();
    assert.match((await punter.getByTestId("settled-overlay").textContent()) ?? "", /Winner: Away/);
    await waitForText(punter, "status-badge-e2e-console", "settled");
    await isDisabled(punter, "odds-e2e-console-away", true);
    await trader.locator('[data-testid="admin-market-e2e-console"][data-status="settled"]').waitFor({ state: "attached" });
    await punter.screenshot({ path: join(SHOTS, "market-settled.png") });
  });

  it("moves a price five ticks for five fast presses, steps the focused price by arrow keys, and toggles in play by I", async () => {
    await newMarket("e2e-ladder");
    const trader = await browser();
    await loginTrader(trader);
    await selectMarket(trader, "e2e-ladder");
    await trader.locator('[data-testid="admin-connection-e2e-ladder"][data-state="live"]').waitFor();
    assert.match(await trader.getByTestId("admin-shortcuts").innerText(), /↑.*↓.*S.*I/s);
    // Five presses in one task: all of them land before the first push can answer.
    await trader.evaluate(() => {
      const up = document.querySelector('[data-testid="admin-odds-up-e2e-ladder-home"]') as HTMLButtonElement;
      for (let i = 0; i < 5; i++) up.click();
    });
    // 2.50 and five ticks of 0.02: 2.60, shown as sent at once and confirmed when the socket echoes it.
    await waitForText(trader, "admin-price-e2e-ladder-home", "2.60");
    await trader.locator('[data-testid="admin-price-e2e-ladder-home"][data-state="confirmed"]').waitFor({ timeout: 5000 });
    assert.equal((await api("GET", "/api/markets/e2e-ladder")).market.selections[0].odds, 2.6);

    await trader.getByTestId("admin-odds-up-e2e-ladder-away").focus();
    for (let i = 0; i < 3; i++) await trader.keyboard.press("ArrowDown");
    await trader.keyboard.press("ArrowUp");
    // 3.00, three ticks down (2.98, 2.96, 2.94) and one up: 2.96.
    await waitForText(trader, "admin-price-e2e-ladder-away", "2.96");
    await trader.locator('[data-testid="admin-price-e2e-ladder-away"][data-state="confirmed"]').waitFor({ timeout: 5000 });
    assert.equal((await api("GET", "/api/markets/e2e-ladder")).market.selections[1].odds, 2.96);

    await trader.keyboard.press("i");
    await trader.locator('[data-testid="admin-inplay-e2e-ladder"][aria-pressed="true"]').waitFor();
    assert.equal((await api("GET", "/api/markets/e2e-ladder")).market.inPlay, true);
    await trader.keyboard.press("i");
    await trader.locator('[data-testid="admin-inplay-e2e-ladder"][aria-pressed="false"]').waitFor();
    assert.equal((await api("GET", "/api/markets/e2e-ladder")).market.inPlay, false);
  });

  it("shows a price change made while a bet is drafted, with its arrow and old price, and sends it only once the punter accepts it", async () => {
    const { page, entry } = await homeOnSlip("e2e-drift", "gina");
    await entry.getByTestId("quick-stake-10").click();
    assert.equal(await entry.getByTestId("stake-input").inputValue(), "10");
    await waitForText(page, "potential-return", "25.00");
    await isDisabled(page, "place-bet", false);
    await api("POST", "/api/markets/e2e-drift/odds", { odds: { home: 2.6 } }, admin);
    const change = entry.getByTestId("price-change");
    await change.waitFor({ timeout: 3000 });
    assert.equal(await change.getAttribute("data-direction"), "up");
    assert.equal(await change.getByTestId("old-price").innerText(), "2.50");
    assert.equal(await change.getByTestId("new-price").innerText(), "2.60");
    assert.match(await change.innerText(), /▲/);
    // Not sent at a price the punter has not agreed to.
    await isDisabled(page, "place-bet", true);
    await entry.getByTestId("accept-price").click();
    await change.waitFor({ state: "detached" });
    assert.equal(await entry.getByTestId("slip-price").innerText(), "2.60");
    await waitForText(page, "potential-return", "26.00");
    await entry.getByTestId("place-bet").click();
    const outcome = entry.locator('[data-testid="bet-outcome"][data-phase="accepted"]');
    await outcome.waitFor({ timeout: 5000 });
    assert.match(await outcome.innerText(), /10\.00 at 2\.60/);
  });

  it("takes a bet at a better price that came during the in-play delay, with \"Accept higher odds\" as the default", async () => {
    const { page, entry } = await homeOnSlip("e2e-better", "hank", 2000);
    assert.equal(await page.getByTestId("accept-policy").inputValue(), "better");
    assert.equal(await page.locator('[data-testid="accept-policy"] option:checked').innerText(), "Accept higher odds");
    await entry.getByTestId("stake-input").fill("10");
    await entry.getByTestId("place-bet").click();
    await entry.locator('[data-testid="bet-outcome"][data-phase="pending"]').waitFor({ timeout: 3000 });
    // The price moves in the punter's favour (2.50 to 2.60) before the delay ends.
    await api("POST", "/api/markets/e2e-better/odds", { odds: { home: 2.6 } }, admin);
    await entry.locator('[data-testid="bet-outcome"][data-phase="accepted"]').waitFor({ timeout: 8000 });
    await waitForText(page, "balance", "990.00", { partial: true });
  });

  it("opens the bet slip on a phone as a sheet over the page, without moving the page", async () => {
    for (let i = 0; i < 6; i++) await newMarket(`e2e-sheet-${i}`);
    const page = await browser({ width: 375, height: 740 });
    await page.goto(`${server.url}/#/`);
    await loginPunter(page, "iris");
    await page.getByTestId("market-card-e2e-sheet-5").waitFor();
    await page.getByTestId("odds-e2e-sheet-5-home").scrollIntoViewIfNeeded();
    await page.getByTestId("odds-e2e-sheet-5-home").click();
    const before = await page.evaluate(() => window.scrollY);
    assert.ok(before > 0, "the page is scrolled down to the market");
    await page.getByTestId("slip-bar").click();
    const slip = page.getByTestId("bet-slip");
    await slip.waitFor({ state: "visible" });
    await page.waitForFunction(() => document.activeElement?.id === "bet-slip", null, { timeout: 2000 });
    assert.equal(await page.evaluate(() => window.scrollY), before, "the page did not move");
    const box = await slip.boundingBox();
    assert.ok(box && box.y >= 0 && Math.abs(box.y + box.height - 740) <= 1 && box.width <= 375, `the sheet sits at the bottom of the screen: ${JSON.stringify(box)}`);
    const entry = page.getByTestId("slip-entry-e2e-sheet-5-home");
    await entry.getByTestId("quick-stake-5").click();
    await entry.getByTestId("place-bet").click();
    await entry.locator('[data-testid="bet-outcome"][data-phase="accepted"]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, "phone-sheet.png") });
    await page.getByTestId("slip-close").click();
    await slip.waitFor({ state: "hidden" });
    assert.equal(await page.evaluate(() => window.scrollY), before, "closing the sheet leaves the page where it was");
  });

  it("tells a refused bet from the in-play delay that its held stake came back, and shows won, lost and void bets each in its own style", async () => {
    const { page, entry } = await homeOnSlip("e2e-held", "jade", 3000);
    await entry.getByTestId("stake-input").fill("10");
    await entry.getByTestId("place-bet").click();
    const pending = entry.locator('[data-testid="bet-outcome"][data-outcome="pending"]');
    await pending.waitFor({ timeout: 3000 });
    assert.match(await pending.innerText(), /stake is held/);
    await waitForText(page, "balance", "990.00", { partial: true });
    await api("POST", "/api/markets/e2e-held/status", { status: "suspended" }, admin);
    const refused = entry.locator('[data-testid="bet-outcome"][data-outcome="refused"]');
    await refused.waitFor({ timeout: 8000 });
    assert.equal(
      await refused.innerText(),
      "Bet refused. Betting on this market was paused before your bet could be taken. Your stake of 10.00 was held during the in-play delay and is back in your balance.",
    );
    await waitForText(page, "balance", "1,000.00", { partial: true });
    assert.equal(await entry.getAttribute("class"), "slip-entry slip-refused");

    const token = await page.evaluate(() => localStorage.getItem("edgebook.token"));
    for (const [id, settle] of [
      ["e2e-msg-won", { winner: "home" }],
      ["e2e-msg-lost", { winner: "away" }],
      ["e2e-msg-void", { void: true }],
    ] as const) {
      await newMarket(id);
      await api("POST", `/api/markets/${id}/bets`, { id: `${id}-bet`, selectionId: "home", stake: 500, odds: 2.5 }, token ?? undefined);
      await api("POST", `/api/markets/${id}/settle`, settle, admin);
    }
    await page.getByTestId("nav-bets").click();
    const colour = async (status: string) => {
      const row = page.getByTestId("settled-bets").locator(`.bet-${status}`).first();
      await row.waitFor({ timeout: 8000 });
      return row.locator(`.status-${status}`).evaluate((el) => getComputedStyle(el).color);
    };
    const won = await colour("won");
    const lost = await colour("lost");
    const voided = await colour("void");
    assert.notEqual(lost, won, "a lost bet is not styled like a won one");
    assert.equal(new Set([won, lost, voided]).size, 3, `won ${won}, lost ${lost}, void ${voided}`);
  });

  it("lays the lobby out several markets to a row under their event, marks price moves with an arrow, and shows the Trader tab to traders only", async () => {
    for (const id of ["e2e-row-a", "e2e-row-b", "e2e-row-c"]) {
      await api("POST", "/api/markets", { id, name: `Market ${id}`, event: "E2E one event", selections: [{ id: "home", name: "Home", odds: 2.5 }, { id: "away", name: "Away", odds: 3 }] }, admin);
    }
    const page = await browser();
    await page.goto(`${server.url}/#/`);
    await page.locator('[data-testid="market-card-e2e-row-c"]').waitFor();
    const tops = await Promise.all(["a", "b", "c"].map(async (x) => (await page.getByTestId(`market-card-e2e-row-${x}`).boundingBox())!.y));
    assert.equal(tops[0], tops[1], "two markets of one event share a row on a desktop screen");
    const event = page.locator("section.event", { has: page.getByTestId("market-card-e2e-row-a") });
    assert.equal(await event.locator("h2").textContent(), "E2E one event");
    assert.equal(await event.locator('[data-testid^="market-card-"]').count(), 3);
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
    await api("POST", "/api/markets/e2e-row-a/odds", { odds: { home: 2.6 } }, admin);
    await waitForText(page, "move-e2e-row-a-home", "▲");
    await api("POST", "/api/markets/e2e-row-a/odds", { odds: { home: 2.4 } }, admin);
    await waitForText(page, "move-e2e-row-a-home", "▼");
    assert.match((await page.getByTestId("odds-e2e-row-a-home").getAttribute("aria-label")) ?? "", /moved down/);
    await page.screenshot({ path: join(SHOTS, "lobby-desktop.png") });

    assert.equal(await page.getByTestId("nav-trader").count(), 0, "no Trader tab before logging in");
    await loginPunter(page, "kim");
    assert.equal(await page.getByTestId("nav-trader").count(), 0, "no Trader tab for a punter");
    const trader = await browser();
    await loginTrader(trader);
    await trader.getByTestId("nav-trader").waitFor();
  });

  it("gives every control on a phone a touch target of at least 44 px", async () => {
    await newMarket("e2e-touch");
    const page = await browser({ width: 375, height: 740 });
    await page.goto(`${server.url}/#/market/e2e-touch`);
    await loginPunter(page, "lena");
    await page.getByTestId("odds-e2e-touch-home").click();
    await page.getByTestId("slip-bar").click();
    await page.getByTestId("bet-slip").waitFor({ state: "visible" });
    for (const route of ["#/market/e2e-touch", "#/", "#/bets"]) {
      if (route !== "#/market/e2e-touch") await page.goto(`${server.url}/${route}`);
      await page.locator("main h1").first().waitFor();
      const small = await page.evaluate(() =>
        Array.from(document.querySelectorAll("button, input, select, summary, .nav a"))
          .map((el) => ({ el, box: el.getBoundingClientRect() }))
          .filter(({ box }) => box.width > 0 && box.height > 0)
          .filter(({ box }) => box.height < 44)
          .map(({ el, box }) => `${el.tagName} ${el.getAttribute("data-testid") ?? el.textContent?.trim()}: ${box.height}px`),
      );
      assert.deepEqual(small, [], `controls under 44 px on ${route}`);
    }
  });

  it("shows the trader a market's audit trail: who did what and when, a page at a time", async () => {
    await newMarket("e2e-audit");
    for (let i = 1; i <= 11; i++) await api("POST", "/api/markets/e2e-audit/odds", { odds: { home: (250 + 2 * i) / 100 } }, admin);
    const trader = await browser();
    await loginTrader(trader);
    await selectMarket(trader, "e2e-audit");
    const audit = trader.getByTestId("admin-audit-e2e-audit");
    await audit.locator("summary").click();
    await trader.getByTestId("audit-row-e2e-audit-0").waitFor();
    // The created event and eleven odds pushes: ten on the first page, two on the next.
    assert.equal(await audit.locator('[data-testid^="audit-row-"]').count(), 10);
    assert.match(await trader.getByTestId("audit-row-e2e-audit-0").innerText(), /Created the market/);
    const first = await trader.getByTestId("audit-row-e2e-audit-1").innerText();
    assert.match(first, /Odds: Home 2\.52/);
    assert.match(first, /acc-|admin|trader/, `who made the change: ${first}`);
    assert.match(first, /\d{2}:\d{2}:\d{2}/, `when: ${first}`);
    await trader.getByTestId("admin-audit-next-e2e-audit").click();
    await trader.getByTestId("audit-row-e2e-audit-11").waitFor();
    assert.equal(await audit.locator('[data-testid^="audit-row-"]').count(), 2);
    assert.equal(await trader.getByTestId("admin-audit-next-e2e-audit").isDisabled(), true);
    await trader.getByTestId("admin-audit-prev-e2e-audit").click();
    await trader.getByTestId("audit-row-e2e-audit-0").waitFor();
  });

  it("voids a market only after the trader confirms, and returns the punter's stake", async () => {
    await newMarket("e2e-void");
    const punter = await browser();
    await punter.goto(`${server.url}/#/market/e2e-void`);
    await loginPunter(punter, "frank");
    await placeBet(punter, "e2e-void", "10");
    await waitForText(punter, "balance", "990.00", { partial: true });
    const trader = await browser();
    await loginTrader(trader);
    await selectMarket(trader, "e2e-void");
    const dialog = trader.getByTestId("admin-confirm-dialog");
    await trader.getByTestId("admin-void-e2e-void").click();
    await dialog.waitFor();
    // Escape cancels the native dialog, and cancelling changes nothing.
    await trader.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.equal(await trader.getByTestId("admin-market-e2e-void").getAttribute("data-status"), "open");
    assert.equal((await api("GET", "/api/markets/e2e-void")).market.status, "open");
    await trader.getByTestId("admin-void-e2e-void").click();
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /every accepted stake is returned/);
    await trader.getByTestId("admin-confirm-ok").click();
    await punter.getByTestId("voided-overlay").waitFor();
    await waitForText(punter, "balance", "1,000.00", { partial: true, timeout: 8000 });
    await trader.locator('[data-testid="admin-market-e2e-void"][data-status="voided"]').waitFor({ state: "attached" });
  });

  it("draws each selection's chart from the odds moves made before the page opened, then adds live ones", async () => {
    await newMarket("e2e-chart");
    for (const home of [2.6, 2.7, 2.8]) await api("POST", "/api/markets/e2e-chart/odds", { odds: { home } }, admin);
    const punter = await browser();
    await punter.goto(`${server.url}/#/market/e2e-chart`);
    await punter.getByTestId("connection-status").and(punter.locator('[data-state="live"]')).waitFor();
    /** Wait until the home selection's sparkline has exactly `n` points. */
    const homeChartHas = (n: number) =>
      punter.waitForFunction(
        (want) => (document.querySelector('[data-testid="odds-chart-e2e-chart-home"] polyline')?.getAttribute("points") ?? "").trim().split(/\s+/).length === want,
        n,
        { timeout: 5000 },
      );
    // The three moves before the page opened: 2.60, 2.70, 2.80 (the last is the price shown).
    await assert.doesNotReject(homeChartHas(3));
    await api("POST", "/api/markets/e2e-chart/odds", { odds: { home: 2.9 } }, admin);
    await assert.doesNotReject(homeChartHas(4));
    // A selection that never moved has no past to draw: a flat line.
    assert.equal(await punter.locator('[data-testid="odds-chart-e2e-chart-away"] polyline').count(), 0);
  });

  it("shows prices as fractional or American odds when chosen, and remembers the choice after a reload", async () => {
    await api("POST", "/api/markets", {
      id: "e2e-format",
      name: "Match odds",
      event: "E2E e2e-format",
      selections: [
        { id: "home", name: "Home", odds: 2.5 },
        { id: "away", name: "Away", odds: 1.8 },
      ],
    }, admin);
    const page = await browser();
    await page.goto(`${server.url}/#/market/e2e-format`);
    await waitForText(page, "odds-e2e-format-home", "2.50");
    assert.equal(await page.getByTestId("odds-e2e-format-away").innerText(), "1.80");
    // 2.50 is 6/4 as books print it (+150) and 1.80 is 4/5 (-125).
    for (const [format, home, away] of [
      ["fractional", "6/4", "4/5"],
      ["american", "+150", "-125"],
    ] as const) {
      await page.getByTestId("odds-format").selectOption(format);
      await waitForText(page, "odds-e2e-format-home", home);
      assert.equal(await page.getByTestId("odds-e2e-format-away").innerText(), away);
      await page.reload();
      await waitForText(page, "odds-e2e-format-home", home);
      assert.equal(await page.getByTestId("odds-e2e-format-away").innerText(), away);
      assert.equal(await page.getByTestId("odds-format").inputValue(), format);
    }
    await page.getByTestId("odds-format").selectOption("decimal");
    await waitForText(page, "odds-e2e-format-home", "2.50");
  });
});

describe("accounts that last", () => {
  it("registers, places a bet, logs out, and logs in again to the same balance and the open bet", async () => {
    await newMarket("e2e-acct");
    const page = await browser();
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));
    await page.goto(`${server.url}/#/market/e2e-acct`);
    await loginAccount(page, "ruth", "ruth-password-1", true);
    await waitForText(page, "account-name", "ruth");
    assert.equal(await page.getByTestId("guest-tag").count(), 0, "a registered account is not labelled guest");
    await page.locator('[data-testid="market-connection"][data-state="live"]').waitFor();
    await page.route("**/api/me", async (route) => {
      // Answered by the server at once (before the logout reaches it), handed to the page late.
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.fulfill({ response }).catch(() => {});
    });
    await placeBet(page, "e2e-acct", "250");
    await waitForText(page, "balance", "750.00", { partial: true });
    const before = await cents(page);
    const bet = await page.getByTestId("bet-outcome").getAttribute("data-phase");
    assert.equal(bet, "accepted");

    // Logging out revokes the token and reconnects the market's socket as a visitor (no ticket).
    // The account read that follows a bet answer is held back, so it comes after the logout: it must not log the page back in.
    const lateMe = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/me");
    const opened = sockets.length;
    await page.getByTestId("logout").click();
    await lateMe;
    await page.getByTestId("login-form").waitFor();
    assert.equal(await page.getByTestId("balance").count(), 0, "logged out stays logged out");
    await page.waitForFunction(() => document.querySelector('[data-testid="market-connection"]')?.getAttribute("data-state") === "live");
    const again = sockets.slice(opened).filter((u) => new URL(u).pathname === "/api/markets/e2e-acct/ws");
    assert.ok(again.length >= 1, "the market socket reopened after logout");
    assert.ok(again.every((u) => !new URL(u).searchParams.has("ticket")), `reopened as a visitor: ${again.join(", ")}`);
    assert.equal(await page.evaluate(() => localStorage.getItem("edgebook.token")), null, "the token is forgotten");

    await loginAccount(page, "ruth", "ruth-password-1");
    await waitForText(page, "account-name", "ruth");
    assert.equal(await cents(page), before, "the same balance as before logging out");
    await page.getByTestId("nav-account").click();
    await page.getByTestId("account-page").waitFor();
    await waitForText(page, "account-balance", "750.00");
    await page.getByTestId("open-bets").locator(".bet-accepted").first().waitFor({ timeout: 5000 });
    assert.match(await page.getByTestId("open-bets").innerText(), /250\.00/);
  });

  it("says a wrong password and an unknown name the same way, a taken name and a short password each in words", async () => {
    await api("POST", "/api/accounts", { name: "sam", password: "sam-password-1" });
    const page = await browser();
    await page.goto(`${server.url}/#/`);
    await page.getByTestId("login-name").fill("sam");
    await page.getByTestId("login-password").fill("not-sams-password");
    await page.getByTestId("login-submit").click();
    await waitForText(page, "login-error", "Wrong name or password.");
    // The same words again, for a new answer: the form clears its message when it sends.
    await page.getByTestId("login-name").fill("nobody-called-this");
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/session" && r.request().method() === "POST");
    await page.getByTestId("login-submit").click();
    assert.equal((await answered).status(), 401);
    await waitForText(page, "login-error", "Wrong name or password.");
    await page.getByTestId("login-name").fill("sam");
    await page.getByTestId("login-password").fill("another-password");
    await page.getByTestId("login-register").click();
    await waitForText(page, "login-error", "That name is taken. Log in if it is yours, or choose another.");
    await page.getByTestId("login-name").fill("sam-two");
    await page.getByTestId("login-password").fill("short");
    await page.getByTestId("login-register").click();
    await waitForText(page, "login-error", "A password needs at least 10 characters.");
    assert.equal(await page.getByTestId("balance").count(), 0, "still logged out");
  });

  it("keeps a session across a reload, and drops a token the server refuses", async () => {
    const page = await browser();
    await page.goto(`${server.url}/#/`);
    await loginAccount(page, "tess", "tess-password-1", true);
    await page.reload();
    await waitForText(page, "account-name", "tess");
    assert.equal(await cents(page), 100_000);
    // A token revoked elsewhere (another tab logged out): the next start shows the login.
    const token = await page.evaluate(() => localStorage.getItem("edgebook.token"));
    const out = await fetch(`${server.url}/api/session/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    assert.equal(out.status, 204);
    await page.reload();
    await page.getByTestId("login-form").waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem("edgebook.token")), null);
  });

  it("labels a guest in the header, and shows the account page whole whether or not the server has the wallet routes", async () => {
    const page = await browser();
    await page.goto(`${server.url}/#/account`);
    await page.getByTestId("login-name").fill("gina");
    await page.getByTestId("login-guest").click();
    await waitForText(page, "account-name", "gina");
    await waitForText(page, "guest-tag", "guest");
    await waitForText(page, "account-balance", "1,000.00");
    for (const part of ["statement", "limits"]) {
      await page.waitForFunction((p) => document.querySelector(`[data-testid="account-${p}"]`)?.getAttribute("data-state") !== "unknown", part);
      const state = await page.getByTestId(`account-${part}`).getAttribute("data-state");
      if (state === "unavailable") await waitForText(page, `${part}-unavailable`, "Not available on this server.");
    }
    await page.getByTestId("deposit-amount").fill("20.50");
    await page.getByTestId("deposit-submit").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="account-money"]')?.getAttribute("data-state") !== "unknown");
    if ((await page.getByTestId("account-money").getAttribute("data-state")) === "unavailable") {
      await waitForText(page, "money-unavailable", "Not available on this server.");
      await waitForText(page, "account-balance", "1,000.00");
    } else await waitForText(page, "account-balance", "1,020.50");
    // Self-exclusion asks first, and says it cannot be shortened; cancelled, nothing is sent.
    await page.getByTestId("exclusion-days").fill("30");
    await page.getByTestId("exclusion-submit").click();
    await waitForText(page, "exclusion-confirm-dialog", "cannot be shortened", { partial: true });
    await page.getByTestId("exclusion-confirm-cancel").click();
    assert.equal(await page.getByTestId("exclusion-confirm-dialog").count(), 0);
    assert.equal(await page.getByTestId("exclusion-result").innerText(), "");
  });
});

describe("the whole book, live", () => {
  const BOOK = 200;
  const ids = Array.from({ length: BOOK }, (_, i) => `e2e-many-${String(i).padStart(3, "0")}`);
  const last = ids[BOOK - 1];
  const eventOf = (i: number) => `Book round ${Math.floor(i / 20) + 1}`;
  before(async () => {
    for (let i = 0; i < BOOK; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).map((id, j) =>
          api("POST", "/api/markets", { id, name: `Match ${i + j + 1}`, event: eventOf(i + j), selections: [{ id: "home", name: "Home", odds: 2.5 }, { id: "away", name: "Away", odds: 3 }] }, admin),
        ),
      );
    }
  });

  it("opens one socket for a lobby of 200 markets and shows a push to the 200th within a second, and finds a market by its event", async () => {
    const page = await browser();
    const sockets = watchSockets(page);
    await page.goto(`${server.url}/#/`);
    await page.getByTestId(`market-card-${last}`).waitFor();
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
    await api("POST", `/api/markets/${last}/odds`, { odds: { home: 2.62 } }, admin);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="odds-${id}-home"]`)?.textContent === "2.62", last, { timeout: 1000 });
    await api("POST", `/api/markets/${last}/status`, { status: "suspended" }, admin);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="market-card-${id}"]`)?.getAttribute("data-status") === "suspended", last, { timeout: 1000 });
    await api("POST", `/api/markets/${last}/status`, { status: "open" }, admin);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="market-card-${id}"]`)?.getAttribute("data-status") === "open", last, { timeout: 1000 });
    assert.deepEqual(sockets.urls, ["/api/book/ws"], "one socket, the book's, for every market on the page");

    await page.getByTestId("event-search").fill(eventOf(BOOK - 1).toUpperCase());
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="market-card-"]').length === 20, null, { timeout: 2000 });
    assert.equal(await page.locator("section.event h2").allTextContents().then((t) => t.join("|")), eventOf(BOOK - 1));
    await page.getByTestId("event-search").fill("no such event anywhere");
    await page.getByTestId("event-search-empty").waitFor();
    // A search moves the book socket to the event's view: the socket is replaced, its old one closed.
    await page.getByTestId("event-search").fill("");
    await page.getByTestId(`market-card-${last}`).waitFor();
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
    await api("POST", `/api/markets/${last}/odds`, { odds: { home: 2.64 } }, admin);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="odds-${id}-home"]`)?.textContent === "2.64", last, { timeout: 1000 });
    assert.ok(sockets.urls.every((u) => u === "/api/book/ws"), sockets.urls.join(" "));
    await untilOpen(page, sockets, 1);
    assert.ok(sockets.maxOpen <= 2, `an old book socket closes as its replacement opens, saw ${sockets.maxOpen} open at once`);
  });

  it("takes a punter's bet on the 200th market from the lobby and from its page, with never more than three sockets in the tab", async () => {
    const page = await browser();
    const sockets = watchSockets(page);
    await page.goto(`${server.url}/#/`);
    await loginPunter(page, "many");
    await page.getByTestId(`market-card-${last}`).waitFor();
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
    await page.getByTestId(`odds-${last}-home`).scrollIntoViewIfNeeded();
    await placeBet(page, last, "3");
    await waitForText(page, "balance", "997.00", { partial: true });
    await page.getByTestId("slip-clear").click();

    await page.getByTestId(`market-link-${last}`).click();
    await page.locator('[data-testid="market-connection"][data-state="live"]').waitFor();
    await placeBet(page, last, "2");
    await waitForText(page, "balance", "995.00", { partial: true });
    assert.deepEqual(sockets.urls, ["/api/book/ws", `/api/markets/${last}/ws`]);
    // Leaving the page closes its market's socket; the book's stays.
    await page.getByTestId("nav-markets").click();
    await page.getByTestId(`market-card-${last}`).waitFor();
    await untilOpen(page, sockets, 1);
    assert.ok(sockets.maxOpen <= 3, `at most three sockets at once, saw ${sockets.maxOpen}`);
    const bets = (await api("GET", "/api/me/bets", undefined, (await page.evaluate(() => localStorage.getItem("edgebook.token"))) ?? undefined)).bets;
    assert.deepEqual(bets.filter((b: { marketId: string }) => b.marketId === last).map((b: { stake: number }) => b.stake).sort(), [200, 300]);
  });

  it("lets the trader suspend the 200th market by the S key and by its button, the row's status changing at once", async () => {
    const trader = await browser();
    const sockets = watchSockets(trader);
    await loginTrader(trader);
    const row = trader.getByTestId(`admin-market-${last}`);
    await row.waitFor();
    const statusIs = (want: string) =>
      trader.waitForFunction(([id, w]) => document.querySelector(`[data-testid="admin-market-${id}"]`)?.getAttribute("data-status") === w, [last, want] as const, { timeout: 1000 });
    // The arrows move along the grid from the row above; S then acts on the 200th.
    await trader.getByTestId(`admin-market-${ids[BOOK - 2]}`).focus();
    await trader.keyboard.press("ArrowDown");
    await trader.waitForFunction((id) => document.activeElement?.getAttribute("data-testid") === `admin-market-${id}`, last, { timeout: 2000 });
    await trader.getByTestId(`admin-detail-${last}`).waitFor();
    await trader.keyboard.press("s");
    await statusIs("suspended");
    assert.equal((await api("GET", `/api/markets/${last}`)).market.status, "suspended");
    await trader.keyboard.press("s");
    await statusIs("open");
    assert.equal((await api("GET", `/api/markets/${last}`)).market.status, "open");
    await trader.getByTestId(`admin-suspend-${last}`).click();
    await statusIs("suspended");
    assert.equal((await api("GET", `/api/markets/${last}`)).market.status, "suspended");
    await trader.getByTestId(`admin-suspend-${last}`).click();
    await statusIs("open");
    assert.equal((await api("GET", `/api/markets/${last}`)).market.status, "open");
    // Two fast presses: suspend, then reopen (the second acts on the market as the first left it), not two suspends.
    const before = (await api("GET", `/api/markets/${last}`)).market.seq;
    await trader.keyboard.press("s");
    await trader.keyboard.press("s");
    const deadline = Date.now() + 5000;
    let after = (await api("GET", `/api/markets/${last}`)).market;
    while (after.seq < before + 2 && Date.now() < deadline) {
      await trader.waitForTimeout(100);
      after = (await api("GET", `/api/markets/${last}`)).market;
    }
    assert.deepEqual([after.seq, after.status], [before + 2, "open"]);
    await statusIs("open");
    // A push made elsewhere reaches the 200th row from the book socket.
    await api("POST", `/api/markets/${last}/odds`, { odds: { away: 3.3 } }, admin);
    await waitForText(trader, `admin-row-odds-${last}-away`, "3.30", { timeout: 1000 });

    await trader.getByTestId("admin-filter-event").fill(eventOf(BOOK - 1));
    await trader.getByTestId("admin-filter-status").selectOption("suspended");
    await waitForText(trader, "admin-shown", "0 of", { partial: true });
    await trader.getByTestId("admin-filter-status").selectOption("open");
    await waitForText(trader, "admin-shown", "20 of", { partial: true });
    // The book's socket and the selected market's own, and never more than three at once.
    await untilOpen(trader, sockets, 2);
    assert.ok(sockets.maxOpen <= 3, `at most three sockets at once, saw ${sockets.maxOpen}`);
  });
});

describe("a book past one view's 500 markets", () => {
  const made: string[] = [];
  before(async () => {
    // However many markets earlier tests left open, make the book hold more than one view (500) of them.
    let open = 0;
    let cursor: string | undefined;
    do {
      const page = await api("GET", `/api/markets?status=open&status=suspended&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      open += page.markets.length;
      cursor = page.next;
    } while (cursor);
    const need = Math.max(0, 520 - open);
    for (let i = 0; i < need; i += 20) {
      const ids = Array.from({ length: Math.min(20, need - i) }, (_, j) => `e2e-past-${String(i + j).padStart(3, "0")}`);
      made.push(...ids);
      await Promise.all(ids.map((id) => api("POST", "/api/markets", { id, name: `Late match ${id.slice(-3)}`, event: "Past the view", selections: [{ id: "home", name: "Home", odds: 2.5 }, { id: "away", name: "Away", odds: 3 }] }, admin)));
    }
  });
  // Later tests expect their new market on the lobby's first page: void these, back under one view.
  after(async () => {
    for (let i = 0; i < made.length; i += 20) {
      await Promise.all(made.slice(i, i + 20).map((id) => api("POST", `/api/markets/${id}/settle`, { void: true }, admin)));
    }
  });

  it("shows every open market a page of 500 at a time on one book socket, live on the last page too", async () => {
    const newest = made.at(-1);
    assert.ok(newest, "markets were made past the view");
    const page = await browser();
    const sockets = watchSockets(page);
    await page.goto(`${server.url}/#/`);
    await page.getByTestId("book-pager").waitFor();
    assert.match(await page.getByTestId("book-page").innerText(), /^Open markets 1–500 of \d+$/);
    assert.equal(await page.getByTestId(`market-card-${newest}`).count(), 0, "the newest market is past the first page");
    const next = page.getByTestId("book-next");
    while (await next.isEnabled()) await next.click();
    await page.getByTestId(`market-card-${newest}`).waitFor({ timeout: 5_000 });
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
    await api("POST", `/api/markets/${newest}/odds`, { odds: { home: 2.64 } }, admin);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="odds-${id}-home"]`)?.textContent === "2.64", newest, { timeout: 1000 });
    // Moving to another page replaces the book socket: the old one may still be closing as the new one opens.
    await untilOpen(page, sockets, 1);
    assert.ok(sockets.maxOpen <= 2, `${sockets.maxOpen} sockets open at once`);
    assert.ok(sockets.urls.every((u) => u === "/api/book/ws"), `only the book socket: ${sockets.urls}`);
    await page.getByTestId("book-prev").click();
    assert.match(await page.getByTestId("book-page").innerText(), /^Open markets (1|501)–/);
    await page.close();
  });
});

describe("accessibility", () => {
  for (const [size, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 375, height: 740 }],
  ] as const) {
    it(`finds no axe-core violations on the lobby, login form, market, my bets, account and trader pages (${size}, ${viewport.width}x${viewport.height}), and keeps a screenshot of each`, async () => {
      const id = `e2e-axe-${size}`;
      await newMarket(id);
      const page = await browser(viewport);
      const check = async (name: string) => {
        assert.deepEqual(await axeViolations(page), [], `axe-core on the ${name} page (${size})`);
        await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`) });
      };
      await page.goto(`${server.url}/#/`);
      await page.getByTestId(`market-card-${id}`).waitFor();
      await check("lobby");
      // The login form, with a refusal showing.
      await page.getByTestId("login-name").fill(`nobody-${size}`);
      await page.getByTestId("login-password").fill("not-a-password");
      await page.getByTestId("login-submit").click();
      await page.getByTestId("login-error").waitFor();
      await check("login");
      await page.goto(`${server.url}/#/market/${id}`);
      await loginPunter(page, `axe-${size}`);
      await page.locator('[data-testid="market-connection"][data-state="live"]').waitFor();
      await placeBet(page, id, "5");
      await check("market");
      // The phone's slip is a modal sheet: closed, the page beneath takes taps again.
      if (size === "phone") await page.getByTestId("slip-close").click();
      await page.getByTestId("nav-bets").click();
      await page.getByTestId("open-bets").waitFor();
      await check("my-bets");
      await page.getByTestId("nav-account").click();
      await page.getByTestId("open-bets").waitFor();
      for (const part of ["statement", "limits"]) {
        await page.waitForFunction((p) => document.querySelector(`[data-testid="account-${p}"]`)?.getAttribute("data-state") !== "unknown", part);
      }
      await check("account");
      await page.getByTestId("exclusion-days").fill("7");
      await page.getByTestId("exclusion-submit").click();
      await page.getByTestId("exclusion-confirm-dialog").waitFor();
      await check("exclusion-dialog");
      await page.getByTestId("exclusion-confirm-cancel").click();
      const trader = await browser(viewport);
      await loginTrader(trader);
      await selectMarket(trader, id);
      await trader.getByTestId(`admin-exposure-row-${id}-home`).waitFor();
      await trader.getByTestId(`admin-audit-${id}`).locator("summary").click();
      await trader.getByTestId(`audit-row-${id}-0`).waitFor();
      assert.deepEqual(await axeViolations(trader), [], `axe-core on the trader page (${size})`);
      await trader.screenshot({ path: join(SHOTS, `trader-${size}.png`) });
    });
  }
});

describe("the page's defences", () => {
  it("refuses a market socket opened by a page from another origin", async () => {
    await newMarket("e2e-origin");
    const foreign = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><title>elsewhere</title>");
    });
    await new Promise<void>((r) => foreign.listen(PORT + 5, "127.0.0.1", () => r()));
    try {
      const page = await browser();
      const attempt = (p: Page, target: string) =>
        p.evaluate(
          (url) =>
            new Promise<string>((resolve) => {
              const ws = new WebSocket(url);
              ws.onopen = () => {
                ws.close();
                resolve("open");
              };
              ws.onerror = () => resolve("refused");
              setTimeout(() => resolve("timeout"), 5000);
            }),
          target,
        );
      const target = `ws://127.0.0.1:${PORT}/api/markets/e2e-origin/ws`;
      await page.goto(`http://127.0.0.1:${PORT + 5}/`);
      assert.equal(await attempt(page, target), "refused");
      await page.goto(`${server.url}/`);
      assert.equal(await attempt(page, target), "open");
    } finally {
      foreign.close();
    }
  });

  it("shows markup in a market's name literally", async () => {
    const name = `<img src=x onerror="document.title='pwned'">`;
    await newMarket("e2e-xss", name);
    const page = await browser();
    await page.goto(`${server.url}/#/market/e2e-xss`);
    await page.getByTestId("market-view-e2e-xss").waitFor();
    assert.match(await page.getByTestId("market-view-e2e-xss").innerText(), /<img src=x onerror=/);
    assert.equal(await page.locator('[data-testid="market-view-e2e-xss"] img').count(), 0);
    assert.notEqual(await page.title(), "pwned");
  });

  it("serves the page with a strict Content-Security-Policy and framing, sniffing and referrer headers", async () => {
    const res = await fetch(`${server.url}/`);
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
    const html = await res.text();
    const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
    assert.ok(scripts.length > 0, "the page loads its code with a script tag");
    for (const tag of scripts) assert.match(tag, /\ssrc\s*=\s*["']?[^\s"'>]/i, `inline script: ${tag}`);
  });
});

describe("the SDK", () => {
  it("runs the Node example: follows a market and places a bet", async () => {
    await newMarket("e2e-sdk");
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [join(ROOT, "examples", "follow-and-bet.ts"), server.url, "e2e-sdk"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    assert.equal(code, 0, out);
    assert.match(out, /following Match odds at seq 0/);
    assert.match(out, /bet accepted at 2\.5/);
  });
});

describe("the odds feed tool", () => {
  const runFeed = async (args: string[]) => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [join(ROOT, "scripts", "feed.ts"), "--url", server.url, "--admin-key", ADMIN_KEY, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    return { code, out };
  };

  it("pushes a recorded CSV feed as an admin, and refuses a bad file with the line that is wrong", async () => {
    await newMarket("e2e-feed");
    const { writeFileSync } = await import("node:fs");
    const good = join(work, "feed.csv");
    writeFileSync(good, "afterMs,selection,odds\n0,home,2.4\n10,away,3.2\n10,status,suspended\n");
    const ran = await runFeed(["--market", "e2e-feed", "--file", good]);
    assert.equal(ran.code, 0, ran.out);
    const { market } = await api("GET", "/api/markets/e2e-feed");
    assert.equal(market.status, "suspended");
    assert.deepEqual(market.selections.map((s: { odds: number }) => s.odds), [2.4, 3.2]);
    const bad = join(work, "bad.csv");
    writeFileSync(bad, "afterMs,selection,odds\n0,home,2.4\n5,away,lots\n");
    const refused = await runFeed(["--market", "e2e-feed", "--file", bad]);
    assert.equal(refused.code, 2);
    assert.match(refused.out, /line 3: odds for away/);
    assert.equal((await api("GET", "/api/markets/e2e-feed")).market.seq, market.seq, "a bad file changes nothing");
  });
});
