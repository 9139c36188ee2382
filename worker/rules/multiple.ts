// Multiples, pure: one stake on 2 to 10 selections of distinct markets, paid
// only if every leg wins (a void leg counts as odds 1.00). The combined odds
// are the exact product of the legs' hundredths, so the payout is
// floor(stake x product) with no rounding on the way: BigInt throughout.
import type { AcceptPolicy, RejectReason } from "../protocol/codes.ts";
import { type Money, type Odds } from "../protocol/units.ts";

export const MIN_LEGS = 2;
export const MAX_LEGS = 10;

export const LegResult = { WON: "won", LOST: "lost", VOID: "void" } as const;
export type LegResult = (typeof LegResult)[keyof typeof LegResult];

export interface Leg {
  marketId: string;
  odds: Odds;
  /** Absent while the leg's market is not settled. */
  result?: LegResult;
}

/** Why a set of legs cannot make a multiple, or null when it can. */
export function legsProblem(legs: readonly { marketId: string }[]): string | null {
  if (legs.length < MIN_LEGS || legs.length > MAX_LEGS) return `a multiple has ${MIN_LEGS} to ${MAX_LEGS} legs`;
  const markets = new Set(legs.map((l) => l.marketId));
  if (markets.size !== legs.length) return "each leg of a multiple is on a different market";
  return null;
}

/**
 * floor(stake x product of the odds), each odds in hundredths: stake * prod(odds) / 100^n;
 * null past the largest safe integer (far beyond any market's payout limit, so refused).
 */
export function payoutOfLegs(stake: Money, odds: readonly Odds[]): Money | null {
  let num = BigInt(stake);
  let den = 1n;
  for (const o of odds) {
    num *= BigInt(o);
    den *= 100n;
  }
  const payout = num / den;
  return payout <= BigInt(Number.MAX_SAFE_INTEGER) ? (Number(payout) as Money) : null;
}

/** The combined odds as the wire's decimal: the exact product, written out in full, then read as a number. */
export function combinedOdds(odds: readonly Odds[]): number {
  let num = 1n;
  for (const o of odds) num *= BigInt(o);
  // Every odds is at least 1.00, so the product has a whole part: more than 2n digits.
  const digits = 2 * odds.length;
  const text = num.toString();
  return Number(`${text.slice(0, -digits)}.${text.slice(-digits)}`);
}

export type MultipleOutcome =
  /** Some leg is still to settle and none has lost. */
  | { status: "accepted" }
  | { status: "lost"; payout: 0 }
  /** Every leg void: the stake comes back. */
  | { status: "void"; payout: Money }
  | { status: "won"; payout: Money };

/**
 * Where a multiple stands given its legs' results: lost as soon as any leg
 * loses, whatever else is open; otherwise final only when every leg is settled.
 */
export function outcomeOf(stake: Money, legs: readonly Leg[]): MultipleOutcome {
  if (legs.some((l) => l.result === LegResult.LOST)) return { status: "lost", payout: 0 };
  if (legs.some((l) => l.result === undefined)) return { status: "accepted" };
  const won = legs.filter((l) => l.result === LegResult.WON).map((l) => l.odds);
  if (won.length === 0) return { status: "void", payout: stake };
  const payout = payoutOfLegs(stake, won);
  // A multiple is accepted only with its whole payout within limits, and void legs only lower it.
  if (payout === null) throw new Error("a multiple's payout past the safe integers was accepted");
  return { status: "won", payout };
}

/** What a multiple's coordinator asks one leg's market: the leg under the accept policy, at the multiple's stake. */
export interface LegAsk {
  selectionId: string;
  stake: Money;
  odds: Odds;
  accept: AcceptPolicy;
  /** The other legs' odds (taken where known, else asked): the market's book counts the multiple's payout with them. */
  others: Odds[];
}

/** A market's answer for a leg: taken at `odds` (and the market's payout cap), or refused as a single bet would be. */
export type LegAnswer = { ok: true; odds: Odds; maxPayout: Money } | { ok: false; reason: RejectReason; odds?: Odds };
