// Hostile pages and scripts on HTTP (issue 14): cross-site writes, bodies
// that are not JSON, token spellings, odds past two decimals, readable
// validation errors, bounded lookups of made-up ids, caps per account, the
// admin key's lockout and the refusal of weak secrets in production.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { buildApp } from "../../worker/app.ts";
import { ADMIN_KEY, BASE, adminSession, call, createMarket, marketAndPunter, punterSession, randomAddress, uniqueId } from "../helpers/api.ts";

const session = (headers: Record<string, string>, body: unknown = { name: "x" }) => call("POST", "/api/session", { body, headers });

describe("cross-site writes", () => {
  it("refuses a state-changing request from an origin not allowed, or a cross-site fetch, with 403", async () => {
    const foreign = await session({ origin: "https://evil.test" });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe("FORBIDDEN");
    expect((await session({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await session({ origin: "https://evil.test", "sec-fetch-site": "cross-site" })).status).toBe(403);
  });

  it("takes requests from its own origin and from clients that send no Origin at all", async () => {
    expect((await session({ origin: "http://edgebook.test", "sec-fetch-site": "same-origin" })).status).toBe(201);
    expect((await session({})).status).toBe(201);
  });

  it("refuses a body sent as text/plain or as a form with 415, in the contract's error shape", async () => {
    // What a page may send another site without asking first (a "simple" request), and JSON with a charset.
    const post = (type: string | null) => {
      const headers: Record<string, string> = { "cf-connecting-ip": randomAddress(), ...(type ? { "content-type": type } : {}) };
      return exports.default.fetch(new Request(`${BASE}/api/session`, { method: "POST", headers, body: JSON.stringify({ name: "x" }) }));
    };
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null]) {
      const r = await post(type);
      expect(r.status, String(type)).toBe(415);
      expect(await r.json()).toEqual({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: expect.any(String) } });
    }
    expect((await post("application/json; charset=utf-8")).status).toBe(201);
  });
});

describe("tokens", () => {
  it("takes the Bearer scheme in any case (RFC 6750)", async () => {
    const { token } = await punterSession();
    for (const scheme of ["bearer", "BEARER", "Bearer"]) {
      expect((await call("GET", "/api/me", { headers: { authorization: `${scheme} ${token}` } })).status, scheme).toBe(200);
    }
  });

  it("refuses a token whose last character differs only in bits that decoding drops", async () => {
    const { token } = await punterSession();
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // An HS256 signature is 32 bytes: 43 characters, the last carrying two unused bits.
    const sig = token.split(".")[2];
    expect(sig.length).toBe(43);
    const twin = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1)!) ^ 1];
    expect((await call("GET", "/api/me", { token })).status).toBe(200);
    expect((await call("GET", "/api/me", { token: twin })).status).toBe(401);
  });
});

describe("validation", () => {
  it("refuses odds with more than two decimals, in a bet and in a new market", async () => {
    const { admin, market, token } = await marketAndPunter();
    const bet = await call("POST", `/api/markets/${market.id}/bets`, { token, body: { id: "bet-decimals-1", selectionId: "home", stake: 100, odds: 2.5000000001 } });
    expect(bet.status).toBe(400);
    expect(bet.json.error).toEqual({ code: "INVALID", message: "odds must have at most two decimals" });
    const made = await call("POST", "/api/markets", {
      token: admin,
      body: { id: uniqueId(), name: "n", event: "e", selections: [{ id: "a", name: "A", odds: 2.0000000001 }] },
    });
    expect(made.status).toBe(400);
    expect((await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 1.015 } } })).status).toBe(400);
    expect((await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.3 } } })).status).toBe(200);
  });

  it("says what is wrong with a body in a plain sentence", async () => {
    const message = async (body: unknown) => (await session({}, body)).json.error.message;
    expect(await message({ name: "x", extra: 1 })).toBe('"extra" is not a field here');
    expect(await message({})).toBe("name is required");
    expect(await message({ name: 5 })).toBe("name must be text, not 5");
    expect(await message({ name: "" })).toBe("name must have at least 1 characters");
    const admin = await adminSession();
    const market = await createMarket(admin);
    const status = await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "paused" } });
    expect(status.json.error.message).toBe('status must be one of "open", "suspended", "closed"');
    const { token } = await punterSession();
    const bet = await call("POST", `/api/markets/${market.id}/bets`, { token, body: { id: "bet-words-1", selectionId: "home", stake: "100", odds: 2.5 } });
    expect(bet.json.error.message).toBe('stake must be a number, not "100"');
  });
});

