// What integrators and operators rely on: the OpenAPI document covers every
// route, the audit trail pages through every change with who made it.
import { Hono } from "hono";
import * as v from "valibot";
import { describe, expect, it, vi } from "vitest";
import { buildApp } from "../../worker/app.ts";
import { openApiDocument } from "../../worker/http/openapi.ts";
import { route } from "../../worker/http/route.ts";
import { ADMIN_KEY, adminSession, call, createMarket, marketAndPunter, openSocket, punterSession } from "../helpers/api.ts";

describe("the OpenAPI document", () => {
  it("describes every route the app serves, and nothing it does not", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    expect(doc.openapi).toMatch(/^3\./);
    const served = new Set(
      buildApp()
        .routes.filter((r) => r.method !== "ALL")
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const described = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    expect([...served].sort()).toEqual([...described].sort());
  });

  it("generates request schemas from the validating schemas", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    const create = doc.paths["/api/markets"].post.requestBody.content["application/json"].schema;
    expect(create.required).toEqual(expect.arrayContaining(["id", "name", "event", "selections"]));
    expect(create.properties.id.pattern).toBe("^[a-z0-9][a-z0-9-]{0,63}$");
    expect(create.additionalProperties).toBe(false);
    const bet = doc.paths["/api/markets/{id}/bets"].post.requestBody.content["application/json"].schema;
    expect(bet.properties.accept.enum).toEqual(["exact", "better", "any"]);
  });

  it("lists with each route the statuses it really answers: 401 without a session, 415 for a body that is not JSON, 404 for a junk id", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    const routes = buildApp().routes.filter((r) => r.method !== "ALL");
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) {
      const op = doc.paths[r.path.replace(/:(\w+)/g, "{$1}")][r.method.toLowerCase()];
      const listed = Object.keys(op.responses).map(Number);
      expect(listed.some((s) => s < 300), `${r.method} ${r.path} lists its answer`).toBe(true);
      const path = r.path.replace(":id", "NO_SUCH_ID");
      const bare = await call(r.method, path, { headers: path.endsWith("/ws") ? { upgrade: "websocket" } : {} });
      expect(listed, `${r.method} ${r.path} answers ${bare.status} bare: ${JSON.stringify(bare.json)}`).toContain(bare.status);
      if (op.security) expect(bare.status === 401 || bare.status === 404, `${r.method} ${r.path} needs a session`).toBe(true);
      if (r.method === "POST") {
        const text = await call(r.method, r.path.replace(":id", "m-1"), { headers: { "content-type": "text/plain" }, body: undefined });
        expect(listed).toContain(415);
        expect(text.status === 415 || text.status === 401, `${r.method} ${r.path}: text/plain answered ${text.status}`).toBe(true);
      }
    }
  });

  it("follows a change of a route's schema: the document is built from what validates", async () => {
    const docFor = (body: v.GenericSchema) => {
      const app = new Hono().post("/x/:id", route({ summary: "x", params: { id: v.string() }, body, answer: { status: 200, description: "ok" } }), (c) => c.json({}));
      return openApiDocument(app) as any;
    };
    const before = docFor(v.strictObject({ a: v.string() })).paths["/x/{id}"].post;
    const after = docFor(v.strictObject({ a: v.string(), b: v.pipe(v.number(), v.maxValue(9)) })).paths["/x/{id}"].post;
    expect(Object.keys(before.requestBody.content["application/json"].schema.properties)).toEqual(["a"]);
    expect(after.requestBody.content["application/json"].schema.properties.b).toEqual({ type: "number", maximum: 9 });
    expect(Object.keys(after.responses).map(Number)).toEqual([200, 400, 403, 404, 413, 415]);
    expect(after.parameters).toEqual([{ name: "id", in: "path", required: true, schema: { type: "string" } }]);
  });
});

