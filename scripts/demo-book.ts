// The demo book seeded on the first start: a few markets across sports, so a
// newcomer sees a live book at once. Ids are stable, so a restart finds them.
import type { CreateMarketBody } from "../worker/protocol/schemas.ts";

export const DEMO_MARKETS: CreateMarketBody[] = [
  {
    id: "reds-v-blues",
    name: "Match odds",
    event: "Reds v Blues",
    selections: [
      { id: "reds", name: "Reds", odds: 2.1 },
      { id: "draw", name: "Draw", odds: 3.4 },
      { id: "blues", name: "Blues", odds: 3.6 },
    ],
    feedTimeoutMs: 15_000,
  },
  {
    id: "reds-v-blues-goals",
    name: "Over/under 2.5 goals",
    event: "Reds v Blues",
    selections: [
      { id: "over", name: "Over 2.5", odds: 1.9 },
      { id: "under", name: "Under 2.5", odds: 1.95 },
    ],
    feedTimeoutMs: 15_000,
  },
  {
    id: "lions-v-tigers",
    name: "Match winner",
    event: "Lions v Tigers",
    selections: [
      { id: "lions", name: "Lions", odds: 1.6 },
      { id: "tigers", name: "Tigers", odds: 2.4 },
    ],
    feedTimeoutMs: 15_000,
  },
  {
    id: "city-derby",
    name: "Match odds",
    event: "North City v South City",
    selections: [
      { id: "north", name: "North City", odds: 2.7 },
      { id: "draw", name: "Draw", odds: 3.1 },
      { id: "south", name: "South City", odds: 2.75 },
    ],
    feedTimeoutMs: 15_000,
  },
];
