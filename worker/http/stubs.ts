// How the Worker reaches its objects: stubs by name, and the catalogue with
// a per-isolate cache of ids known to exist (markets are never deleted, so a
// hit never goes stale).
import { isId } from "../protocol/units.ts";

const known = new Set<string>();

export const catalog = (env: Env) => env.CATALOG.getByName("catalog");
export const hub = (env: Env, marketId: string) => env.MARKET_HUB.getByName(marketId);
export const wallet = (env: Env, account: string) => env.WALLET.getByName(account);

/** Does this market exist? Checks the id's shape first, so junk never reaches an object. */
export async function marketExists(env: Env, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  if (known.has(id)) return true;
  const found = await catalog(env).has(id);
  if (found) known.add(id);
  return found;
}

export function rememberMarket(id: string): void {
  known.add(id);
}

/** Count one request from `address` in `bucket`; false when it is over `limit` per `windowMs`. */
export function allow(env: Env, address: string, bucket: string, limit: number, windowMs = 10_000): Promise<boolean> {
  return env.LIMITER.getByName(address).hit(bucket, limit, windowMs);
}
