// The admin key check, with a lockout: an address that gives wrong keys
// `adminFailuresPer15m` times in 15 minutes is refused (429) without its key
// being looked at until the window has passed, and a warning is logged when
// the lockout starts, so guessing is slow and seen.
import type { Context } from "hono";
import { ErrorCode, fail } from "../errors.ts";
import { log } from "../log.ts";
import { clientAddress } from "./client-address.ts";
import type { AppEnv } from "./context.ts";
import { allow, full } from "./stubs.ts";
import { sameSecret } from "./tokens.ts";

const WINDOW_MS = 15 * 60_000;
const BUCKET = "admin-key";

export async function checkAdminKey(c: Context<AppEnv>, given: string): Promise<void> {
  const config = c.get("config");
  const address = clientAddress(c.req.raw);
  const limit = config.adminFailuresPer15m;
  if (await full(c.env, address, BUCKET, limit, WINDOW_MS)) fail(ErrorCode.RATE_LIMITED, "too many wrong admin keys from this address; try again later");
  if (config.adminKey !== null && (await sameSecret(given, config.adminKey))) return;
  await allow(c.env, address, BUCKET, limit, WINDOW_MS);
  if (await full(c.env, address, BUCKET, limit, WINDOW_MS)) {
    log.warn("admin.lockout", { requestId: c.get("requestId"), address, failures: limit, windowMs: WINDOW_MS });
  }
  fail(ErrorCode.UNAUTHENTICATED, "wrong admin key");
}
