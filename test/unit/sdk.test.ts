import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../client/sdk/backoff.ts";
import { isBetId, newBetId } from "../../client/sdk/bet-id.ts";
import { applyChange, checkSeq, isFinished } from "../../client/sdk/market-state.ts";
import { wireMarket } from "../helpers/wire-market.ts";

const market = wireMarket({ seq: 4 });

describe("the SDK's market state", () => {
  it("takes the next seq, drops duplicates, and calls anything else a gap unless conflated", () => {
    expect(checkSeq(4, { type: "odds", seq: 5, ts: 1, odds: {} })).toBe("next");
    expect(checkSeq(4, { type: "odds", seq: 4, ts: 1, odds: {} })).toBe("duplicate");
    expect(checkSeq(4, { type: "status", seq: 6, ts: 1, status: "open", inPlay: false, betDelayMs: 0 })).toBe("gap");
    expect(checkSeq(4, { type: "odds", seq: 9, ts: 1, odds: {}, con: true })).toBe("next");
    expect(checkSeq(4, { type: "settled", seq: 9, ts: 1, winner: "a" })).toBe("gap");
  });

  it("applies odds, status and settlement without touching its input", () => {
    const odds = applyChange(market, { type: "odds", seq: 5, ts: 1, odds: { b: 3.5 } });
    expect(odds.selections.map((s) => s.odds)).toEqual([2, 3.5]);
    expect(market.selections[1].odds).toBe(3);
    const suspended = applyChange(odds, { type: "status", seq: 6, ts: 1, status: "suspended", inPlay: true, betDelayMs: 5000, reason: "goal" });
    expect(suspended).toMatchObject({ seq: 6, status: "suspended", inPlay: true, betDelayMs: 5000, reason: "goal" });
    const reopened = applyChange(suspended, { type: "status", seq: 7, ts: 1, status: "open", inPlay: true, betDelayMs: 5000 });
    expect(reopened.reason).toBeUndefined();
    const settled = applyChange(reopened, { type: "settled", seq: 8, ts: 1, winner: "a" });
    expect(settled).toMatchObject({ status: "settled", winner: "a", seq: 8 });
    expect(isFinished(settled)).toBe(true);
    expect(isFinished(applyChange(reopened, { type: "settled", seq: 8, ts: 1, void: true }))).toBe(true);
  });
});

describe("reconnect backoff", () => {
  it("grows exponentially up to the cap, with full jitter", () => {
    const o = { baseMs: 250, capMs: 10_000, random: () => 0.999 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, o))).toEqual([249, 499, 999, 1998, 9990]);
    expect(backoffDelay(5, { ...o, random: () => 0 })).toBe(0);
  });
});

describe("bet ids", () => {
  it("makes fresh ids that the server accepts", () => {
    const ids = new Set(Array.from({ length: 100 }, newBetId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(isBetId(id)).toBe(true);
  });
});
