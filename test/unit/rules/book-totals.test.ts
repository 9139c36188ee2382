import { describe, expect, it } from "vitest";
import type { MarketTotals, Summary } from "../../../worker/protocol/book.ts";
import type { Exposure } from "../../../worker/protocol/schemas.ts";
import { replaces, totalsOf } from "../../../worker/rules/book-rules.ts";
import { BookView, traderTag, viewTag } from "../../../worker/rules/book-view.ts";

const summary = (id: string): Summary => ({ id, name: "Match odds", event: "A v B", status: "open", inPlay: false, selections: [], seq: 0 });
const figures = (id: string, staked: number): MarketTotals => ({ id, seq: 0, staked, worstCase: -staked, bets: 1, pending: 0 });

describe("a market's book figures", () => {
  it("are its exposure summed: total stake, the lowest profit if a selection wins, bets summed, pending", () => {
    const e: Exposure = {
      marketId: "m1",
      totalStake: 3000,
      pendingBets: 1,
      selections: [
        { id: "home", bets: 1, stake: 1000, payout: 2500, profitIfWins: 500 },
        { id: "away", bets: 2, stake: 2000, payout: 6000, profitIfWins: -3000 },
        { id: "draw", bets: 0, stake: 0, payout: 0, profitIfWins: 3000 },
      ],
    };
    expect(totalsOf(e, 7)).toEqual({ id: "m1", seq: 7, staked: 3000, worstCase: -3000, bets: 3, pending: 1 });
    expect(totalsOf({ marketId: "m2", totalStake: 0, pendingBets: 0, selections: [] }, 0).worstCase).toBe(0);
  });

  it("replace what is held on a higher seq, or on the same seq sent later, never otherwise", () => {
    expect(replaces({ seq: 2, at: 1 }, { seq: 1, at: 9 })).toBe(true);
    expect(replaces({ seq: 1, at: 10 }, { seq: 1, at: 9 })).toBe(true);
    expect(replaces({ seq: 1, at: 9 }, { seq: 1, at: 9 })).toBe(false);
    expect(replaces({ seq: 1, at: 99 }, { seq: 2, at: 9 })).toBe(false);
  });
});

describe("a view's figures for its traders", () => {
  const book = new Map(["a", "b", "c"].map((id) => [id, summary(id)]));
  const view = new BookView({ kind: "ids", ids: ["a", "b"] }, book);

  it("are those of its markets: all held at first, then those that moved and those of markets just added", () => {
    const held = new Map([
      ["a", figures("a", 100)],
      ["c", figures("c", 300)],
    ]);
    expect(view.firstTotals(held)).toEqual({ type: "totals", markets: [figures("a", 100)] });
    expect(view.totals([figures("c", 400)], [], held)).toBeNull();
    expect(view.totals([figures("b", 200), figures("c", 400)], ["a"], held)).toEqual({ type: "totals", markets: [figures("b", 200), figures("a", 100)] });
  });

  it("go to a tag of their own, beside the view's", () => {
    const tag = viewTag({ kind: "all" });
    expect(traderTag(tag)).not.toBe(tag);
    expect(traderTag(tag).length).toBe(tag.length);
  });
});
