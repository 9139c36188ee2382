import { describe, expect, it } from "vitest";
import { LADDER, isOnLadder, snapToLadder, stepOdds } from "../../worker/protocol/ladder.ts";

describe("the odds ladder", () => {
  it("runs from 1.01 to 1000 with the standard ticks", () => {
    expect(LADDER[0]).toBe(101);
    expect(LADDER.at(-1)).toBe(100000);
    expect(LADDER.slice(0, 3)).toEqual([101, 102, 103]);
    expect(LADDER).toContain(200);
    expect(LADDER).toContain(202);
    expect(LADDER).not.toContain(201);
    expect(LADDER).toContain(305);
    expect(LADDER).not.toContain(302);
    expect(LADDER).toContain(1050);
    expect(LADDER).toContain(99000);
    for (let i = 1; i < LADDER.length; i++) expect(LADDER[i]).toBeGreaterThan(LADDER[i - 1]);
  });

  it("steps one tick in each band and clamps at the ends", () => {
    expect(stepOdds(199, 1)).toBe(200);
    expect(stepOdds(200, 1)).toBe(202);
    expect(stepOdds(300, 1)).toBe(305);
    expect(stepOdds(300, -1)).toBe(298);
    expect(stepOdds(1000, 1)).toBe(1050);
    expect(stepOdds(101, -1)).toBe(101);
    expect(stepOdds(100000, 1)).toBe(100000);
    expect(stepOdds(99000, 1)).toBe(100000);
  });

  it("steps from a price between two ticks to the neighbouring tick on that side", () => {
    expect(stepOdds(203, -1)).toBe(202);
    expect(stepOdds(203, 1)).toBe(204);
    expect(stepOdds(203, -2)).toBe(200);
    expect(stepOdds(301, -1)).toBe(300);
    expect(stepOdds(301, 1)).toBe(305);
  });

  it("snaps off-ladder prices to the nearest tick", () => {
    expect(snapToLadder(201)).toBe(200);
    expect(snapToLadder(302)).toBe(300);
    expect(snapToLadder(304)).toBe(305);
    expect(isOnLadder(250)).toBe(true);
    expect(isOnLadder(251)).toBe(false);
  });
});
