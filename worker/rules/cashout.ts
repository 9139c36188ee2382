// Live cash out, pure: what an accepted bet is worth at the current price,
// and whether a cash out asked at a value can be done now, for the whole stake
// or a part of it (the rest stays an open bet at the price it was taken at).
// Integers only: odds in hundredths, money in cents, products in BigInt.
import { AcceptPolicy, BetStatus, MarketStatus } from "../protocol/codes.ts";
import { type Money, type Odds, payoutOf } from "../protocol/units.ts";

/** The house keeps 5%: the value is 95% of the bet's fair price now. */
export const CASHOUT_PERCENT = 95n;

export const CashOutReason = {
  ODDS_CHANGED: "ODDS_CHANGED",
  MARKET_SUSPENDED: "MARKET_SUSPENDED",
  MARKET_CLOSED: "MARKET_CLOSED",
  NOT_OPEN_BET: "NOT_OPEN_BET",
  INVALID: "INVALID",
} as const;
export type CashOutReason = (typeof CashOutReason)[keyof typeof CashOutReason];

/** floor(stake x takenOdds / currentOdds x 0.95), exact: stake*taken*95 / (current*100), rounded down. */
export function cashOutValue(stake: Money, takenOdds: Odds, currentOdds: Odds): Money {
  return Number((BigInt(stake) * BigInt(takenOdds) * CASHOUT_PERCENT) / (BigInt(currentOdds) * 100n)) as Money;
}

/** What the rules need of the bet and of its market. */
export interface CashOutBet {
  status: BetStatus;
  stake: Money;
  /** The odds the bet was accepted at. */
  odds: Odds;
}

export interface CashOutMarket {
  status: MarketStatus;
  /** The bet's selection's current odds. */
  currentOdds: Odds;
}

export interface CashOutAsk {
  /** The value the punter saw (for `part` of the stake, when given). */
  value: Money;
  /** `exact` takes only `value`; `better` takes the current value when it is at least `value`. */
  accept: typeof AcceptPolicy.EXACT | typeof AcceptPolicy.BETTER;
  /** Cash out only this much of the stake; the whole stake when absent. */
  part?: Money;
}

export type CashOutQuote =
  | {
      ok: true;
      /** Credited to the wallet. */
      value: Money;
      /** The stake cashed out, and what stays an open bet with its payout at the original odds. */
      part: Money;
      restStake: Money;
      restPayout: Money;
    }
  | { ok: false; reason: CashOutReason; value?: Money | null };

/** The value the socket shows for a bet: null while the market is not open. */
export function shownValue(bet: CashOutBet, market: CashOutMarket): Money | null {
  if (bet.status !== BetStatus.ACCEPTED || market.status !== MarketStatus.OPEN) return null;
  return cashOutValue(bet.stake, bet.odds, market.currentOdds);
}

/** Can this cash out be done now, and for how much? The same rules when asked and after an in-play delay. */
export function quoteCashOut(bet: CashOutBet, market: CashOutMarket, ask: CashOutAsk): CashOutQuote {
  if (bet.status !== BetStatus.ACCEPTED) return { ok: false, reason: CashOutReason.NOT_OPEN_BET };
  const part = ask.part ?? bet.stake;
  if (!Number.isSafeInteger(part) || part < 1 || part > bet.stake) return { ok: false, reason: CashOutReason.INVALID };
  if (market.status === MarketStatus.SUSPENDED) return { ok: false, reason: CashOutReason.MARKET_SUSPENDED, value: null };
  if (market.status !== MarketStatus.OPEN) return { ok: false, reason: CashOutReason.MARKET_CLOSED, value: null };
  const value = cashOutValue(part, bet.odds, market.currentOdds);
  const takes = ask.accept === AcceptPolicy.BETTER ? value >= ask.value : value === ask.value;
  if (!takes) return { ok: false, reason: CashOutReason.ODDS_CHANGED, value };
  const restStake = (bet.stake - part) as Money;
  return { ok: true, value, part, restStake, restPayout: payoutOf(restStake, bet.odds) };
}
