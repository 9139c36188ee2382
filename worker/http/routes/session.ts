// Sessions and the account behind them: open a session (a guest, a registered
// account by password, or an admin with ADMIN_KEY), register an account, log
// out, read the account and its bets.
import { Hono, type MiddlewareHandler } from "hono";
import * as v from "valibot";
import { ErrorCode, fail } from "../../errors.ts";
import { Role } from "../../protocol/codes.ts";
import { AccountSchema, BetSchema, RegisterBody, SessionBody } from "../../protocol/schemas.ts";
import type { AccountId } from "../../protocol/units.ts";
import { openSession, passwordLogin, register } from "../account-sessions.ts";
import { checkAdminKey } from "../admin-key.ts";
import { clientAddress } from "../client-address.ts";
import type { AppEnv } from "../context.ts";
import { type RouteSpec, route, valid } from "../route.ts";
import { accountObject, spend, wallet } from "../stubs.ts";
import { unwrap } from "../unwrap.ts";

const Opened = { status: 201, description: "Session opened", schema: v.object({ token: v.string(), account: AccountSchema }) } as const;
const Open = {
  summary: "Open a session: a guest (a new punter account), a registered account with its password, or an admin with adminKey",
  body: SessionBody,
  answer: Opened,
  refusals: [401, 429],
} satisfies RouteSpec;
const Register = {
  summary: "Register an account by name and password, and open its first session",
  body: RegisterBody,
  answer: { ...Opened, description: "Account registered, session opened" },
  refusals: [409, 429],
} satisfies RouteSpec;
const Logout = {
  summary: "Log out: this session's token (and its socket tickets) is refused from now on",
  who: "session",
  answer: { status: 204, description: "Logged out" },
} satisfies RouteSpec;
const Me = { summary: "The session's account", who: "session", answer: { status: 200, description: "Account", schema: v.object({ account: AccountSchema }) } } satisfies RouteSpec;
const MyBets = {
  summary: "The account's bets, newest first, a page at a time",
  who: "session",
  query: v.object({
    cursor: v.optional(v.pipe(v.string(), v.description("The previous page's `next`, as given (addition)"))),
    limit: v.optional(v.pipe(v.number(), v.safeInteger("limit is a whole number"), v.minValue(1, "limit is at least 1"), v.maxValue(500, "limit is at most 500"), v.description("Page size, default 200 (addition)")), 200),
  }),
  answer: { status: 200, description: "Bets; `next` is absent on the last page (addition)", schema: v.object({ bets: v.array(BetSchema), next: v.optional(v.string()) }) },
} satisfies RouteSpec;

/** Counted before the body is read: a flood of junk bodies spends the budget too. */
export const sessionBudget: MiddlewareHandler<AppEnv> = async (c, next) => {
  await spend(c, clientAddress(c.req.raw), "session", c.get("config").sessionsPer10s, "too many sessions from this address; try again shortly");
  await next();
};

export const sessionRoutes = new Hono<AppEnv>()
  .post("/session", sessionBudget, route(Open), async (c) => {
    const { body } = valid(c, Open);
    if (body.password !== undefined) {
      if (body.adminKey !== undefined) fail(ErrorCode.INVALID, "give a password or an adminKey, not both");
      return c.json(await passwordLogin(c, body.name, body.password), 201);
    }
    let role: Role = Role.PUNTER;
    if (body.adminKey !== undefined) {
      await checkAdminKey(c, body.adminKey);
      role = Role.ADMIN;
    }
    const id = `acc-${crypto.randomUUID()}` as AccountId;
    return c.json(await openSession(c, { id, name: body.name, role }), 201);
  })
  .post("/accounts", sessionBudget, route(Register), async (c) => {
    const { body } = valid(c, Register);
    return c.json(await register(c, body.name, body.password), 201);
  })
  .post("/session/logout", route(Logout), async (c) => {
    const s = c.get("session");
    // A registered session's revoked ids live in its account object, a guest's in its wallet; the
    // wallet keeps a registered one's too, for the stake debits of sockets opened before the logout.
    if (s.jti !== undefined) {
      if (s.acct !== undefined) await accountObject(c.env, s.acct).revoke(s.jti, s.exp * 1000);
      await wallet(c.env, s.sub).revokeSession(s.jti, s.exp * 1000);
    }
    return c.body(null, 204);
  })
  .get("/me", route(Me), async (c) => {
    const account = unwrap(await wallet(c.env, c.get("session").sub).account());
    return c.json({ account });
  })
  .get("/me/bets", route(MyBets), async (c) => {
    const { cursor, limit } = valid(c, MyBets).query;
    return c.json(unwrap(await wallet(c.env, c.get("session").sub).bets(limit, cursor)));
  });
