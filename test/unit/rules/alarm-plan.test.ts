import { describe, expect, it } from "vitest";
import { type AlarmNeeds, planAlarm } from "../../../worker/rules/alarm-plan.ts";

const needs = (extra: Partial<AlarmNeeds> = {}): AlarmNeeds => ({
  now: 1000,
  due: [],
  armedAt: null,
  notBefore: 0,
  ...extra,
});

describe("the alarm plan", () => {
  it("arms for the earliest due work", () => {
    expect(planAlarm(needs({ due: [5000, null, 3000] }))).toBe(3000);
  });

  it("arms nothing when no work is due", () => {
    expect(planAlarm(needs({ due: [null, null] }))).toBeNull();
  });

  it("leaves an earlier alarm still to come in place: it plans again when it runs", () => {
    expect(planAlarm(needs({ due: [9000], armedAt: 2000 }))).toBeNull();
    expect(planAlarm(needs({ due: [1500], armedAt: 2000 }))).toBe(1500);
  });

  it("never moves an alarm whose time has passed: it is about to run, and moving it would cancel that run", () => {
    expect(planAlarm(needs({ due: [31_000], armedAt: 500 }))).toBeNull();
  });

  it("holds everything back during a back-off", () => {
    expect(planAlarm(needs({ due: [1200], notBefore: 5000 }))).toBe(5000);
  });
});
