// The demo book seeded on the first start: a few markets across sports, so a
// newcomer sees a live book at once. Ids are stable, so a restart finds them.
import type { CreateMarketBody } from "../worker/protocol/schemas.ts";

type Row = [id: string, name: string, odds: number];

/** A demo market, suspended by its watchdog if the demo feed falls silent for 15 s. */
function demo(id: string, name: string, event: string, selections: Row[]): CreateMarketBody {
  return { id, name, event, selections: selections.map(([sid, sname, odds]) => ({ id: sid, name: sname, odds })), feedTimeoutMs: 15_000 };
}

export const DEMO_MARKETS: CreateMarketBody[] = [
  demo("reds-v-blues", "Match odds", "Reds v Blues", [["reds", "Reds", 2.1], ["draw", "Draw", 3.4], ["blues", "Blues", 3.6]]),
  demo("reds-v-blues-goals", "Over/under 2.5 goals", "Reds v Blues", [["over", "Over 2.5", 1.9], ["under", "Under 2.5", 1.95]]),
  demo("lions-v-tigers", "Match winner", "Lions v Tigers", [["lions", "Lions", 1.6], ["tigers", "Tigers", 2.4]]),
  demo("city-derby", "Match odds", "North City v South City", [["north", "North City", 2.7], ["draw", "Draw", 3.1], ["south", "South City", 2.75]]),
];
