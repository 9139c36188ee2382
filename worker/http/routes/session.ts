// Sessions and the account behind them: open a session (punter, or admin
// with ADMIN_KEY), read the account and its bets.
import { Hono } from "hono";
import { signingSecret } from "../../config.ts";
import { ErrorCode, fail } from "../../errors.ts";
import { Role } from "../../protocol/codes.ts";
import { SessionBody } from "../../protocol/schemas.ts";
import type { AccountId } from "../../protocol/units.ts";
import { readBody } from "../body.ts";
import { clientAddress } from "../client-address.ts";
import type { AppEnv } from "../context.ts";
import { anySession } from "../session.ts";
import { allow, wallet } from "../stubs.ts";
import { SESSION_TTL_MS, nowSeconds, sameSecret, sign } from "../tokens.ts";
import { unwrap } from "../unwrap.ts";

export const STARTING_BALANCE = 100_000;

export const sessionRoutes = new Hono<AppEnv>()
  .post("/session", async (c) => {
    const config = c.get("config");
    if (!(await allow(c.env, clientAddress(c.req.raw), "session", config.sessionsPer10s))) {
      fail(ErrorCode.RATE_LIMITED, "too many sessions from this address; try again shortly");
    }
    const body = await readBody(c, SessionBody);
    let role: Role = Role.PUNTER;
    if (body.adminKey !== undefined) {
      if (config.adminKey === null || !(await sameSecret(body.adminKey, config.adminKey))) {
        fail(ErrorCode.UNAUTHENTICATED, "wrong admin key");
      }
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
  })
  .get("/me", anySession, async (c) => {
    const account = unwrap(await wallet(c.env, c.get("session").sub).account());
    return c.json({ account });
  })
  .get("/me/bets", anySession, async (c) => {
    const bets = unwrap(await wallet(c.env, c.get("session").sub).bets(200));
    return c.json({ bets });
  });
