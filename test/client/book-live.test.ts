// The SDK's BookSubscription against the real Worker in workerd: the book,
// a pushed price, a suspension, a market added and one leaving, and a rebuild
// after the socket drops. The SDK opens its sockets through WorkerSocket below.
// (The client's compiler settings cannot take test/helpers, typed for workerd:
// the few calls needed are made here.)
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BookSubscription, type BookView } from "../../client/sdk/book-socket.ts";
import type { Summary } from "../../worker/protocol/book.ts";
import { ADMIN_KEY } from "../helpers/secrets.ts";

const BASE = "http://edgebook.test";
let unique = 0;
const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++unique}`;
const randomAddress = () => `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { "cf-connecting-ip": randomAddress(), "content-type": "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  return { status: res.status, json: await res.json() };
}

const adminSession = async (): Promise<string> => (await call("POST", "/api/session", { body: { name: "trader", adminKey: ADMIN_KEY } })).json.token;

async function createMarket(token: string, { event }: { event: string }): Promise<Summary> {
  const selections = [
    { id: "home", name: "Home", odds: 2.5 },
    { id: "away", name: "Away", odds: 2.9 },
  ];
  const r = await call("POST", "/api/markets", { token, body: { id: uniqueId("sdk"), name: "Match odds", event, selections } });
  if (r.status !== 201) throw new Error(`create market failed: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.market;
}

/**
 * The WebSocket constructor the SDK needs, over the Worker's own fetch: the
 * upgrade's socket wrapped in the browser's callback surface. `drop()` cuts it
 * as a network would, so a test can watch the SDK come back by itself.
 */
class WorkerSocket {
  static opened: WorkerSocket[] = [];
  readonly url: string;
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  #ws: WebSocket | null = null;

  constructor(url: string) {
    this.url = url;
    WorkerSocket.opened.push(this);
    const target = new URL(url);
    target.protocol = target.protocol === "wss:" ? "https:" : "http:";
    void exports.default.fetch(new Request(target, { headers: { Upgrade: "websocket", "cf-connecting-ip": randomAddress() } })).then(
      (res) => {
        const ws = res.webSocket;
        if (res.status !== 101 || !ws) return this.#closed();
        ws.accept();
        this.#ws = ws;
        ws.addEventListener("message", (e) => this.onmessage?.({ data: e.data }));
        ws.addEventListener("close", () => this.#closed());
        this.readyState = 1;
        this.onopen?.();
      },
      () => this.#closed(),
    );
  }

  send(data: string): void {
    this.#ws?.send(data);
  }

  close(code?: number, reason?: string): void {
    this.readyState = 3;
    this.#ws?.close(code, reason);
  }

  /** The network cuts the socket: the client hears a close it did not ask for. */
  drop(): void {
    this.#ws?.close(1000, "dropped by the test");
    this.#closed();
  }

  #closed(): void {
    if (this.readyState === 3 && this.#ws === null) return;
    this.readyState = 3;
    this.#ws = null;
    this.onclose?.();
  }
}

const fast = { backoffBaseMs: 20, backoffCapMs: 40, random: () => 0.5 };
const odds = (s: Summary | undefined, sel: string) => s?.selections.find((x) => x.id === sel)?.odds;
const poll = { timeout: 3000, interval: 20 };

function onWorker(view: BookView) {
  WorkerSocket.opened = [];
  return new BookSubscription(BASE, view, { WebSocket: WorkerSocket as unknown as new (url: string) => WebSocket, ...fast });
}

describe("a book subscription on the real Worker", () => {
  it("holds the view's markets from the first book frame, then follows prices, status, added and removed markets", async () => {
    const admin = await adminSession();
    const event = uniqueId("Sdk book");
    const a = await createMarket(admin, { event });
    const sub = onWorker({ event });
    const seen: string[] = [];
    sub.on("book", (list) => seen.push(`book ${list.map((m) => m.id).join(",")}`));
    sub.on("added", (m) => seen.push(`added ${m.id}`));
    sub.on("removed", (id) => seen.push(`removed ${id}`));
    await expect.poll(() => sub.ready, poll).toBe(true);
    expect(sub.state).toBe("live");
    expect(sub.markets.map((m) => m.id)).toEqual([a.id]);

    await call("POST", `/api/markets/${a.id}/odds`, { token: admin, body: { odds: { home: 2.6 } } });
    await expect.poll(() => odds(sub.get(a.id), "home"), poll).toBe(2.6);
    await call("POST", `/api/markets/${a.id}/status`, { token: admin, body: { status: "suspended", inPlay: true } });
    await expect.poll(() => sub.get(a.id)?.status, poll).toBe("suspended");
    expect(sub.get(a.id)?.inPlay).toBe(true);

    const b = await createMarket(admin, { event });
    await expect.poll(() => sub.markets.map((m) => m.id), poll).toEqual([a.id, b.id]);
    await call("POST", `/api/markets/${a.id}/settle`, { token: admin, body: { winner: "home" } });
    await expect.poll(() => sub.markets.map((m) => m.id), poll).toEqual([b.id]);
    expect(seen).toEqual([`book ${a.id}`, `added ${b.id}`, `removed ${a.id}`]);
    sub.close();
  });

  it("rebuilds its view from a fresh book after the socket drops, with the changes made while it was away", async () => {
    const admin = await adminSession();
    const a = await createMarket(admin, { event: uniqueId("Sdk drop") });
    const b = await createMarket(admin, { event: uniqueId("Sdk drop") });
    const sub = onWorker({ ids: [a.id, b.id] });
    const books: number[] = [];
    sub.on("book", (list) => books.push(list.length));
    await expect.poll(() => sub.ready, poll).toBe(true);
    const states: string[] = [];
    sub.on("state", (s) => states.push(s));

    WorkerSocket.opened[0].drop();
    expect(sub.state).toBe("reconnecting");
    await call("POST", `/api/markets/${a.id}/odds`, { token: admin, body: { odds: { away: 3.4 } } });
    await call("POST", `/api/markets/${b.id}/status`, { token: admin, body: { status: "suspended" } });
    // No replay on the book socket: the change made while it was away comes in the next book frame (or a summary after it).
    await expect.poll(() => [odds(sub.get(a.id), "away"), sub.get(b.id)?.status], poll).toEqual([3.4, "suspended"]);
    expect(books[0]).toBe(2);
    expect(books.length).toBeGreaterThanOrEqual(2);
    expect(states).toEqual(["reconnecting", "live"]);
    expect(new URL(WorkerSocket.opened[1].url).searchParams.get("ids")).toBe(`${a.id},${b.id}`);
    sub.close();
  });
});
