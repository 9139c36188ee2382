// The standard odds ladder, in hundredths: the prices a trader steps through
// one tick at a time (1.01 to 2 by 0.01, ..., 100 to 1000 by 10).
import { MAX_ODDS, MIN_ODDS, type Odds } from "./units.ts";

/** [from, to, tick] bands in hundredths. */
const BANDS: readonly [number, number, number][] = [
  [101, 200, 1],
  [200, 300, 2],
  [300, 400, 5],
  [400, 600, 10],
  [600, 1000, 20],
  [1000, 2000, 50],
  [2000, 3000, 100],
  [3000, 5000, 200],
  [5000, 10000, 500],
  [10000, 100000, 1000],
];

/** Every price on the ladder, ascending. */
export const LADDER: readonly Odds[] = (() => {
  const out: number[] = [];
  for (const [from, to, tick] of BANDS) for (let p = from; p < to; p += tick) out.push(p);
  out.push(MAX_ODDS);
  return out as Odds[];
})();

/** Index of the highest ladder price at or below `odds` (0 below the ladder). */
function floorIndex(odds: number): number {
  let lo = 0;
  let hi = LADDER.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (LADDER[mid] <= odds) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Index of the ladder price nearest to `odds` (at or below it on a tie). */
function nearestIndex(odds: number): number {
  const lo = floorIndex(odds);
  if (lo + 1 < LADDER.length && LADDER[lo + 1] - odds < odds - LADDER[lo]) return lo + 1;
  return lo;
}

export function isOnLadder(odds: number): boolean {
  return LADDER[nearestIndex(odds)] === odds;
}

/** Snap any price to the nearest ladder price. */
export function snapToLadder(odds: number): Odds {
  return LADDER[nearestIndex(Math.min(Math.max(odds, MIN_ODDS), MAX_ODDS))];
}

/**
 * `ticks` steps up (positive) or down (negative) the ladder from `odds`, clamped
 * at the ends. From a price between two ticks (a typed 2.03), the first step up
 * lands on the tick above it (2.04) and the first step down on the tick below (2.02).
 */
export function stepOdds(odds: number, ticks: number): Odds {
  const clamped = Math.min(Math.max(odds, MIN_ODDS), MAX_ODDS);
  const lo = floorIndex(clamped);
  const between = LADDER[lo] !== clamped;
  const i = between && ticks < 0 ? lo + 1 + ticks : lo + ticks;
  return LADDER[Math.min(Math.max(i, 0), LADDER.length - 1)];
}
