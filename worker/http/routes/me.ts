// The account's own money: deposit, withdraw, the statement, limits and
// self-exclusion. Every one is the wallet's (the one place the money, the
// limits and the exclusion are kept); these routes check the body, call it,
// and unwrap its answer. Guests may use them as registered accounts do.
import { Hono } from "hono";
import { ErrorCode, fail } from "../../errors.ts";
import * as w from "../../protocol/wallet.ts";
import type { LimitState, Limits } from "../../rules/limits.ts";
import { decodeStatementCursor } from "../../rules/statement.ts";
import type { AppEnv } from "../context.ts";
import { type RouteSpec, route, valid } from "../route.ts";
import { wallet } from "../stubs.ts";
import { unwrap } from "../unwrap.ts";

const Balance = { status: 200, description: "The balance after it", schema: w.BalanceSchema } as const;
const Limits = { status: 200, description: "The limits in force and the raises waiting", schema: w.LimitsSchema } as const;
const Ended = (description: string) => ({ status: 200, description, schema: w.ExclusionSchema }) as const;

/** Every route here is the session's own account's. */
function mine<const S extends Omit<RouteSpec, "who">>(spec: S): S & { who: "session" } {
  return { ...spec, who: "session" };
}

// Deposit: 403 SELF_EXCLUDED; 409 LIMIT_REACHED, or ID_REUSED for an id used for another request.
const Deposit = mine({ summary: "Deposit (demo money), once per id: the same id again answers as the first time", body: w.MoneyRequestBody, answer: Balance, refusals: [403, 409] });
const Withdraw = mine({ summary: "Withdraw, once per id (also while self-excluded); more than the balance is 409 INSUFFICIENT_FUNDS", body: w.MoneyRequestBody, answer: Balance, refusals: [409] });
const Statement = mine({
  summary: "Every ledger entry of the account, newest first, with the balance after it, one page at a time",
  query: w.StatementQuery,
  answer: { status: 200, description: "One page; `next` is absent on the last", schema: w.StatementSchema },
});
const GetLimits = mine({ summary: "The account's limits and the raises waiting their 24 h", answer: Limits });
const PutLimits = mine({
  summary: "Set the account's limits (the whole set; one left out is removed): a lower one applies at once, a higher or removed one after 24 h",
  body: w.LimitsBody,
  answer: Limits,
});
const Exclude = mine({
  summary: "Self-exclude for 1 to 3650 days: no bets, deposits or new sessions until then; never shortened",
  body: w.ExclusionBody,
  answer: Ended("When it ends"),
});
const Exclusion = mine({ summary: "When the account's self-exclusion ends (addition)", answer: Ended("When it ends, or null") });

/** The contract's shape: `pending` only when a raise waits. */
function limitsAnswer(state: LimitState): w.LimitsAnswer {
  return Object.keys(state.pending).length > 0 ? { limits: state.limits, pending: state.pending } : { limits: state.limits };
}

export const meRoutes = new Hono<AppEnv>()
  .post("/deposit", route(Deposit), async (c) => {
    const { id, amount } = valid(c, Deposit).body;
    return c.json(unwrap(await wallet(c.env, c.get("session").sub).deposit(id, amount)));
  })
  .post("/withdraw", route(Withdraw), async (c) => {
    const { id, amount } = valid(c, Withdraw).body;
    return c.json(unwrap(await wallet(c.env, c.get("session").sub).withdraw(id, amount)));
  })
  .get("/statement", route(Statement), async (c) => {
    const { cursor, limit } = valid(c, Statement).query;
    const below = cursor === undefined ? null : decodeStatementCursor(cursor);
    if (below === null && cursor !== undefined) fail(ErrorCode.INVALID, "cursor is not one this server gave");
    return c.json(await wallet(c.env, c.get("session").sub).statement(below, limit));
  })
  .get("/limits", route(GetLimits), async (c) => c.json(limitsAnswer(await wallet(c.env, c.get("session").sub).limits())))
  .put("/limits", route(PutLimits), async (c) => {
    // null asks for no limit, as leaving the name out does.
    const wanted = Object.fromEntries(Object.entries(valid(c, PutLimits).body).filter(([, value]) => value !== null)) as Limits;
    return c.json(limitsAnswer(await wallet(c.env, c.get("session").sub).setLimits(wanted)));
  })
  .post("/exclusion", route(Exclude), async (c) => {
    const { days } = valid(c, Exclude).body;
    return c.json(await wallet(c.env, c.get("session").sub).exclude(days));
  })
  .get("/exclusion", route(Exclusion), async (c) => c.json(await wallet(c.env, c.get("session").sub).exclusion()));
