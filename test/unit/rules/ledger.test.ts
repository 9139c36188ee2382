import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Money } from "../../../worker/protocol/units.ts";
import { BET_MONEY_KINDS, EntryKind, depositKey, nextBalance, payoutKey, refundKey, stakeKey, withdrawalKey } from "../../../worker/rules/ledger.ts";

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

  it("lets a balance reach exactly zero, and not one cent below", () => {
    expect(nextBalance(500 as Money, -500)).toBe(0);
    expect(nextBalance(500 as Money, -501)).toBeNull();
    expect(nextBalance(0 as Money, 0)).toBe(0);
  });

  it("names each money move of a bet by its own key, one per market and bet", () => {
    const keys = [stakeKey("m1", "b1"), refundKey("m1", "b1"), payoutKey("m1", "b1"), stakeKey("m2", "b1")];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("never lets two different money moves share a key: every kind, market and bet id gives its own", () => {
    const id = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(id, id), { minLength: 2, maxLength: 6, selector: ([m, b]) => `${m}|${b}` }), (pairs) => {
        const keys = pairs.flatMap(([m, b]) => [stakeKey(m, b), refundKey(m, b), payoutKey(m, b)]);
        expect(new Set(keys).size).toBe(keys.length);
        for (const key of keys) expect(typeof key === "string" && key.length > 0).toBe(true);
      }),
    );
  });

  it("names the account's own moves by their request id, a deposit and a withdrawal apart", () => {
    expect(depositKey("req-0001")).toBe("deposit:req-0001");
    expect(withdrawalKey("req-0001")).toBe("withdrawal:req-0001");
  });

  it("spells every kind of entry as the statement shows it, and counts only a bet's money towards a day's loss", () => {
    expect(Object.values(EntryKind)).toEqual(["grant", "stake", "refund", "payout", "deposit", "withdrawal", "cashout"]);
    expect(BET_MONEY_KINDS).toEqual(["stake", "refund", "payout", "cashout"]);
  });
});
