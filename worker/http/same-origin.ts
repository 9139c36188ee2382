// The guard before every state-changing request (anything but GET, HEAD and
// OPTIONS). A page on another site can make a browser send a POST without
// reading the answer (`fetch(..., {mode: "no-cors"})`, a form): such a request
// carries that site's Origin, or `Sec-Fetch-Site: cross-site`, and a body the
// browser may send without asking first (text/plain, a form). So: an Origin
// present must be an allowed one, a cross-site fetch needs an allowed Origin,
// and a body must say it is JSON. Clients that send no Origin (servers, the
// feed tool, integrators) are not browsers and carry their own credentials.
import type { MiddlewareHandler } from "hono";
import { ErrorCode, fail } from "../errors.ts";
import type { AppEnv } from "./context.ts";
import { originAllowed } from "./origin.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export const sameOrigin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE.has(c.req.method)) return next();
  const req = c.req.raw;
  const origin = req.headers.get("origin");
  const allowed = c.get("config").allowedOrigins;
  if (!originAllowed(origin, allowed, new URL(req.url).origin)) fail(ErrorCode.FORBIDDEN, "requests from this origin are not allowed");
  if (req.headers.get("sec-fetch-site") === "cross-site" && (origin === null || !allowed.includes(origin))) {
    fail(ErrorCode.FORBIDDEN, "cross-site requests are not allowed");
  }
  const type = req.headers.get("content-type");
  // A POST without a body (a ticket, a heartbeat) may come with no type at all.
  const hasBody = Number(req.headers.get("content-length") ?? 0) > 0 || req.headers.has("transfer-encoding");
  if (type !== null ? !JSON_TYPE.test(type) : hasBody) fail(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be JSON, sent as Content-Type: application/json");
  await next();
};
