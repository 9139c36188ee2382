// Market routes: the list (from the book object), one market, and the admin's
// changes. Thin: check, call the object over RPC, unwrap its answer (a refusal
// becomes the contract's error).
import { Hono } from "hono";
import { bookOf } from "../../book/book-config.ts";
import { ErrorCode, fail } from "../../errors.ts";
import { BetBody, CreateMarketBody, type MarketEvent, OddsBody, SettleBody, StatusBody } from "../../protocol/schemas.ts";
import { parseListQuery } from "../../rules/market-list.ts";
import { readBody } from "../body.ts";
import type { AppEnv } from "../context.ts";
import { adminOnly, punterOnly } from "../session.ts";
import { catalog, hub, marketExists, rememberMarket } from "../stubs.ts";
import { unwrap } from "../unwrap.ts";

async function existing(env: Env, id: string) {
  if (!(await marketExists(env, id))) fail(ErrorCode.NOT_FOUND, "no such market");
  return hub(env, id);
}

export const marketRoutes = new Hono<AppEnv>()
  // One call to the book object, whatever the book's size: no hub is woken.
  .get("/", async (c) => {
    const query = unwrap(parseListQuery(new URL(c.req.url).searchParams));
    return c.json(unwrap(await bookOf(c.env).list(query)));
  })
  .post("/", adminOnly, async (c) => {
    const body = await readBody(c, CreateMarketBody);
    const answer = await hub(c.env, body.id).create(body, c.get("session").sub);
    // Register even when the hub says it exists: a crash between the two steps heals here.
    if (answer.ok || answer.code === ErrorCode.MARKET_EXISTS) {
      await catalog(c.env).add(body.id);
      rememberMarket(body.id);
    }
    const market = unwrap(answer);
    // The list shows a new market at once; the hub's own summary follows through its shard.
    await bookOf(c.env).apply([{ market, at: Date.now() }]);
    return c.json({ market }, 201);
  })
  .get("/:id", async (c) => {
    const market = unwrap(await (await existing(c.env, c.req.param("id"))).getMarket());
    return c.json({ market });
  })
  .post("/:id/odds", adminOnly, async (c) => {
    const body = await readBody(c, OddsBody);
    const stub = await existing(c.env, c.req.param("id"));
    return c.json(unwrap(await stub.pushOdds(body.odds, c.get("session").sub)));
  })
  .post("/:id/status", adminOnly, async (c) => {
    const body = await readBody(c, StatusBody);
    const stub = await existing(c.env, c.req.param("id"));
    return c.json(unwrap(await stub.setStatus(body, c.get("session").sub)));
  })
  .post("/:id/settle", adminOnly, async (c) => {
    const body = await readBody(c, SettleBody);
    const stub = await existing(c.env, c.req.param("id"));
    return c.json(unwrap(await stub.settle(body, c.get("session").sub)));
  })
  .post("/:id/feed/heartbeat", adminOnly, async (c) => {
    const stub = await existing(c.env, c.req.param("id"));
    return c.json(unwrap(await stub.feedHeartbeat()));
  })
  .post("/:id/bets", punterOnly, async (c) => {
    const body = await readBody(c, BetBody);
    const stub = await existing(c.env, c.req.param("id"));
    return c.json(await stub.placeBet(c.get("session").sub, body));
  })
  .get("/:id/exposure", adminOnly, async (c) => {
    const stub = await existing(c.env, c.req.param("id"));
    return c.json({ exposure: unwrap(await stub.exposure()) });
  })
  .get("/:id/history", async (c) => {
    const limit = pageParam(c.req.query("limit"), 60, 1, 200);
    const stub = await existing(c.env, c.req.param("id"));
    return c.json({ history: unwrap(await stub.oddsHistory(limit)) });
  })
  .get("/:id/events", adminOnly, async (c) => {
    const after = pageParam(c.req.query("after"), -1, -1, Number.MAX_SAFE_INTEGER);
    const limit = pageParam(c.req.query("limit"), 100, 1, 1000);
    const stub = await existing(c.env, c.req.param("id"));
    const events = unwrap<MarketEvent[]>(await stub.events(after, limit + 1));
    const page = events.slice(0, limit);
    const next = events.length > limit ? page[page.length - 1].seq : undefined;
    return c.json(next === undefined ? { events: page } : { events: page, next });
  });

function pageParam(raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^-?\d{1,16}$/.test(raw)) fail(ErrorCode.INVALID, "paging parameters are integers");
  const n = Number(raw);
  if (n < min || n > max) fail(ErrorCode.INVALID, `paging parameter out of range ${min}..${max}`);
  return n;
}
