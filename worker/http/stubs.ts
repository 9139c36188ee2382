// How the Worker reaches its objects: stubs by name, and the catalogue with
// a per-isolate cache of ids known to exist (markets are never deleted, so a
// hit never goes stale).
import type { Context } from "hono";
import { ErrorCode, fail } from "../errors.ts";
import { clientAddress } from "./client-address.ts";
import type { AppEnv } from "./context.ts";
import { isId } from "../protocol/units.ts";

const known = new Set<string>();

export const catalog = (env: Env) => env.CATALOG.getByName("catalog");
export const hub = (env: Env, marketId: string) => env.MARKET_HUB.getByName(marketId);
export const wallet = (env: Env, account: string) => env.WALLET.getByName(account);
/** A registered account's object, by its key (accountKey of the name; tokens carry it as `acct`). */
export const accountObject = (env: Env, key: string) => env.ACCOUNT.getByName(key);

/**
 * Does this market exist? Checks the id's shape first, so junk never reaches
 * an object. An id this isolate has not seen goes to the catalogue while the
 * address has misses left, and only a miss spends one: a stream of made-up
 * ids reaches the catalogue at that rate, while lookups of markets that exist
 * (many at once after a restart empties this cache) never use the budget up.
 */
export async function marketExists(env: Env, id: string, address: string, lookupsPer10s: number): Promise<boolean> {
  if (!isId(id)) return false;
  if (known.has(id)) return true;
  if (await full(env, address, "lookup", lookupsPer10s, 10_000)) fail(ErrorCode.RATE_LIMITED, "too many lookups of unknown markets from this address");
  const found = await catalog(env).has(id);
  if (found) known.add(id);
  else await allow(env, address, "lookup", lookupsPer10s);
  return found;
}

/** The hub of a market that exists, or the contract's 404. */
export async function existingHub(c: Context<AppEnv>, id: string) {
  if (!(await marketExists(c.env, id, clientAddress(c.req.raw), c.get("config").lookupsPer10s))) fail(ErrorCode.NOT_FOUND, "no such market");
  return hub(c.env, id);
}

export function rememberMarket(id: string): void {
  known.add(id);
}

/** Count one request from `key` (an address or an account) in `bucket`; false when it is over `limit` per `windowMs`. */
export function allow(env: Env, key: string, bucket: string, limit: number, windowMs = 10_000): Promise<boolean> {
  return env.LIMITER.getByName(key).hit(bucket, limit, windowMs);
}

/** Spend one of `key`'s `bucket` (per 10 s), or answer 429 with `message`. */
export async function spend(c: Context<AppEnv>, key: string, bucket: string, limit: number, message: string): Promise<void> {
  if (!(await allow(c.env, key, bucket, limit))) fail(ErrorCode.RATE_LIMITED, message);
}

/** Is `key`'s `bucket` full? Counts nothing. */
export function full(env: Env, key: string, bucket: string, limit: number, windowMs: number): Promise<boolean> {
  return env.LIMITER.getByName(key).full(bucket, limit, windowMs);
}
