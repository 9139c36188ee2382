// A market as the wire carries it, for tests of code that only reads one (the
// SDK, the web app's models): two selections, open, the contract's defaults.
import type { Market } from "../../worker/protocol/schemas.ts";

export function wireMarket(extra: Partial<Market> = {}): Market {
  return {
    id: "m",
    name: "Match odds",
    event: "A v B",
    status: "open",
    inPlay: false,
    betDelayMs: 0,
    minStake: 100,
    maxStake: 100_000,
    maxPayout: 10_000_000,
    selections: [
      { id: "a", name: "A", odds: 2 },
      { id: "b", name: "B", odds: 3 },
    ],
    seq: 0,
    epoch: "e",
    ...extra,
  };
}
