import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Money } from "../../../worker/protocol/units.ts";
import { nextBalance, payoutKey, refundKey, stakeKey } from "../../../worker/rules/ledger.ts";

describe("the ledger's rules", () => {
  it("never lets a balance go below zero or past a safe integer", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: -2e12, max: 2e12 }), (balance, delta) => {
        const next = nextBalance(balance as Money, delta);
        if (balance + delta < 0) expect(next).toBeNull();
        else expect(next).toBe(balance + delta);
      }),
    );
    expect(nextBalance(Number.MAX_SAFE_INTEGER as Money, 1)).toBeNull();
  });

  it("lets a balance reach exactly 0, and not one cent below", () => {
    expect(nextBalance(100_000 as Money, -100_000)).toBe(0);
    expect(nextBalance(100_000 as Money, -100_001)).toBeNull();
    expect(nextBalance(0 as Money, 0)).toBe(0);
    expect(nextBalance(0 as Money, -1)).toBeNull();
  });

  it("names each money move of a bet by its own key, one per market and bet", () => {
    const keys = [stakeKey("m1", "b1"), refundKey("m1", "b1"), payoutKey("m1", "b1"), stakeKey("m2", "b1")];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
