// Market routes: read the book, and the admin's changes to it. Thin: check,
// call the hub over RPC, map its refusals to the contract's errors.
import { Hono } from "hono";
import { adminOnly, punterOnly } from "../auth/session.ts";
import { catalog, hub, marketExists, rememberMarket } from "../catalog/markets.ts";
import type { AppEnv } from "../context.ts";
import { ErrorCode, fail } from "../errors.ts";
import type { HubResult } from "../market/market-hub.ts";
import { BetBody, CreateMarketBody, OddsBody, SettleBody, StatusBody } from "../protocol/schemas.ts";
import type { Market, MarketEvent, OddsPoint } from "../protocol/schemas.ts";
import { bookOf } from "../book/book-config.ts";
import type { MarketPage } from "../protocol/book.ts";
import { parseListQuery } from "../rules/market-list.ts";
import { readBody } from "./body.ts";

/** A hub's refusal becomes the contract's error; success passes through. */
export function unwrap<T>(result: HubResult<T>): T {
  if (!result.ok) return fail(result.code, result.message);
  return result;
}

async function existing(env: Env, id: string) {
  if (!(await marketExists(env, id))) fail(ErrorCode.NOT_FOUND, "no such market");
  return hub(env, id);
}

export const marketRoutes = new Hono<AppEnv>()
  // One call to the book object, whatever the book's size: no hub is woken.
  .get("/", async (c) => {
    const query = parseListQuery(new URL(c.req.url).searchParams);
    if ("error" in query) return fail(ErrorCode.INVALID, query.error);
    return c.json((await bookOf(c.env).list(query)) as MarketPage);
  })
  .post("/", adminOnly, async (c) => {
    const body = await readBody(c, CreateMarketBody);
    const result = (await hub(c.env, body.id).create(body, c.get("session").sub)) as HubResult<{ market: Market }>;
    // Register even when the hub says it exists: a crash between the two steps heals here.
    if (result.ok || result.code === ErrorCode.MARKET_EXISTS) {
      await catalog(c.env).add(body.id);
      rememberMarket(body.id);
    }
    const { market } = unwrap(result);
    // The list shows a new market at once; the hub's own summary follows through its shard.
    await bookOf(c.env).apply([{ market, at: Date.now() }]);
    return c.json({ market }, 201);
  })
  .get("/:id", async (c) => {
    const market = await (await existing(c.env, c.req.param("id"))).getMarket();
    if (!market) return fail(ErrorCode.NOT_FOUND, "no such market");
    return c.json({ market });
  })
  .post("/:id/odds", adminOnly, async (c) => {
    const body = await readBody(c, OddsBody);
    const stub = await existing(c.env, c.req.param("id"));
    const { seq } = unwrap((await stub.pushOdds(body.odds, c.get("session").sub)) as HubResult<{ seq: number }>);
    return c.json({ seq });
  })
  .post("/:id/status", adminOnly, async (c) => {
    const body = await readBody(c, StatusBody);
    const stub = await existing(c.env, c.req.param("id"));
    const { seq } = unwrap((await stub.setStatus(body, c.get("session").sub)) as HubResult<{ seq: number }>);
    return c.json({ seq });
  })
  .post("/:id/settle", adminOnly, async (c) => {
    const body = await readBody(c, SettleBody);
    const stub = await existing(c.env, c.req.param("id"));
    const { seq } = unwrap((await stub.settle(body, c.get("session").sub)) as HubResult<{ seq: number }>);
    return c.json({ seq });
  })
  .post("/:id/feed/heartbeat", adminOnly, async (c) => {
    const stub = await existing(c.env, c.req.param("id"));
    const { seq } = unwrap((await stub.feedHeartbeat()) as HubResult<{ seq: number }>);
    return c.json({ seq });
  })
  .post("/:id/bets", punterOnly, async (c) => {
    const body = await readBody(c, BetBody);
    const stub = await existing(c.env, c.req.param("id"));
    const reply = await stub.placeBet(c.get("session").sub, body);
    if (!reply) return fail(ErrorCode.NOT_FOUND, "no such market");
    return c.json(reply);
  })
  .get("/:id/exposure", adminOnly, async (c) => {
    const stub = await existing(c.env, c.req.param("id"));
    const exposure = await stub.exposure();
    if (!exposure) return fail(ErrorCode.NOT_FOUND, "no such market");
    return c.json({ exposure });
  })
  .get("/:id/history", async (c) => {
    const limit = pageParam(c.req.query("limit"), 60, 1, 200);
    const stub = await existing(c.env, c.req.param("id"));
    const history = (await stub.oddsHistory(limit)) as OddsPoint[];
    return c.json({ history });
  })
  .get("/:id/events", adminOnly, async (c) => {
    const after = pageParam(c.req.query("after"), -1, -1, Number.MAX_SAFE_INTEGER);
    const limit = pageParam(c.req.query("limit"), 100, 1, 1000);
    const stub = await existing(c.env, c.req.param("id"));
    const events = (await stub.events(after, limit + 1)) as MarketEvent[];
    const page = events.slice(0, limit);
    const next = events.length > limit ? page[page.length - 1].seq : undefined;
    return c.json(next === undefined ? { events: page } : { events: page, next });
  });

function pageParam(raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^-?\d{1,16}$/.test(raw)) return fail(ErrorCode.INVALID, "paging parameters are integers");
  const n = Number(raw);
  if (n < min || n > max) return fail(ErrorCode.INVALID, `paging parameter out of range ${min}..${max}`);
  return n;
}
