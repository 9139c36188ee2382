// The odds pushes every benchmark sends: push k moves one selection of the
// bench market along the ladder, so every push changes the book (and gets its
// own seq) even when pushes overtake each other in flight.
import { LADDER } from "../../worker/protocol/ladder.ts";
import { type Odds, oddsFromDecimal, oddsToDecimal } from "../../worker/protocol/units.ts";
import type { CreateMarketBody } from "../../worker/protocol/schemas.ts";

export const SELECTIONS = [
  { id: "home", name: "Reds", odds: 2.5 },
  { id: "draw", name: "Draw", odds: 3.2 },
  { id: "away", name: "Blues", odds: 2.9 },
] as const;

/** The market every benchmark creates: three selections, the contract's default limits. */
export function benchMarket(id: string): CreateMarketBody {
  return { id, name: "Match odds", event: "Bench Reds v Bench Blues", selections: SELECTIONS.map((s) => ({ ...s })) };
}

/**
 * The price for push k: selection k mod 3 walks up its own ladder window, so
 * two pushes to one selection differ unless they are 3 x 40 pushes apart.
 */
export function pushFor(k: number): Record<string, number> {
  const s = SELECTIONS[k % SELECTIONS.length];
  const base = LADDER.indexOf(oddsFromDecimal(s.odds) as Odds);
  const step = 1 + (Math.floor(k / SELECTIONS.length) % 40);
  return { [s.id]: oddsToDecimal(LADDER[base + step]) };
}

/** Every selection moved at once: a whole-book change, for the byte count of a larger frame. */
export function bookPushFor(k: number): Record<string, number> {
  return Object.assign({}, ...SELECTIONS.map((_, i) => pushFor(k * SELECTIONS.length + i)));
}
