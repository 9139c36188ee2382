// Odds as punters read them: the conventional fractional ladder, American odds
// as books print them, and a plain sentence for every refusal reason.
import { describe, expect, it } from "vitest";
import { RejectReason } from "../../worker/protocol/codes.ts";
import { FRACTIONS, OddsFormat, formatOdds } from "../../client/format.ts";
import { reasonText } from "../../client/reasons.ts";

const fractional = (decimal: number) => formatOdds(decimal, OddsFormat.FRACTIONAL);
const american = (decimal: number) => formatOdds(decimal, OddsFormat.AMERICAN);

describe("fractional odds", () => {
  it("shows each conventional price as books print it", () => {
    expect([2.2, 2.88, 1.57, 2.1, 2.25, 2.62, 2.5, 1.67, 2, 3, 1.8, 1.91, 11].map(fractional)).toEqual([
      "6/5", "15/8", "4/7", "11/10", "5/4", "13/8", "6/4", "4/6", "1/1", "2/1", "4/5", "10/11", "10/1",
    ]);
  });

  it("shows a price off the ladder as the nearest conventional fraction, never an odd one like 61/50", () => {
    expect(fractional(2.22)).toBe("6/5");
    expect(fractional(2.94)).toBe("2/1");
    expect(fractional(1.57)).toBe("4/7");
    expect(fractional(2.9)).toBe("15/8");
    expect(fractional(1.01)).toBe("1/100");
    expect(fractional(1000)).toBe("999/1");
    expect(fractional(47)).toBe("50/1");
  });

  it("keeps the table in order, so the nearest is well defined", () => {
    const values = FRACTIONS.map(([n, d]) => n / d);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(values).size).toBe(values.length);
  });
});

describe("American odds", () => {
  it("shows the profit on 100 for 2.00 and up and the stake to win 100 below, as whole numbers", () => {
    expect([2.5, 2, 3.2, 1.8, 1.91, 1.5, 1.01, 1.57].map(american)).toEqual(["+150", "+100", "+220", "-125", "-110", "-200", "-10000", "-175"]);
  });
});

describe("refusal reasons", () => {
  it("gives every reason a plain sentence, with no code in it", () => {
    for (const reason of Object.values(RejectReason)) {
      const text = reasonText(reason);
      expect(text).toMatch(/^[A-Z].*\.$/);
      expect(text).not.toMatch(/[A-Z]{2,}_/);
    }
  });
});
