// Sessions on HTTP: a Bearer token that verifies is the caller's session;
// a route says who may call it. Admin power comes only from a session opened
// with ADMIN_KEY; the role is inside the signed token, so no client can claim it.
import type { Context } from "hono";
import { ErrorCode, fail } from "../errors.ts";
import { signingSecret } from "../config.ts";
import type { AppEnv } from "./context.ts";
import { Role } from "../protocol/codes.ts";
import { accountObject } from "./stubs.ts";
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
 * A guest's token is checked by its signature alone (no call); a registered
 * account's costs one call to its account object, which holds the revoked ids.
 */
export async function liveSession(env: Env, token: string, secret: string): Promise<SessionClaims | null> {
  const claims = await verify(token, "session", secret);
  if (!claims) return null;
  return (await stillLive(env, claims.acct, claims.jti)) ? claims : null;
}

/** Has the registered session `jti` of account object `acct` not been logged out? A guest's (neither set) always has. */
export async function stillLive(env: Env, acct: string | undefined, jti: string | undefined): Promise<boolean> {
  if (acct === undefined && jti === undefined) return true;
  if (acct === undefined || jti === undefined) return false;
  return accountObject(env, acct).live(jti);
}

export async function requireSession(c: Context<AppEnv>, who: Who): Promise<SessionClaims> {
  const session = await sessionOf(c);
  if (!session) return fail(ErrorCode.UNAUTHENTICATED, "a valid session token is required");
  if (who === "admin" && session.role !== Role.ADMIN) fail(ErrorCode.FORBIDDEN, "this needs an admin session");
  if (who === "punter" && session.role !== Role.PUNTER) fail(ErrorCode.FORBIDDEN, "this needs a punter session");
  return session;
}
