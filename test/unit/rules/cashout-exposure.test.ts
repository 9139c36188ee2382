// Cash outs in the book's exposure and in the ledger's keys: a cash out taken
// counts whatever wins (its stake kept, its value paid), and each cash out
// request is its own ledger key.
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../../worker/rules/exposure.ts";
import { cashOutKey, payoutKey, refundKey, stakeKey } from "../../../worker/rules/ledger.ts";
import { createMarket, type MarketState } from "../../../worker/rules/market-book.ts";
import { selections } from "../../helpers/wire-market.ts";

function market(status: MarketState["status"] = "open"): MarketState {
  const made = createMarket({ id: "m1", name: "Match odds", event: "A v B", selections: selections(["home", "A", 2.5], ["away", "B", 3]) }, "ep1");
  if ("code" in made) throw new Error(made.message);
  return { ...made, status };
}

const open = [
  { selectionId: "home", bets: 1, stake: 600, payout: 1500 },
  { selectionId: "away", bets: 1, stake: 1000, payout: 3000 },
];
const cashedOut = { count: 2, stake: 900, value: 700 };

describe("cash outs in the exposure", () => {
  it("moves every selection's result by the cashed-out stake less the value paid, and says what was cashed out", () => {
    const e = exposureOf(market(), open, 0, undefined, cashedOut);
    expect(e.totalStake).toBe(1600);
    expect(e.cashedOut).toEqual(cashedOut);
    expect(e.selections).toEqual([
      { id: "home", bets: 1, stake: 600, payout: 1500, profitIfWins: 1600 - 1500 + 200 },
      { id: "away", bets: 1, stake: 1000, payout: 3000, profitIfWins: 1600 - 3000 + 200 },
    ]);
  });

  it("leaves the answer as it was when nothing was cashed out", () => {
    const none = exposureOf(market(), open, 0, undefined, { count: 0, stake: 0, value: 0 });
    expect(none).toEqual(exposureOf(market(), open, 0));
    expect(none).not.toHaveProperty("cashedOut");
    expect(none.selections.map((s) => s.profitIfWins)).toEqual([100, -1400]);
  });

  it("counts cash outs as taken and paid out in a finished market's result, and only there", () => {
    const decided = { bets: 2, stake: 1600, payout: 1500 };
    expect(exposureOf(market("settled"), [], 0, decided, cashedOut).final).toEqual({ taken: 2500, paidOut: 2200, margin: 300, bets: 2 });
    expect(exposureOf(market("voided"), [], 0, decided).final).toEqual({ taken: 1600, paidOut: 1500, margin: 100, bets: 2 });
    expect(exposureOf(market("closed"), [], 0, decided, cashedOut)).not.toHaveProperty("final");
    expect(exposureOf(market("settled"), [], 0, undefined, cashedOut)).not.toHaveProperty("final");
  });
});

describe("a cash out's ledger key", () => {
  it("names the market, the bet and the request, apart from every other move of the bet", () => {
    expect(cashOutKey("m1", "b1", "c1")).toBe("cashout:m1/b1/c1");
    const keys = [cashOutKey("m1", "b1", "c1"), cashOutKey("m1", "b1", "c2"), cashOutKey("m2", "b1", "c1"), stakeKey("m1", "b1"), refundKey("m1", "b1"), payoutKey("m1", "b1")];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
