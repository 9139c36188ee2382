// Money, odds and ids: the units of the contract and their one conversion
// point. Inside the code odds are integer hundredths (2.5 -> 250) and money is
// integer minor units; decimals exist only on the wire and on screen.

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Integer minor units (cents). */
export type Money = Brand<number, "Money">;
/** Decimal odds x 100, an integer: 1.01 -> 101, 1000 -> 100000. */
export type Odds = Brand<number, "Odds">;
export type MarketId = Brand<string, "MarketId">;
export type SelectionId = Brand<string, "SelectionId">;
export type AccountId = Brand<string, "AccountId">;
export type BetId = Brand<string, "BetId">;

export const MIN_ODDS = 101 as Odds;
export const MAX_ODDS = 100000 as Odds;

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const BET_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/**
 * Decimal odds from the wire to hundredths, or null when the number has more
 * than two decimals or lies outside 1.01..1000. A tolerance of 1e-6 absorbs
 * binary representation (2.3 * 100 = 229.99999999999997) and nothing more.
 */
export function oddsFromDecimal(value: number): Odds | null {
  if (!Number.isFinite(value)) return null;
  const scaled = value * 100;
  const rounded = Math.round(scaled);
  if (Math.abs(scaled - rounded) > 1e-6) return null;
  if (rounded < MIN_ODDS || rounded > MAX_ODDS) return null;
  return rounded as Odds;
}

/** Hundredths back to the wire's decimal number (250 -> 2.5). */
export function oddsToDecimal(odds: Odds): number {
  return odds / 100;
}

/** floor(stake * odds), exact in integers: stake * hundredths / 100 rounded down. */
export function payoutOf(stake: Money, odds: Odds): Money {
  return Math.floor((stake * odds) / 100) as Money;
}

export function isMoney(value: unknown): value is Money {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
