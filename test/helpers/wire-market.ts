// A market as the wire carries it, for tests of code that only reads one (the
// SDK, the web app's models): two selections, open, the contract's defaults.
// Also the pieces tests build markets from: the defaults and selection rows.
import type { Market } from "../../worker/protocol/schemas.ts";

/** What a new market is before anyone changes it: open, not in play, the contract's limits. */
export const NEW_MARKET = { status: "open", inPlay: false, betDelayMs: 0, minStake: 100, maxStake: 100_000, maxPayout: 10_000_000 } as const;

type Row = [id: string, name: string, odds: number];

/** Selections from `[id, name, odds]` rows. */
export function selections(...rows: Row[]): { id: string; name: string; odds: number }[] {
  return rows.map(([id, name, odds]) => ({ id, name, odds }));
}

export function wireMarket(extra: Partial<Market> = {}): Market {
  return {
    id: "m",
    name: "Match odds",
    event: "A v B",
    ...NEW_MARKET,
    selections: selections(["a", "A", 2], ["b", "B", 3]),
    seq: 0,
    epoch: "e",
    ...extra,
  };
}
