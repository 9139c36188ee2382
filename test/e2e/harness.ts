// The browser tests' shared harness: one server per test file (as `npm start`
// runs it), Chromium pages, the public API, and the waits the tests share.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before } from "node:test";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { DevServer, ROOT } from "./server.ts";

export { ROOT };


export const PORT = Number(process.env.E2E_PORT ?? 8811);
export const ADMIN_KEY = "e2e-admin-key";
export const SHOTS = join(ROOT, "test-results");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export const work = mkdtempSync(join(tmpdir(), "edgebook-e2e-"));
export const server = new DevServer({
  port: PORT,
  stateDir: work,
  // localhost too: WebAuthn refuses an IP address as the RP ID, so passkey tests open the page on localhost.
  vars: { ADMIN_KEY, SESSION_SECRET: "e2e-session-secret", ALLOWED_ORIGINS: `http://127.0.0.1:${PORT},http://localhost:${PORT}` },
});
export const contexts: BrowserContext[] = [];

export async function browser(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(work, "profile-")), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("dialog", (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  return page;
}

export async function api(method: string, path: string, body?: unknown, token?: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export let admin = "";
export async function newMarket(id: string, name = "Match odds") {
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

export async function loginTrader(page: Page) {
  await page.goto(`${server.url}/#/trader`);
  await page.getByTestId("admin-login-name").fill("trader");
  await page.getByTestId("admin-login-key").fill(ADMIN_KEY);
  await page.getByTestId("admin-login-submit").click();
  await page.getByTestId("admin-create-form").waitFor();
}

/** Selects a market's row on the trader's grid: its detail (ladder, book, settlement) opens beneath it. */
export async function selectMarket(trader: Page, id: string) {
  await trader.getByTestId(`admin-status-${id}`).click();
  await trader.getByTestId(`admin-detail-${id}`).waitFor();
}

/** Every WebSocket the page opens: how many, to where, and the most open at once. */
export function watchSockets(page: Page) {
  const seen = { urls: [] as string[], open: 0, maxOpen: 0 };
  page.on("websocket", (ws) => {
    seen.urls.push(new URL(ws.url()).pathname);
    seen.open++;
    seen.maxOpen = Math.max(seen.maxOpen, seen.open);
    ws.on("close", () => seen.open--);
  });
  return seen;
}

/** Polls (5 s bound) until exactly `n` of the page's sockets are open. */
export async function untilOpen(page: Page, sockets: ReturnType<typeof watchSockets>, n: number) {
  const deadline = Date.now() + 5000;
  while (sockets.open !== n) {
    if (Date.now() > deadline) throw new Error(`${sockets.open} sockets open, not ${n}`);
    await page.waitForTimeout(50);
  }
}

/** Waits until the element with this test id shows exactly `text` (or contains it, with `partial`). */
export async function waitForText(page: Page, testId: string, text: string, { partial = false, timeout = 5000 } = {}) {
  await page.waitForFunction(
    ([id, want, part]) => {
      const got = document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
      return got !== null && (part ? got.includes(want) : got === want);
    },
    [testId, text, partial] as const,
    { timeout },
  );
}

/** axe-core's findings on the page as it stands: one line per rule broken, with where. */
export const AXE_SOURCE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, so the page's strict CSP does not block it.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ["violations"] });
    return violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

export const isDisabled = (page: Page, testId: string, disabled: boolean, timeout = 5000) =>
  page.waitForFunction(([id, want]) => (document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement | null)?.disabled === want, [testId, disabled] as const, { timeout });

/** A guest session (a punter with a fresh demo balance), from the header's login form. */
export async function loginPunter(page: Page, name: string) {
  await page.getByTestId("login-name").fill(name);
  await page.getByTestId("login-guest").click();
  await page.getByTestId("balance").waitFor();
}

/** A registered account's session from the login form: `register` makes the account first. */
export async function loginAccount(page: Page, name: string, password: string, register = false) {
  await page.getByTestId("login-name").fill(name);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId(register ? "login-register" : "login-submit").click();
  await page.getByTestId("balance").waitFor();
}

export const cents = async (page: Page) => Number((await page.getByTestId("balance").innerText()).replace(/[^0-9]/g, ""));

/** A punter's page on a live market, logged in, with the home selection on the slip: its slip entry. */
export async function homeOnSlip(marketId: string, punter: string, inPlayDelayMs = 0) {
  await newMarket(marketId);
  if (inPlayDelayMs > 0) await api("POST", `/api/markets/${marketId}/status`, { status: "open", inPlay: true, betDelayMs: inPlayDelayMs }, admin);
  const page = await browser();
  await page.goto(`${server.url}/#/market/${marketId}`);
  await loginPunter(page, punter);
  await page.locator('[data-testid="market-connection"][data-state="live"]').waitFor();
  await page.getByTestId(`odds-${marketId}-home`).click();
  return { page, entry: page.getByTestId(`slip-entry-${marketId}-home`) };
}

export async function placeBet(page: Page, marketId: string, stake: string) {
  await page.getByTestId(`odds-${marketId}-home`).click();
  // On a phone the slip is a sheet, opened from the bar at the bottom.
  if (await page.getByTestId("slip-bar").isVisible()) await page.getByTestId("slip-bar").click();
  const entry = page.getByTestId(`slip-entry-${marketId}-home`);
  await entry.getByTestId("stake-input").fill(stake);
  await entry.getByTestId("place-bet").click();
  await entry.locator('[data-testid="bet-outcome"][data-phase="accepted"]').waitFor({ timeout: 5000 });
}

/** Registers the file's hooks: builds the client, starts `npm start`'s server, closes each test's pages. */
export function useServer() {
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
}
