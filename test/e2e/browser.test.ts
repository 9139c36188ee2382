// End-to-end in Debian's Chromium against `wrangler dev`: a trader and a
// punter in separate browser contexts, the restart of the server, a phone
// screen, and the page's defences. Screenshots go to test-results/ (ignored).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
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
    await trader.goto(`${server.url}/#/trader`);
    await trader.getByTestId("admin-login-name").fill("trader");
    await trader.getByTestId("admin-login-key").fill(ADMIN_KEY);
    await trader.getByTestId("admin-login-submit").click();
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
    await trader.goto(`${server.url}/#/trader`);
    await trader.getByTestId("admin-login-name").fill("trader");
    await trader.getByTestId("admin-login-key").fill(ADMIN_KEY);
    await trader.getByTestId("admin-login-submit").click();
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

  it("renders the market and the bet slip usably on a 375 px phone screen", async () => {
    await newMarket("e2e-phone");
    const page = await browser({ width: 375, height: 740 });
    await page.goto(`${server.url}/#/market/e2e-phone`);
    await loginPunter(page, "carol");
    await page.getByTestId("odds-e2e-phone-home").click();
    const slip = page.getByTestId("bet-slip");
    await slip.scrollIntoViewIfNeeded();
    assert.equal(await slip.isVisible(), true);
    const stake = page.getByTestId("stake-input");
    await stake.fill("5");
    const box = await stake.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375, "stake input fits the screen");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(SHOTS, "phone.png"), fullPage: true });
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
    assert.doesNotMatch(html, /<script>(?!<\/script>)/, "no inline script");
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
