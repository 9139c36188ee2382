// End-to-end in Debian's Chromium against `wrangler dev`: a trader and a
// punter in separate browser contexts, the restart of the server, a phone
// screen, and the page's defences. Screenshots go to test-results/ (ignored).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { DevServer, ROOT } from "./server.ts";

const PORT = Number(process.env.E2E_PORT ?? 8811);
const ADMIN_KEY = "e2e-admin-key";
const SHOTS = join(ROOT, "test-results");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const work = mkdtempSync(join(tmpdir(), "edgebook-e2e-"));
const server = new DevServer({
  port: PORT,
  stateDir: work,
  vars: { ADMIN_KEY, SESSION_SECRET: "e2e-session-secret", ALLOWED_ORIGINS: `http://127.0.0.1:${PORT}` },
});
const contexts: BrowserContext[] = [];

async function browser(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(work, "profile-")), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("dialog", (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  return page;
}

async function api(method: string, path: string, body?: unknown, token?: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

let admin = "";
async function newMarket(id: string, name = "Match odds") {
  await api("POST", "/api/markets", {
    id,
    name,
    event: `E2E ${id}`,
    selections: [
      { id: "home", name: "Home", odds: 2.5 },
      { id: "away", name: "Away", odds: 3 },
    ],
  }, admin);
}

async function loginTrader(page: Page) {
  await page.goto(`${server.url}/#/trader`);
  await page.getByTestId("admin-login-name").fill("trader");
  await page.getByTestId("admin-login-key").fill(ADMIN_KEY);
  await page.getByTestId("admin-login-submit").click();
  await page.getByTestId("admin-create-form").waitFor();
}

/** Waits until the element with this test id shows exactly `text` (or contains it, with `partial`). */
async function waitForText(page: Page, testId: string, text: string, { partial = false, timeout = 5000 } = {}) {
  await page.waitForFunction(
    ([id, want, part]) => {
      const got = document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
      return got !== null && (part ? got.includes(want) : got === want);
    },
    [testId, text, partial] as const,
    { timeout },
  );
}

const isDisabled = (page: Page, testId: string, disabled: boolean, timeout = 5000) =>
  page.waitForFunction(([id, want]) => (document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement | null)?.disabled === want, [testId, disabled] as const, { timeout });

async function loginPunter(page: Page, name: string) {
  await page.getByTestId("login-name").fill(name);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("balance").waitFor();
}

const cents = async (page: Page) => Number((await page.getByTestId("balance").innerText()).replace(/[^0-9]/g, ""));

async function placeBet(page: Page, marketId: string, stake: string) {
  await page.getByTestId(`odds-${marketId}-home`).click();
  const entry = page.getByTestId(`slip-entry-${marketId}-home`);
  await entry.getByTestId("stake-input").fill(stake);
  await entry.getByTestId("place-bet").click();
  await entry.locator('[data-testid="bet-outcome"][data-phase="accepted"]').waitFor({ timeout: 5000 });
}

before(async () => {
  const built = spawnSync(join(ROOT, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
  assert.equal(built.status, 0, "client build failed");
  mkdirSync(SHOTS, { recursive: true });
  await server.start();
  admin = (await api("POST", "/api/session", { name: "e2e trader", adminKey: ADMIN_KEY })).token;
});

// A test's pages go when it ends: a trader console left open keeps polling
// every market's book, and each open page keeps a socket per market.
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => {});
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

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
    await trader.getByTestId("admin-market-e2e-push").waitFor();
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
    // On a narrow screen the slip sits below the prices; the bar at the bottom takes the punter to it.
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
    await panel.screenshot({ path: join(SHOTS, "trader-in-play.png") });

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

  it("voids a market only after the trader confirms, and returns the punter's stake", async () => {
    await newMarket("e2e-void");
    const punter = await browser();
    await punter.goto(`${server.url}/#/market/e2e-void`);
    await loginPunter(punter, "frank");
    await placeBet(punter, "e2e-void", "10");
    await waitForText(punter, "balance", "990.00", { partial: true });
    const trader = await browser();
    await loginTrader(trader);
    await trader.getByTestId("admin-market-e2e-void").waitFor();
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
    // 2.50 is 3/2 (+150) and 1.80 is 4/5 (-125).
    for (const [format, home, away] of [
      ["fractional", "3/2", "4/5"],
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
