// Sessions on HTTP: a Bearer token that verifies is the caller's session;
// a route says who may call it. Admin power comes only from a session opened
// with ADMIN_KEY; the role is inside the signed token, so no client can claim it.
import type { Context } from "hono";
import { ErrorCode, fail } from "../errors.ts";
import { signingSecret } from "../config.ts";
import type { AppEnv } from "./context.ts";
import { Role } from "../protocol/codes.ts";
import { accountObject, wallet } from "./stubs.ts";
import { type SessionClaims, verify } from "./tokens.ts";

/** Who may call a route: any session, or only an admin's or a punter's. */
export type Who = "session" | "admin" | "punter";

/** The token of an `Authorization: Bearer` header; the scheme is case-blind (RFC 7235, RFC 6750). */
export function bearer(header: string | undefined): string | null {
  const m = header?.match(/^bearer ([A-Za-z0-9._-]{1,2048})$/i);
  return m ? m[1] : null;
}

export async function sessionOf(c: Context<AppEnv>): Promise<SessionClaims | null> {
  const token = bearer(c.req.header("authorization"));
  if (!token) return null;
  return liveSession(c.env, token, signingSecret(c.get("config")));
}

/**
 * The claims of a genuine, unexpired session token that was not logged out.
 * Costs one call: a registered account's token to its account object, a
 * guest's (or an admin's) to its wallet; each holds its revoked session ids.
 */
export async function liveSession(env: Env, token: string, secret: string): Promise<SessionClaims | null> {
  const claims = await verify(token, "session", secret);
  if (!claims) return null;
  return (await stillLive(env, claims.sub, claims.acct, claims.jti)) ? claims : null;
}

/**
 * Has session `jti` of account `sub` not been logged out? A registered one
 * (`acct` set) asks its account object, a guest's asks its wallet. A token
 * signed before guests had session ids (neither set) is taken until it
 * expires, within a day of the change: it cannot be revoked.
 */
export async function stillLive(env: Env, sub: string, acct: string | undefined, jti: string | undefined): Promise<boolean> {
  if (acct === undefined && jti === undefined) return true;
  if (jti === undefined) return false;
  if (acct !== undefined) return accountObject(env, acct).live(jti);
  return wallet(env, sub).sessionLive(jti);
}

export async function requireSession(c: Context<AppEnv>, who: Who): Promise<SessionClaims> {
  const session = await sessionOf(c);
  if (!session) return fail(ErrorCode.UNAUTHENTICATED, "a valid session token is required");
  if (who === "admin" && session.role !== Role.ADMIN) fail(ErrorCode.FORBIDDEN, "this needs an admin session");
  if (who === "punter" && session.role !== Role.PUNTER) fail(ErrorCode.FORBIDDEN, "this needs a punter session");
  return session;
}
