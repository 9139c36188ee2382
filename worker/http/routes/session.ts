// Sessions and the account behind them: open a session (punter, or admin
// with ADMIN_KEY), read the account and its bets.
import { Hono } from "hono";
import * as v from "valibot";
import { signingSecret } from "../../config.ts";
import { Role } from "../../protocol/codes.ts";
import { AccountSchema, BetSchema, SessionBody } from "../../protocol/schemas.ts";
import type { AccountId } from "../../protocol/units.ts";
import { checkAdminKey } from "../admin-key.ts";
import { clientAddress } from "../client-address.ts";
import type { AppEnv } from "../context.ts";
import { type RouteSpec, route, valid } from "../route.ts";
import { spend, wallet } from "../stubs.ts";
import { SESSION_TTL_MS, nowSeconds, sign } from "../tokens.ts";
import { unwrap } from "../unwrap.ts";

export const STARTING_BALANCE = 100_000;

const Open = {
  summary: "Open a session: a new punter account, or an admin session with adminKey",
  body: SessionBody,
  answer: { status: 201, description: "Session opened", schema: v.object({ token: v.string(), account: AccountSchema }) },
  refusals: [401, 429],
} satisfies RouteSpec;
const Me = { summary: "The session's account", who: "session", answer: { status: 200, description: "Account", schema: v.object({ account: AccountSchema }) } } satisfies RouteSpec;
const MyBets = {
  summary: "The account's bets, newest first",
  who: "session",
  answer: { status: 200, description: "Bets", schema: v.object({ bets: v.array(BetSchema) }) },
} satisfies RouteSpec;

export const sessionRoutes = new Hono<AppEnv>()
  .post(
    "/session",
    async (c, next) => {
      // Counted before the body is read: a flood of junk bodies spends the budget too.
      await spend(c, clientAddress(c.req.raw), "session", c.get("config").sessionsPer10s, "too many sessions from this address; try again shortly");
      await next();
    },
    route(Open),
    async (c) => {
      const config = c.get("config");
      const { body } = valid(c, Open);
      let role: Role = Role.PUNTER;
      if (body.adminKey !== undefined) {
        await checkAdminKey(c, body.adminKey);
        role = Role.ADMIN;
      }
      const id = `acc-${crypto.randomUUID()}` as AccountId;
      const account = unwrap(await wallet(c.env, id).open(id, body.name, role, role === Role.PUNTER ? STARTING_BALANCE : 0));
      const now = nowSeconds();
      const token = await sign(
        { typ: "session", sub: id, name: body.name, role, iat: now, exp: now + SESSION_TTL_MS / 1000 },
        signingSecret(config),
      );
      return c.json({ token, account }, 201);
    },
  )
  .get("/me", route(Me), async (c) => {
    const account = unwrap(await wallet(c.env, c.get("session").sub).account());
    return c.json({ account });
  })
  .get("/me/bets", route(MyBets), async (c) => {
    const bets = unwrap(await wallet(c.env, c.get("session").sub).bets(200));
    return c.json({ bets });
  });
