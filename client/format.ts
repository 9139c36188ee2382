// Odds and money for the screen, and stake text from the screen: the only
// place the client turns integer cents and decimal odds into strings and back.
import { oddsFromDecimal } from "../worker/protocol/units.ts";

export const OddsFormat = { DECIMAL: "decimal", FRACTIONAL: "fractional", AMERICAN: "american" } as const;
export type OddsFormat = (typeof OddsFormat)[keyof typeof OddsFormat];

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Decimal odds from the wire as the punter chose to see them. Computed in hundredths, so exact. */
export function formatOdds(decimal: number, format: OddsFormat): string {
  const h = oddsFromDecimal(decimal);
  if (h === null) return decimal.toFixed(2);
  if (format === OddsFormat.FRACTIONAL) {
    const num = h - 100;
    const g = gcd(num, 100);
    return `${num / g}/${100 / g}`;
  }
  if (format === OddsFormat.AMERICAN) {
    return h >= 200 ? `+${h - 100}` : `-${Math.round(10_000 / (h - 100))}`;
  }
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
