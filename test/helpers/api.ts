// Test helpers that speak the contract to the Worker running in workerd:
// HTTP through the Worker's own fetch, sockets through upgrade responses.
// Every wait has a timeout; no test sleeps and hopes.
import { exports } from "cloudflare:workers";
import type { BookServerFrame } from "../../worker/protocol/book.ts";
import type { Account, Market, ServerFrame } from "../../worker/protocol/schemas.ts";
import { selections } from "./wire-market.ts";
import { ADMIN_KEY } from "./secrets.ts";

/** Frames of the market socket and of the book socket. */
type AnyFrame = ServerFrame | BookServerFrame;

export { ADMIN_KEY };
export const BASE = "http://edgebook.test";

/**
 * Each request comes from its own address unless a test names one, so the
 * per-address limits (at their contract defaults here) only bite in the tests
 * that are about them.
 */
export function randomAddress(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

let counter = 0;
/** A market id no other test in this file uses. */
export function uniqueId(prefix = "m"): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = { "cf-connecting-ip": randomAddress(), ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

export async function adminSession(): Promise<string> {
  const r = await call("POST", "/api/session", { body: { name: "trader", adminKey: ADMIN_KEY } });
  if (r.status !== 201) throw new Error(`admin session failed: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.token;
}

export async function punterSession(name = "punter"): Promise<{ token: string; account: Account }> {
  const r = await call("POST", "/api/session", { body: { name } });
  if (r.status !== 201) throw new Error(`punter session failed: ${r.status}`);
  return r.json;
}

export async function createMarket(admin: string, overrides: Record<string, unknown> = {}): Promise<Market> {
  const id = (overrides.id as string) ?? uniqueId();
  const r = await call("POST", "/api/markets", {
    token: admin,
    body: {
      id,
      name: "Match odds",
      event: "Reds v Blues",
      selections: selections(["home", "Reds", 2.5], ["draw", "Draw", 3.2], ["away", "Blues", 2.9]),
      ...overrides,
    },
  });
  if (r.status !== 201) throw new Error(`create market failed: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.market;
}

/** A fresh market and a punter to bet on it, with the admin who made it. */
export async function marketAndPunter(overrides: Record<string, unknown> = {}): Promise<{ admin: string; market: Market; token: string }> {
  const admin = await adminSession();
  const market = await createMarket(admin, overrides);
  const { token } = await punterSession();
  return { admin, market, token };
}

/** A client socket that queues every frame it receives and can wait for the next ones. */
export class TestSocket {
  readonly frames: (AnyFrame | string)[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly #waiters: (() => void)[] = [];
  #read = 0;
  readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.accept();
    ws.addEventListener("message", (e) => {
      const data = e.data as string;
      this.frames.push(data === "pong" ? data : JSON.parse(data));
      this.#wake();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.#wake();
    });
  }

  #wake() {
    for (const w of this.#waiters.splice(0)) w();
  }

  async #until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames.slice(this.#read))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The next unread frame, optionally skipping frames of other types (viewers counts, say). */
  async next<T extends AnyFrame["type"]>(type?: T, timeoutMs = 3000): Promise<Extract<AnyFrame, { type: T }>> {
    let found: any;
    await this.#until(
      () => {
        while (this.#read < this.frames.length) {
          const f = this.frames[this.#read++];
          if (typeof f === "string") continue;
          if (!type || f.type === type) {
            found = f;
            return true;
          }
        }
        return false;
      },
      type ?? "a frame",
      timeoutMs,
    );
    return found;
  }

  async closedWith(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    await this.#until(() => this.closed !== null, "close", timeoutMs);
    return this.closed!;
  }

  /** Every unread frame of the given types that arrives within `ms` (for asserting absence). */
  async drain(ms: number): Promise<AnyFrame[]> {
    await new Promise((r) => setTimeout(r, ms));
    const rest = this.frames.slice(this.#read).filter((f): f is AnyFrame => typeof f !== "string");
    this.#read = this.frames.length;
    return rest;
  }

  send(data: unknown): void {
    this.ws.send(typeof data === "string" ? data : JSON.stringify(data));
  }

  close(): void {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}

export async function openSocket(
  marketId: string,
  opts: { query?: string; token?: string; origin?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; socket: TestSocket | null; json: any }> {
  return upgrade(`/api/markets/${marketId}/ws`, opts);
}

/** The book socket, `GET /api/book/ws`. */
export async function openBook(opts: Parameters<typeof openSocket>[1] = {}): Promise<{ status: number; socket: TestSocket | null; json: any }> {
  return upgrade("/api/book/ws", opts);
}

async function upgrade(
  path: string,
  opts: { query?: string; token?: string; origin?: string; headers?: Record<string, string> },
): Promise<{ status: number; socket: TestSocket | null; json: any }> {
  const headers: Record<string, string> = { Upgrade: "websocket", "cf-connecting-ip": randomAddress(), ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.origin) headers.origin = opts.origin;
  const res = await exports.default.fetch(
    new Request(`${BASE}${path}${opts.query ? `?${opts.query}` : ""}`, { headers }),
  );
  if (res.status !== 101 || !res.webSocket) {
    return { status: res.status, socket: null, json: await res.json().catch(() => null) };
  }
  return { status: 101, socket: new TestSocket(res.webSocket), json: null };
}

export async function mustOpen(marketId: string, opts: Parameters<typeof openSocket>[1] = {}): Promise<TestSocket> {
  const r = await openSocket(marketId, opts);
  if (!r.socket) throw new Error(`socket refused: ${r.status} ${JSON.stringify(r.json)}`);
  return r.socket;
}
