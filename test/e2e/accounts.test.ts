// Accounts in Chromium: passkeys with the browser's virtual authenticator
// (register, log out, log in again to the same balance; a passkey added to a
// password account), and a loss limit set on the account page refusing a bet
// in the bet slip with a clear message.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { join } from "node:path";
import { SHOTS, axeViolations, browser, loginAccount, loginPunter, newMarket, placeBet, server, useServer, waitForText } from "./harness.ts";

useServer();

/** WebAuthn needs a domain for its RP ID, not an IP address: the page is opened on localhost (an allowed origin in the harness). */
const HOST = server.url.replace("127.0.0.1", "localhost");

/** Chromium's virtual authenticator on this page: a platform authenticator with resident keys and user verification that always passes. */
async function withAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials };
}

describe("passkeys in the browser", () => {
  it("registers an account with a passkey, logs out, and logs in with the passkey to the same account and balance", async () => {
    const page = await browser();
    const authenticator = await withAuthenticator(page);
    await page.goto(`${HOST}/#/account`);
    await page.getByTestId("login-name").fill("paula");
    await page.getByTestId("login-passkey-register").click();
    await waitForText(page, "account-name", "paula");
    assert.equal(await page.getByTestId("guest-tag").count(), 0, "a passkey account is a registered one");
    const [made] = await authenticator.credentials();
    assert.ok(made?.isResidentCredential, "the passkey is discoverable (a login needs no name)");
    await waitForText(page, "passkey-count", "1 passkey on this account.");
    assert.deepEqual(await axeViolations(page), [], "axe-core on the account page with its passkeys");
    await page.screenshot({ path: join(SHOTS, "account-passkeys.png"), fullPage: true });

    await page.getByTestId("deposit-amount").fill("25");
    await page.getByTestId("deposit-submit").click();
    await waitForText(page, "balance", "1,025.00", { partial: true });

    await page.getByTestId("logout").click();
    await page.getByTestId("login-form").waitFor();
    assert.equal(await page.getByTestId("balance").count(), 0);
    await page.getByTestId("login-passkey").click();
    await waitForText(page, "account-name", "paula");
    await waitForText(page, "balance", "1,025.00", { partial: true });
    assert.equal((await authenticator.credentials())[0].signCount, 2, "the passkey signed twice: registration and login");
  });

  it("adds a passkey to a password account on the account page, then logs in with it", async () => {
    const page = await browser();
    await withAuthenticator(page);
    await page.goto(`${HOST}/#/account`);
    await loginAccount(page, "quentin", "quentin-password-1", true);
    await waitForText(page, "passkey-count", "No passkeys yet.");
    await page.getByTestId("account-add-passkey").click();
    await waitForText(page, "passkey-result", "Passkey added. You can now log in with it.");
    await waitForText(page, "passkey-count", "1 passkey on this account.");
    await page.getByTestId("logout").click();
    await page.getByTestId("login-passkey").click();
    await waitForText(page, "account-name", "quentin");
  });

  it("says so in words when no passkey is used, and stays logged out", async () => {
    const page = await browser();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    // An authenticator with no passkey for this site: the browser reports none was chosen.
    await cdp.send("WebAuthn.addVirtualAuthenticator", { options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true } });
    await page.goto(`${HOST}/#/account`);
    await page.getByTestId("login-passkey").click();
    await waitForText(page, "login-error", "No passkey was used", { partial: true, timeout: 15_000 });
    assert.equal(await page.getByTestId("balance").count(), 0);
  });
});

describe("limits in the browser", () => {
  // This test failed in the full CI run last stop (the refusal never came) and passed alone. The cause:
  // the account page's first read of the limits could be answered after the punter had typed a limit
  // (a loaded server, many tests before it); the answer refilled the boxes with the server's (no limit),
  // so "Save limits" saved none, the page still said "Limits saved.", and the bet past it was accepted.
  // The first read is held back here until after the typing, so the race is lost every time, not sometimes.
  it("refuses a bet past the loss limit the punter set on the account page, saying so in the bet slip, even when the page's limits arrive after the typing", async () => {
    await newMarket("e2e-loss-limit");
    const page = await browser();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    await page.route("**/api/me/limits", async (route) => {
      if (route.request().method() !== "GET" || !first) return route.continue();
      first = false;
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
    });
    await page.goto(`${server.url}/#/account`);
    await loginPunter(page, "lena");
    await page.getByTestId("limit-lossPerDay").fill("20");
    release();
    await page.locator('[data-testid="account-limits"][data-state="available"]').waitFor();
    await page.getByTestId("limits-submit").click();
    await waitForText(page, "limits-result", "Limits saved.");
    // Not only "saved": the box shows what the server now holds.
    await page.waitForFunction(() => (document.querySelector('[data-testid="limit-lossPerDay"]') as HTMLInputElement | null)?.value === "20.00", null, { timeout: 5000 });

    await page.goto(`${server.url}/#/market/e2e-loss-limit`);
    await page.locator('[data-testid="market-connection"][data-state="live"]').waitFor();
    await placeBet(page, "e2e-loss-limit", "15");
    await waitForText(page, "balance", "985.00", { partial: true });
    // 15 lost so far today if it loses; 10 more would pass the 20 limit.
    const entry = page.getByTestId("slip-entry-e2e-loss-limit-home");
    if (!(await entry.isVisible())) await page.getByTestId("odds-e2e-loss-limit-home").click();
    await entry.getByTestId("stake-input").fill("10");
    await entry.getByTestId("place-bet").click();
    const outcome = entry.getByTestId("bet-outcome");
    await entry.locator('[data-testid="bet-outcome"]:not([data-phase="draft"]):not([data-phase="sending"])').waitFor({ timeout: 5000 });
    assert.equal(await outcome.getAttribute("data-outcome"), "refused", `the bet's answer: ${await outcome.innerText()}`);
    assert.equal(await outcome.innerText(), "Bet refused. This bet would pass one of your limits (stake per bet or losses per day). No money moved.");
    await waitForText(page, "balance", "985.00", { partial: true });
  });
});
