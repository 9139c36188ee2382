// A price's chart history: live ticks append, and the market's recent odds
// changes, fetched when the page opens, go in front of them.
import { describe, expect, it } from "vitest";
import { Price } from "../../client/models/live-market.ts";

describe("a price's history", () => {
  it("puts earlier prices in front of what it has shown, without repeating the one it started from", () => {
    const p = new Price(2.5);
    p.set(2.52);
    p.seed([2.4, 2.44, 2.5]);
    expect(p.history.value).toEqual([2.4, 2.44, 2.5, 2.52]);
  });

  it("keeps only the newest 60 points", () => {
    const p = new Price(3);
    p.seed(Array.from({ length: 100 }, (_, i) => 1.01 + i / 100));
    expect(p.history.value).toHaveLength(60);
    expect(p.history.value.at(-1)).toBe(3);
    expect(p.history.value[0]).toBeCloseTo(1.01 + 41 / 100);
  });
});