describe("caps", () => {
  it("answers made-up market ids from one address at a bounded rate, and other addresses still get 404", async () => {
    const address = "10.200.0.1";
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) statuses.push((await call("GET", `/api/markets/${uniqueId("nope")}`, { headers: { "cf-connecting-ip": address } })).status);
    expect(statuses.slice(0, 100).every((s) => s === 404)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await call("GET", `/api/markets/${uniqueId("nope")}`)).status).toBe(404);
  });

  it("never counts lookups of markets that exist against the budget, as after a restart that emptied the Worker's cache", async () => {
    // Markets made straight in their objects, so this isolate has never seen their ids.
    const ids = Array.from({ length: 130 }, () => uniqueId("seen-after-restart"));
    for (let i = 0; i < ids.length; i += 26) {
      await Promise.all(
        ids.slice(i, i + 26).map(async (id) => {
          const made = await env.MARKET_HUB.getByName(id).create({ id, name: "Match odds", event: "Restart v Cache", selections: [{ id: "home", name: "Home", odds: 2 }, { id: "away", name: "Away", odds: 3 }] }, "acc-admin");
          expect(made.ok).toBe(true);
          await env.CATALOG.getByName("catalog").add(id);
        }),
      );
    }
    const address = "10.200.0.2";
    const statuses: number[] = [];
    for (const id of ids) statuses.push((await call("GET", `/api/markets/${id}`, { headers: { "cf-connecting-ip": address } })).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it("caps HTTP bets per account with 429 and stores nothing for a bet it refused so", async () => {
    const { market, token } = await marketAndPunter({ minStake: 1 });
    const answers: number[] = [];
    for (let i = 0; i < 101; i++) {
      const r = await call("POST", `/api/markets/${market.id}/bets`, { token, body: { id: `capped-bet-${i}`, selectionId: "home", stake: 1, odds: 2.5 } });
      answers.push(r.status);
    }
    expect(answers.slice(0, 100).every((s) => s === 200)).toBe(true);
    expect(answers[100]).toBe(429);
    const bets = (await call("GET", "/api/me/bets", { token })).json.bets;
    expect(bets.map((b: { id: string }) => b.id)).not.toContain("capped-bet-100");
    // Another account is not held back by this one.
    const other = await punterSession();
    expect((await call("POST", `/api/markets/${market.id}/bets`, { token: other.token, body: { id: "capped-other", selectionId: "home", stake: 1, odds: 2.5 } })).status).toBe(200);
  });

  it("caps socket tickets per account with 429", async () => {
    const { market, token } = await marketAndPunter();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await call("POST", `/api/markets/${market.id}/ticket`, { token })).status);
    expect(statuses.slice(0, 60).every((s) => s === 201)).toBe(true);
    expect(statuses[60]).toBe(429);
  });
});

describe("the admin key", () => {
  it("locks an address out after five wrong keys, logs a warning, and refuses even the right key from it", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const headers = { "cf-connecting-ip": "10.201.0.1" };
      for (let i = 0; i < 5; i++) expect((await session(headers, { name: "guess", adminKey: `guess-${i}` })).status).toBe(401);
      const locked = await session(headers, { name: "x", adminKey: ADMIN_KEY });
      expect(locked.status).toBe(429);
      expect(locked.json.error.code).toBe("RATE_LIMITED");
      expect(warn.mock.calls.some(([line]) => String(line).includes("admin.lockout"))).toBe(true);
      expect((await session({}, { name: "x", adminKey: ADMIN_KEY })).status).toBe(201);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("secrets in production", () => {
  const shortKeys = { ...env, ADMIN_KEY: "only-twenty-chars-xx", SESSION_SECRET: "a-session-secret-that-is-long-enough-xx" };

  it("refuses every request with a clear log line when ADMIN_KEY or SESSION_SECRET is under 32 characters", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const r = await buildApp().request("https://book.example/api/health", {}, shortKeys);
      expect(r.status).toBe(500);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe("INTERNAL");
      expect(error.mock.calls.some(([line]) => /ADMIN_KEY is shorter than 32 characters/.test(String(line)))).toBe(true);
      const shortSecret = { ...env, SESSION_SECRET: "short-secret-xx" };
      expect((await buildApp().request("https://book.example/api/health", {}, shortSecret)).status).toBe(500);
    } finally {
      error.mockRestore();
    }
  });

  it("judges secrets by how the server was started, never by the Host a client sends", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const host of ["127.0.0.1:8787", "127.1", "localhost", "[::1]"]) {
        expect((await buildApp().request(`http://${host}/api/health`, {}, shortKeys)).status, host).toBe(500);
      }
    } finally {
      error.mockRestore();
    }
    // The local server of npm start (its launcher sets FRONT_KEY, sent by its front) runs with shorter local secrets.
    const local = { ...shortKeys, FRONT_KEY: "front-key-for-this-test" };
    const r = await buildApp().request("http://127.0.0.1:8787/api/health", { headers: { "x-edgebook-front": "front-key-for-this-test" } }, local);
    expect(r.status).toBe(200);
  });
});
