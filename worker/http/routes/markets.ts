// Market routes: the list (from the book object), one market, and the admin's
// changes. Thin: each declared once (route spec), checked by its middleware,
// then a call to the object over RPC and its answer unwrapped (a refusal
// becomes the contract's error).
import { Hono } from "hono";
import * as v from "valibot";
import { bookOf } from "../../book/book-config.ts";
import { ErrorCode, fail } from "../../errors.ts";
import { MarketPageSchema } from "../../protocol/book.ts";
import { EventsQuery, HistoryQuery, MarketListQuery } from "../../protocol/queries.ts";
import * as s from "../../protocol/schemas.ts";
import type { BetId } from "../../protocol/units.ts";
import { parseListQuery } from "../../rules/market-list.ts";
import type { AppEnv } from "../context.ts";
import { type RouteSpec, route, valid } from "../route.ts";
import { catalog, existingHub, hub, rememberMarket, spend } from "../stubs.ts";
import { unwrap } from "../unwrap.ts";

const id = { id: s.IdSchema };
const seqAnswer = { status: 200, description: "The market's seq", schema: v.object({ seq: v.pipe(v.number(), v.integer()) }) } as const;
const MarketAnswer = v.object({ market: s.MarketSchema });

const List = {
  summary: "Markets with their current odds and status, oldest first, one page at a time; without status, markets settled or voided over an hour ago are left out",
  query: MarketListQuery,
  answer: { status: 200, description: "One page of markets; `next` is absent on the last", schema: MarketPageSchema },
} satisfies RouteSpec;
const Create = {
  summary: "Create a market (admin)",
  who: "admin",
  body: s.CreateMarketBody,
  answer: { status: 201, description: "Created", schema: MarketAnswer },
  refusals: [409],
} satisfies RouteSpec;
const One = { summary: "One market", params: id, refusals: [429], answer: { status: 200, description: "Market", schema: MarketAnswer } } satisfies RouteSpec;
const Odds = {
  summary: "Push odds (admin); only changed selections are broadcast",
  who: "admin",
  params: id,
  body: s.OddsBody,
  answer: seqAnswer,
  refusals: [409],
} satisfies RouteSpec;
const Status = { summary: "Open, suspend or close; in play and bet delay (admin)", who: "admin", params: id, body: s.StatusBody, answer: seqAnswer, refusals: [409] } satisfies RouteSpec;
const Settle = { summary: "Settle with a winner, or void (admin)", who: "admin", params: id, body: s.SettleBody, answer: seqAnswer, refusals: [409] } satisfies RouteSpec;
const Heartbeat = { summary: "The odds feed's heartbeat, for markets with a feed watchdog (admin)", who: "admin", params: id, answer: seqAnswer } satisfies RouteSpec;
const Bet = {
  summary: "Place a bet (punter); the answer is the socket's bet frame",
  who: "punter",
  params: id,
  body: s.BetBody,
  answer: { status: 200, description: "Bet answer", schema: s.BetReplyFrame },
  refusals: [429],
} satisfies RouteSpec;
const CashOut = {
  summary: "Cash out an open bet of yours, whole or a part of its stake (punter); the answer is the socket's cashout frame",
  who: "punter",
  params: { id: s.IdSchema, betId: s.BetIdSchema },
  body: s.CashOutBody,
  answer: { status: 200, description: "Cash out answer: done, pending (in play, until the bet delay ends) or rejected with a reason", schema: s.CashOutReplyFrame },
  refusals: [429],
} satisfies RouteSpec;
const Exposure = {
  summary: "Open bets per selection and the book's result if each wins; for a settled or voided market, its final result (admin)",
  who: "admin",
  params: id,
  answer: { status: 200, description: "Exposure", schema: v.object({ exposure: s.ExposureSchema }) },
} satisfies RouteSpec;
const History = {
  summary: "The market's last odds changes, oldest first, for a price chart",
  params: id,
  query: HistoryQuery,
  answer: { status: 200, description: "Odds history", schema: s.OddsHistorySchema },
} satisfies RouteSpec;
const Events = {
  summary: "The market's event log, oldest first, paged (admin)",
  who: "admin",
  params: id,
  query: EventsQuery,
  answer: { status: 200, description: "Events", schema: v.object({ events: v.array(s.MarketEventSchema), next: v.optional(v.pipe(v.number(), v.integer())) }) },
} satisfies RouteSpec;

export const marketRoutes = new Hono<AppEnv>()
  // One call to the book object, whatever the book's size: no hub is woken.
  .get("/", route(List), async (c) => {
    const query = unwrap(parseListQuery(new URL(c.req.url).searchParams));
    return c.json(unwrap(await bookOf(c.env).list(query)));
  })
  .post("/", route(Create), async (c) => {
    const { body } = valid(c, Create);
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
  .get("/:id", route(One), async (c) => {
    const market = unwrap(await (await existingHub(c, c.req.param("id"))).getMarket());
    return c.json({ market });
  })
  .post("/:id/odds", route(Odds), async (c) => {
    const stub = await existingHub(c, c.req.param("id"));
    return c.json(unwrap(await stub.pushOdds(valid(c, Odds).body.odds, c.get("session").sub)));
  })
  .post("/:id/status", route(Status), async (c) => {
    const stub = await existingHub(c, c.req.param("id"));
    return c.json(unwrap(await stub.setStatus(valid(c, Status).body, c.get("session").sub)));
  })
  .post("/:id/settle", route(Settle), async (c) => {
    const stub = await existingHub(c, c.req.param("id"));
    return c.json(unwrap(await stub.settle(valid(c, Settle).body, c.get("session").sub)));
  })
  .post("/:id/feed/heartbeat", route(Heartbeat), async (c) => {
    const stub = await existingHub(c, c.req.param("id"));
    return c.json(unwrap(await stub.feedHeartbeat()));
  })
  .post("/:id/bets", route(Bet), async (c) => {
    // Refused before the hub sees it: nothing is stored, so the same id sent later gets its one real outcome.
    await spend(c, c.get("session").sub, "bet", c.get("config").betsPer10s, "too many bets for this account; try again shortly");
    const stub = await existingHub(c, c.req.param("id"));
    return c.json(await stub.placeBet(c.get("session").sub, valid(c, Bet).body));
  })
  .post("/:id/bets/:betId/cashout", route(CashOut), async (c) => {
    await spend(c, c.get("session").sub, "cashout", c.get("config").betsPer10s, "too many cash outs for this account; try again shortly");
    const stub = await existingHub(c, c.req.param("id"));
    return c.json(await stub.cashOut(c.get("session").sub, c.req.param("betId") as BetId, valid(c, CashOut).body));
  })
  .get("/:id/exposure", route(Exposure), async (c) => {
    const stub = await existingHub(c, c.req.param("id"));
    return c.json({ exposure: unwrap(await stub.exposure()) });
  })
  .get("/:id/history", route(History), async (c) => {
    const { limit } = valid(c, History).query;
    const stub = await existingHub(c, c.req.param("id"));
    return c.json({ history: unwrap(await stub.oddsHistory(limit)) });
  })
  .get("/:id/events", route(Events), async (c) => {
    const { after, limit } = valid(c, Events).query;
    const stub = await existingHub(c, c.req.param("id"));
    const events = unwrap<s.MarketEvent[]>(await stub.events(after, limit + 1));
    const page = events.slice(0, limit);
    const next = events.length > limit ? page[page.length - 1].seq : undefined;
    return c.json(next === undefined ? { events: page } : { events: page, next });
  });
