import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AcceptPolicy, BetStatus, MarketStatus } from "../../../worker/protocol/codes.ts";
import { type Money, type Odds, oddsFromDecimal } from "../../../worker/protocol/units.ts";
import { type CashOutBet, type CashOutMarket, cashOutValue, quoteCashOut, shownValue } from "../../../worker/rules/cashout.ts";

const odds = (d: number) => oddsFromDecimal(d) as Odds;
const bet = (stake: number, taken: number, status: BetStatus = BetStatus.ACCEPTED): CashOutBet => ({ status, stake: stake as Money, odds: odds(taken) });
const market = (current: number, status: MarketStatus = MarketStatus.OPEN): CashOutMarket => ({ status, currentOdds: odds(current) });

describe("a bet's cash out value", () => {
  it("is floor(stake x taken / current x 0.95) in cents, for odds from 1.01 to 1000", () => {
    // [stake, taken, current, value]: each worked out by hand from the formula.
    const table: [number, number, number, number][] = [
      [1_000, 2.3, 2.3, 950], // unchanged price: 95% of the stake
      [1_000, 2.3, 1.01, 2_163], // 1000*230*95/(101*100) = 2163.36
      [1_000, 1.01, 2.3, 417], // 1000*101*95/(230*100) = 417.17
      [1_000, 1.1, 4.35, 240], // 1000*110*95/(435*100) = 240.22
      [1_000, 4.35, 1.1, 3_756], // 1000*435*95/(110*100) = 3756.81
      [100, 1000, 1.01, 94_059], // 100*100000*95/(101*100) = 94059.4
      [100_000, 1.01, 1000, 95], // 100000*101*95/(100000*100) = 95.95
      [1, 1.01, 1000, 0], // a cent on a hopeless bet is worth nothing
      [333, 2.3, 4.35, 167], // 333*230*95/(435*100) = 167.27
    ];
    for (const [stake, taken, current, value] of table) {
      expect(cashOutValue(stake as Money, odds(taken), odds(current)), `${stake} at ${taken} now ${current}`).toBe(value);
    }
  });

  it("is exactly the floor, never a cent more or less, for any stake and odds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 101, max: 100_000 }), fc.integer({ min: 101, max: 100_000 }), (stake, taken, current) => {
        const v = BigInt(cashOutValue(stake as Money, taken as Odds, current as Odds));
        const exact = BigInt(stake) * BigInt(taken) * 95n;
        const per = BigInt(current) * 100n;
        expect(v * per <= exact).toBe(true);
        expect((v + 1n) * per > exact).toBe(true);
      }),
    );
  });

  it("falls as the price of the bet's selection lengthens", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 101, max: 100_000 }), fc.integer({ min: 101, max: 99_999 }), (stake, taken, current) => {
        expect(cashOutValue(stake as Money, taken as Odds, (current + 1) as Odds)).toBeLessThanOrEqual(cashOutValue(stake as Money, taken as Odds, current as Odds));
      }),
    );
  });

  it("is shown only for an accepted bet on an open market", () => {
    expect(shownValue(bet(1_000, 2.3), market(2.3))).toBe(950);
    expect(shownValue(bet(1_000, 2.3), market(2.3, MarketStatus.SUSPENDED))).toBeNull();
    expect(shownValue(bet(1_000, 2.3), market(2.3, MarketStatus.CLOSED))).toBeNull();
    expect(shownValue(bet(1_000, 2.3, BetStatus.PENDING), market(2.3))).toBeNull();
    expect(shownValue(bet(1_000, 2.3, BetStatus.WON), market(2.3))).toBeNull();
  });
});

describe("asking to cash out", () => {
  it("takes exactly the value shown, and refuses another one under `exact`, naming the current value", () => {
    expect(quoteCashOut(bet(1_000, 2.3), market(2.3), { value: 950 as Money, accept: AcceptPolicy.EXACT })).toEqual({ ok: true, value: 950, part: 1_000, restStake: 0, restPayout: 0 });
    expect(quoteCashOut(bet(1_000, 2.3), market(2.2), { value: 950 as Money, accept: AcceptPolicy.EXACT })).toEqual({ ok: false, reason: "ODDS_CHANGED", value: 993 });
    expect(quoteCashOut(bet(1_000, 2.3), market(2.4), { value: 950 as Money, accept: AcceptPolicy.EXACT })).toEqual({ ok: false, reason: "ODDS_CHANGED", value: 910 });
  });

  it("under `better` takes a higher current value and refuses a lower one by a cent", () => {
    expect(quoteCashOut(bet(1_000, 2.3), market(2.2), { value: 950 as Money, accept: AcceptPolicy.BETTER })).toMatchObject({ ok: true, value: 993 });
    expect(quoteCashOut(bet(1_000, 2.3), market(2.3), { value: 950 as Money, accept: AcceptPolicy.BETTER })).toMatchObject({ ok: true, value: 950 });
    expect(quoteCashOut(bet(1_000, 2.3), market(2.3), { value: 951 as Money, accept: AcceptPolicy.BETTER })).toEqual({ ok: false, reason: "ODDS_CHANGED", value: 950 });
  });

  it("cashes out a part of the stake and leaves the rest open at the odds it was taken at", () => {
    // 400 of 1,000 at 2.30, now 2.00: 400*230*95/(200*100) = 437; the rest, 600, pays floor(600*2.30) = 1,380.
    expect(quoteCashOut(bet(1_000, 2.3), market(2), { value: 437 as Money, accept: AcceptPolicy.EXACT, part: 400 as Money })).toEqual({ ok: true, value: 437, part: 400, restStake: 600, restPayout: 1_380 });
  });

  it("refuses a part of none, of more than the stake, or not a whole number of cents", () => {
    for (const part of [0, -1, 1_001, 10.5]) {
      expect(quoteCashOut(bet(1_000, 2.3), market(2.3), { value: 1 as Money, accept: AcceptPolicy.BETTER, part: part as Money })).toEqual({ ok: false, reason: "INVALID" });
    }
    expect(quoteCashOut(bet(1_000, 2.3), market(2.3), { value: 950 as Money, accept: AcceptPolicy.EXACT, part: 1_000 as Money })).toMatchObject({ ok: true, restStake: 0 });
    expect(quoteCashOut(bet(1_000, 2.3), market(2.3), { value: 0 as Money, accept: AcceptPolicy.EXACT, part: 1 as Money })).toMatchObject({ ok: true, value: 0, restStake: 999 });
  });

  it("refuses while the market is suspended or no longer open, and for a bet that is not open", () => {
    const ask = { value: 950 as Money, accept: AcceptPolicy.BETTER };
    expect(quoteCashOut(bet(1_000, 2.3), market(2.3, MarketStatus.SUSPENDED), ask)).toEqual({ ok: false, reason: "MARKET_SUSPENDED", value: null });
    for (const status of [MarketStatus.CLOSED, MarketStatus.SETTLED, MarketStatus.VOIDED]) {
      expect(quoteCashOut(bet(1_000, 2.3), market(2.3, status), ask)).toEqual({ ok: false, reason: "MARKET_CLOSED", value: null });
    }
    for (const status of [BetStatus.PENDING, BetStatus.REJECTED, BetStatus.WON, BetStatus.LOST, BetStatus.VOID]) {
      expect(quoteCashOut(bet(1_000, 2.3, status), market(2.3), ask)).toEqual({ ok: false, reason: "NOT_OPEN_BET" });
    }
  });
});
