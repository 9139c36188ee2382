import { describe, expect, it } from "vitest";
import { parseCsvFeed, parseJsonFeed, unknownSelection, wholeNumberFlag } from "../../scripts/feed/feed-file.ts";

describe("feed files", () => {
  it("reads JSON steps, bare or wrapped", () => {
    const steps = [{ afterMs: 100, odds: { home: 2.1 } }, { afterMs: 0, status: "suspended" }];
    expect(parseJsonFeed(JSON.stringify({ steps }))).toEqual(steps);
    expect(parseJsonFeed(JSON.stringify(steps))).toEqual(steps);
  });

  it("reads CSV with odds rows and status rows, skipping blanks and comments", () => {
    const csv = "afterMs,selection,odds\n500,home,2.2\n\n# a goal\n0,status,suspended\n1000,status,open\n";
    expect(parseCsvFeed(csv)).toEqual([
      { afterMs: 500, odds: { home: 2.2 } },
      { afterMs: 0, status: "suspended" },
      { afterMs: 1000, status: "open" },
    ]);
  });

  it("refuses bad files whole, naming the line or step", () => {
    expect(() => parseJsonFeed("{")).toThrow(/not valid JSON/);
    expect(() => parseJsonFeed("[]")).toThrow(/non-empty array/);
    expect(() => parseJsonFeed(JSON.stringify([{ odds: { home: 2.555 } }]))).toThrow(/step 1: odds for home/);
    expect(() => parseJsonFeed(JSON.stringify([{ afterMs: -5, odds: { home: 2 } }]))).toThrow(/step 1: afterMs/);
    expect(() => parseJsonFeed(JSON.stringify([{ status: "settled" }]))).toThrow(/step 1: a step needs odds or a status/);
    expect(() => parseCsvFeed("when,who,what\n")).toThrow(/line 1: the header/);
    expect(() => parseCsvFeed("afterMs,selection,odds\n10,home\n")).toThrow(/line 2: expected 3 columns/);
    expect(() => parseCsvFeed("afterMs,selection,odds\n10,home,abc\n")).toThrow(/line 2: odds for home/);
    expect(() => parseCsvFeed("afterMs,selection,odds\nsoon,home,2\n")).toThrow(/line 2: afterMs/);
    expect(() => parseCsvFeed("afterMs,selection,odds\n")).toThrow(/no steps/);
  });

  it("names the first step whose selection the market does not have, before anything is sent", () => {
    const steps = parseCsvFeed("afterMs,selection,odds\n0,home,2.2\n0,status,suspended\n0,hmoe,2.3\n0,away,3\n");
    expect(unknownSelection(steps, ["home", "draw", "away"])).toBe("step 3: unknown selection hmoe");
    expect(unknownSelection(steps, ["home", "hmoe", "away"])).toBeNull();
  });

  it("takes whole numbers in range from flags and refuses anything else", () => {
    expect(wholeNumberFlag(undefined, 2000, 100, 10_000)).toBe(2000);
    expect(wholeNumberFlag("500", 2000, 100, 10_000)).toBe(500);
    for (const bad of ["abc", "", "1.5", "-3", "99", "10001", "1e3"]) expect(wholeNumberFlag(bad, 2000, 100, 10_000)).toBeNull();
  });
});
