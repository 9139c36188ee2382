// Odds and money for the screen, and stake text from the screen: the only
// place the client turns integer cents and decimal odds into strings and back.
import { oddsFromDecimal } from "../worker/protocol/units.ts";

export const OddsFormat = { DECIMAL: "decimal", FRACTIONAL: "fractional", AMERICAN: "american" } as const;
export type OddsFormat = (typeof OddsFormat)[keyof typeof OddsFormat];

/**
 * The fractions bookmakers print, shortest odds first: a decimal price is shown
 * as the nearest of these (2.22 as 6/5, never 61/50). 6/4 and 4/6 stay as
 * books write them rather than reduced.
 */
export const FRACTIONS: readonly (readonly [number, number])[] = [
  [1, 100], [1, 66], [1, 50], [1, 40], [1, 33], [1, 25], [1, 20], [1, 16], [1, 14], [1, 12], [1, 11], [1, 10],
  [1, 9], [1, 8], [1, 7], [2, 13], [1, 6], [2, 11], [1, 5], [2, 9], [1, 4], [2, 7], [3, 10], [1, 3], [4, 11], [2, 5],
  [4, 9], [1, 2], [8, 15], [4, 7], [8, 13], [4, 6], [8, 11], [4, 5], [5, 6], [10, 11], [1, 1], [21, 20], [11, 10],
  [6, 5], [5, 4], [11, 8], [6, 4], [13, 8], [7, 4], [15, 8], [2, 1], [85, 40], [9, 4], [5, 2], [11, 4], [3, 1],
  [10, 3], [7, 2], [4, 1], [9, 2], [5, 1], [11, 2], [6, 1], [13, 2], [7, 1], [15, 2], [8, 1], [17, 2], [9, 1],
  [10, 1], [11, 1], [12, 1], [14, 1], [16, 1], [18, 1], [20, 1], [22, 1], [25, 1], [28, 1], [33, 1], [40, 1],
  [50, 1], [66, 1], [80, 1], [100, 1], [125, 1], [150, 1], [200, 1], [250, 1], [300, 1], [400, 1], [500, 1],
  [750, 1], [999, 1],
];

/** The conventional fraction nearest to a price in hundredths (the shorter one on a tie). */
export function nearestFraction(hundredths: number): readonly [number, number] {
  const profit = (hundredths - 100) / 100;
  let best = FRACTIONS[0];
  for (const f of FRACTIONS) if (Math.abs(f[0] / f[1] - profit) < Math.abs(best[0] / best[1] - profit)) best = f;
  return best;
}

/**
 * American odds as books print them: the whole number nearest, "+" for the
 * profit on 100 staked (2.00 and up), "-" for the stake that wins 100.
 */
export function americanOdds(hundredths: number): string {
  return hundredths >= 200 ? `+${hundredths - 100}` : `-${Math.round(10_000 / (hundredths - 100))}`;
}

/** Decimal odds from the wire as the punter chose to see them. Computed in hundredths, so exact. */
export function formatOdds(decimal: number, format: OddsFormat): string {
  const h = oddsFromDecimal(decimal);
  if (h === null) return decimal.toFixed(2);
  if (format === OddsFormat.FRACTIONAL) {
    const [num, den] = nearestFraction(h);
    return `${num}/${den}`;
  }
  if (format === OddsFormat.AMERICAN) return americanOdds(h);
  return (h / 100).toFixed(2);
}

const grouping = new Intl.NumberFormat("en-GB");

/** Integer cents as "1,234.56"; integer arithmetic, no float rounding. */
export function formatMoney(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}${grouping.format(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, "0")}`;
}

/** Profit or loss with an explicit sign: "+12.50", "-5.00", "0.00". */
export function formatProfit(cents: number): string {
  return cents > 0 ? `+${formatMoney(cents)}` : formatMoney(cents);
}

/**
 * Stake text in currency units ("10", "10.5", "10.50") to integer cents, or
 * null when it is not an amount. Parsed as text so 0.1 + 0.2 never happens.
 */
export function parseMoney(text: string): number | null {
  const m = text.trim().match(/^(\d{1,9})(?:[.,](\d{0,2}))?$/);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** Seconds with one decimal, for the in-play countdown. */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** A bet delay as the trader set it: "3 s", "2.5 s". */
export function formatDelay(ms: number): string {
  return `${ms / 1000} s`;
}

export function formatTime(ts: number): string {
  return new Date(ts).toLocaleString("en-GB", { dateStyle: "short", timeStyle: "short" });
}

/** A moment to the second, for the trader's audit trail. */
export function formatStamp(ts: number): string {
  return new Date(ts).toLocaleString("en-GB", { dateStyle: "short", timeStyle: "medium" });
}
