// The client's address for rate limits: CF-Connecting-IP, which Cloudflare
// (and, locally, the front of `npm start`) sets from the connection itself,
// replacing any value a client sent. Never a header a client can set, such as
// X-Forwarded-For.
//
// Locally, workerd's own entry also listens on loopback and keeps whatever
// CF-Connecting-IP a client writes. `npm start` therefore gives the Worker a
// FRONT_KEY that only its front knows and sends: with it set, an /api request
// without the key never reaches a route. On Cloudflare FRONT_KEY is unset and
// the edge sets the header.
import type { MiddlewareHandler } from "hono";
import { AppError, ErrorCode } from "../errors.ts";
import type { AppEnv } from "./context.ts";
import { sameSecret } from "./tokens.ts";

export const FRONT_KEY_HEADER = "x-edgebook-front";

export function clientAddress(request: Request): string {
  return request.headers.get("cf-connecting-ip") ?? "unknown";
}

/** Refuse requests that bypassed the local front, when the Worker runs behind one. */
export const frontGate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const expected = (c.env as unknown as Record<string, string | undefined>).FRONT_KEY;
  if (expected) {
    const given = c.req.header(FRONT_KEY_HEADER) ?? "";
    if (!(await sameSecret(given, expected))) throw new AppError(ErrorCode.FORBIDDEN, "this server answers on its public port only");
  }
  await next();
};