describe("the audit trail", () => {
  it("pages through every change, oldest first, with what changed and who did it", async () => {
    const admin = await adminSession();
    const me = (await call("GET", "/api/me", { token: admin })).json.account;
    const market = await createMarket(admin);
    for (const odds of [2.6, 2.7, 2.8]) await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: odds } } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended", reason: "VAR check" } });
    await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "home" } });

    const first = await call("GET", `/api/markets/${market.id}/events?limit=3`, { token: admin });
    expect(first.status).toBe(200);
    expect(first.json.events.map((e: any) => [e.seq, e.type])).toEqual([[0, "created"], [1, "odds"], [2, "odds"]]);
    expect(first.json.events[1]).toMatchObject({ by: me.id, odds: { home: 2.6 } });
    expect(first.json.events[1].ts).toBeGreaterThan(0);
    expect(first.json.next).toBe(2);
    const rest = await call("GET", `/api/markets/${market.id}/events?after=${first.json.next}&limit=10`, { token: admin });
    expect(rest.json.events.map((e: any) => e.type)).toEqual(["odds", "status", "settled"]);
    expect(rest.json.events[1]).toMatchObject({ status: "suspended", reason: "VAR check" });
    expect(rest.json.events[2]).toMatchObject({ winner: "home" });
    expect(rest.json.next).toBeUndefined();
    expect((await call("GET", `/api/markets/${market.id}/events?limit=0`, { token: admin })).status).toBe(400);
    expect((await call("GET", `/api/markets/${market.id}/events?after=x`, { token: admin })).status).toBe(400);
    const { token } = await punterSession();
    expect((await call("GET", `/api/markets/${market.id}/events`, { token })).status).toBe(403);
  });
});

describe("the trader's exposure", () => {
  it("sums accepted bets per selection and what each outcome would cost the book", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const a = await punterSession("a");
    const b = await punterSession("b");
    const bet = (token: string, selectionId: string, stake: number, odds: number) =>
      call("POST", `/api/markets/${market.id}/bets`, { token, body: { id: `exp-${selectionId}-${stake}-${odds * 100}`, selectionId, stake, odds } });
    await bet(a.token, "home", 1000, 2.5);
    await bet(b.token, "home", 2000, 2.5);
    await bet(b.token, "away", 3000, 2.9);
    const r = await call("GET", `/api/markets/${market.id}/exposure`, { token: admin });
    expect(r.status).toBe(200);
    expect(r.json.exposure).toEqual({
      marketId: market.id,
      totalStake: 6000,
      pendingBets: 0,
      selections: [
        { id: "home", bets: 2, stake: 3000, payout: 7500, profitIfWins: -1500 },
        { id: "draw", bets: 0, stake: 0, payout: 0, profitIfWins: 6000 },
        { id: "away", bets: 1, stake: 3000, payout: 8700, profitIfWins: -2700 },
      ],
    });
    expect((await call("GET", `/api/markets/${market.id}/exposure`, { token: a.token })).status).toBe(403);
  });
});

describe("the account's bets", () => {
  it("lists a bet the market refused before any money moved, and not a request refused with an HTTP error", async () => {
    const { market, token } = await marketAndPunter();
    const refused = await call("POST", `/api/markets/${market.id}/bets`, { token, body: { id: "listed-refusal", selectionId: "home", stake: 100, odds: 9.5 } });
    expect(refused.json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED" });
    expect((await call("POST", `/api/markets/${market.id}/bets`, { token, body: { id: "never-a-bet", selectionId: "home", stake: 100, odds: 2.555 } })).status).toBe(400);
    const ids = (await call("GET", "/api/me/bets", { token })).json.bets.map((b: { id: string }) => b.id);
    expect(ids).toContain("listed-refusal");
    expect(ids).not.toContain("never-a-bet");
  });
});

describe("the Worker's logs", () => {
  it("writes one JSON line per request with its request id, and never a token, ticket or key", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token } = await punterSession();
    const ticket = (await call("POST", `/api/markets/${market.id}/ticket`, { token })).json.ticket as string;
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
    const spies = [vi.spyOn(console, "log").mockImplementation(capture), vi.spyOn(console, "warn").mockImplementation(capture), vi.spyOn(console, "error").mockImplementation(capture)];
    try {
      const me = await call("GET", "/api/me", { token });
      const socket = await openSocket(market.id, { query: `ticket=${ticket}` });
      const refused = await openSocket(market.id, { query: `ticket=${ticket}` });
      expect(refused.status).toBe(401);
      await call("POST", "/api/session", { body: { name: "x", adminKey: `${ADMIN_KEY}-wrong` } });
      socket.socket?.close();
      const http = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === "http");
      expect(http.map((l) => l.path)).toEqual(expect.arrayContaining(["/api/me", `/api/markets/${market.id}/ws`, "/api/session"]));
      expect(http.find((l) => l.path === "/api/me")?.requestId).toBe(me.headers.get("x-request-id"));
      for (const l of http) expect(l).toMatchObject({ level: "info", requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: expect.any(Number) });
      const all = lines.join("\n");
      for (const secret of [token, ticket, admin, ADMIN_KEY]) expect(all).not.toContain(secret);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
