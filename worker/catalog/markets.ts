// How the Worker reaches markets: the catalogue (with a per-isolate cache of
// ids known to exist; markets are never deleted, so a hit never goes stale)
// and each market's hub.
import type { MarketHub } from "../market/market-hub.ts";
import { isId } from "../protocol/units.ts";

const known = new Set<string>();

export function catalog(env: Env) {
  return env.CATALOG.get(env.CATALOG.idFromName("catalog"));
}

export function hub(env: Env, id: string): DurableObjectStub<MarketHub> {
  return env.MARKET_HUB.get(env.MARKET_HUB.idFromName(id));
}

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
