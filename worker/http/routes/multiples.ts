// Multiples (contract v1.1): place one, list the account's. The account's
// wallet coordinates each multiple (wallet/multiple-desk.ts); these routes
// check the body, that every leg's market exists, and the account's bet
// budget, then call the wallet and unwrap its answer.
import { Hono } from "hono";
import { ErrorCode, fail } from "../../errors.ts";
import { MultipleAnswerSchema, MultipleBody, MultiplePageSchema, MultiplesQuery } from "../../protocol/multiples.ts";
import { clientAddress } from "../client-address.ts";
import type { AppEnv } from "../context.ts";
import { type RouteSpec, route, valid } from "../route.ts";
import { marketExists, spend, wallet } from "../stubs.ts";
import { unwrap } from "../unwrap.ts";

const Place = {
  summary:
    "Place a multiple (punter): 2 to 10 legs on distinct markets, one stake; each leg checked by its market under the accept policy. Answered once every market has answered (accepted or rejected), else pending; the same id again answers as it stands, with another body 409 ID_REUSED",
  who: "punter",
  body: MultipleBody,
  answer: { status: 200, description: "The multiple", schema: MultipleAnswerSchema },
  refusals: [404, 409, 429],
} satisfies RouteSpec;

const Mine = {
  summary: "The account's multiples, newest first, a page at a time",
  who: "session",
  query: MultiplesQuery,
  answer: { status: 200, description: "One page; `next` is absent on the last", schema: MultiplePageSchema },
} satisfies RouteSpec;

export const multipleRoutes = new Hono<AppEnv>()
  .post("/multiples", route(Place), async (c) => {
    const account = c.get("session").sub;
    const { body } = valid(c, Place);
    await spend(c, account, "bet", c.get("config").betsPer10s, "too many bets for this account; try again shortly");
    const address = clientAddress(c.req.raw);
    for (const leg of body.legs) {
      if (!(await marketExists(c.env, leg.marketId, address, c.get("config").lookupsPer10s))) fail(ErrorCode.NOT_FOUND, `no such market: ${leg.marketId}`);
    }
    return c.json({ multiple: unwrap(await wallet(c.env, account).placeMultiple(body)) });
  })
  .get("/me/multiples", route(Mine), async (c) => {
    const { cursor, limit } = valid(c, Mine).query;
    return c.json(unwrap(await wallet(c.env, c.get("session").sub).listMultiples(limit, cursor)));
  });
