import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Money, Odds } from "../../../worker/protocol/units.ts";
import { type Leg, combinedOdds, legsProblem, outcomeOf, payoutOfLegs } from "../../../worker/rules/multiple.ts";

const leg = (marketId: string, odds: number, result?: Leg["result"]): Leg => ({ marketId, odds: odds as Odds, ...(result ? { result } : {}) });

describe("the legs of a multiple", () => {
  it("are 2 to 10, each on its own market", () => {
    const legs = (n: number) => Array.from({ length: n }, (_, i) => ({ marketId: `m${i}` }));
    expect(legsProblem(legs(1))).toBe("a multiple has 2 to 10 legs");
    expect(legsProblem(legs(2))).toBeNull();
    expect(legsProblem(legs(10))).toBeNull();
    expect(legsProblem(legs(11))).toBe("a multiple has 2 to 10 legs");
    expect(legsProblem([{ marketId: "a" }, { marketId: "b" }, { marketId: "a" }])).toBe("each leg of a multiple is on a different market");
  });
});

describe("a multiple's odds and payout", () => {
  it("multiplies the legs' odds exactly and pays floor(stake x product)", () => {
    // 2.50 x 1.33 x 3.10 = 10.3075: 1,000 pays 10,307 (10,307.5 rounded down).
    expect(combinedOdds([250, 133, 310] as Odds[])).toBe(10.3075);
    expect(payoutOfLegs(1_000 as Money, [250, 133, 310] as Odds[])).toBe(10_307);
    expect(combinedOdds([101, 101] as Odds[])).toBe(1.0201);
    expect(payoutOfLegs(99 as Money, [101, 101] as Odds[])).toBe(100); // 100.99
    expect(combinedOdds([100_000, 100_000] as Odds[])).toBe(1_000_000);
    // Ten legs at 1000.00 with 100.00 staked: far past any payout limit, and past safe integers.
    expect(payoutOfLegs(10_000 as Money, Array(10).fill(100_000) as Odds[])).toBeNull();
    expect(payoutOfLegs(1 as Money, Array(7).fill(10_000) as Odds[])).toBe(1_000_000_000_000_00);
    // The largest safe integer itself is still a payout; one more is not.
    expect(payoutOfLegs(Number.MAX_SAFE_INTEGER as Money, [100, 100] as Odds[])).toBe(Number.MAX_SAFE_INTEGER);
    expect(payoutOfLegs(Number.MAX_SAFE_INTEGER as Money, [100, 101] as Odds[])).toBeNull();
  });

  it("is exactly the floor of the rational product, for any stake and up to 10 legs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.array(fc.integer({ min: 101, max: 100_000 }), { minLength: 2, maxLength: 10 }), (stake, odds) => {
        const num = odds.reduce((p, o) => p * BigInt(o), BigInt(stake));
        const den = 100n ** BigInt(odds.length);
        const payout = payoutOfLegs(stake as Money, odds as Odds[]);
        if (num / den > BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(payout).toBeNull();
          return;
        }
        const paid = BigInt(payout as number);
        expect(paid * den <= num).toBe(true);
        expect((paid + 1n) * den > num).toBe(true);
      }),
    );
  });
});

describe("settling a multiple as its legs settle", () => {
  it("stays open while a leg is open and none has lost", () => {
    expect(outcomeOf(1_000 as Money, [leg("a", 250, "won"), leg("b", 200)])).toEqual({ status: "accepted" });
  });

  it("is lost as soon as any leg loses, even with legs still open", () => {
    expect(outcomeOf(1_000 as Money, [leg("a", 250), leg("b", 200, "lost"), leg("c", 300)])).toEqual({ status: "lost", payout: 0 });
    expect(outcomeOf(1_000 as Money, [leg("a", 250, "won"), leg("b", 200, "lost")])).toEqual({ status: "lost", payout: 0 });
  });

  it("counts a void leg as odds 1.00 and pays the rest when every other leg won", () => {
    expect(outcomeOf(1_000 as Money, [leg("a", 250, "won"), leg("b", 200, "void"), leg("c", 300, "won")])).toEqual({ status: "won", payout: 7_500 });
    expect(outcomeOf(1_000 as Money, [leg("a", 250, "won"), leg("b", 200, "won")])).toEqual({ status: "won", payout: 5_000 });
  });

  it("treats a won payout past the safe integers as a bug, never as a number", () => {
    expect(() => outcomeOf(Number.MAX_SAFE_INTEGER as Money, [leg("a", 200, "won"), leg("b", 200, "won")])).toThrow("past the safe integers");
  });

  it("gives the stake back when every leg is void", () => {
    expect(outcomeOf(1_000 as Money, [leg("a", 250, "void"), leg("b", 200, "void")])).toEqual({ status: "void", payout: 1_000 });
  });

  it("ends the same whatever order the legs settle in", () => {
    const results = fc.constantFrom("won", "lost", "void") as fc.Arbitrary<NonNullable<Leg["result"]>>;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 101, max: 5_000 }), results), { minLength: 2, maxLength: 10 }), fc.integer({ min: 1, max: 100_000 }), (spec, stake) => {
        const legs = spec.map(([o, r], i) => leg(`m${i}`, o, r));
        const final = outcomeOf(stake as Money, legs);
        // Any order of settling: once final, every later step agrees with the end.
        let seen: Leg[] = legs.map((l) => ({ marketId: l.marketId, odds: l.odds }));
        for (const i of [...legs.keys()].reverse()) {
          seen = seen.map((l, j) => (j === i ? legs[j] : l));
          const now = outcomeOf(stake as Money, seen);
          if (now.status !== "accepted") expect(now).toEqual(final);
        }
      }),
    );
  });
});
