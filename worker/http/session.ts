// Session middleware: a Bearer token that verifies sets `session`; routes
// that need a role say so. Admin power comes only from a session opened with
// ADMIN_KEY; the role is inside the signed token, so no client can claim it.
import type { Context, MiddlewareHandler } from "hono";
import { ErrorCode, fail } from "../errors.ts";
import { signingSecret } from "../config.ts";
import type { AppEnv } from "./context.ts";
import { Role } from "../protocol/codes.ts";
import { type SessionClaims, verify } from "./tokens.ts";

export function bearer(header: string | undefined): string | null {
  const m = header?.match(/^Bearer ([A-Za-z0-9._-]{1,2048})$/);
  return m ? m[1] : null;
}

export async function sessionOf(c: Context<AppEnv>): Promise<SessionClaims | null> {
  const token = bearer(c.req.header("authorization"));
  if (!token) return null;
  return verify(token, "session", signingSecret(c.get("config")));
}

export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = await sessionOf(c);
    if (!session) return fail(ErrorCode.UNAUTHENTICATED, "a valid session token is required");
    if (roles.length > 0 && !roles.includes(session.role)) {
      return fail(ErrorCode.FORBIDDEN, `this needs ${roles.map((r) => (r === Role.ADMIN ? "an admin" : "a punter")).join(" or ")} session`);
    }
    c.set("session", session);
    await next();
  };
}

export const anySession = requireRole();
export const adminOnly = requireRole(Role.ADMIN);
export const punterOnly = requireRole(Role.PUNTER);
