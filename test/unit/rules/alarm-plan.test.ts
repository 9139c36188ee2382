import { describe, expect, it } from "vitest";
import { type AlarmNeeds, planAlarm } from "../../../worker/rules/alarm-plan.ts";

const needs = (extra: Partial<AlarmNeeds> = {}): AlarmNeeds => ({
  now: 1000,
  due: [],
  armedAt: null,
  sockets: false,
  reapAt: 0,
  reapEveryMs: 30_000,
  notBefore: 0,
  ...extra,
});

describe("the alarm plan", () => {
  it("arms for the earliest due work", () => {
    expect(planAlarm(needs({ due: [5000, null, 3000] }))).toBe(3000);
  });

  it("arms nothing when no work is due and no socket is open", () => {
    expect(planAlarm(needs({ due: [null, null] }))).toBeNull();
  });

  it("reaps open sockets one period from now, never sooner", () => {
    expect(planAlarm(needs({ sockets: true }))).toBe(31_000);
    expect(planAlarm(needs({ sockets: true, reapAt: 40_000 }))).toBe(40_000);
  });

  it("leaves an earlier alarm still to come in place: it plans again when it runs", () => {
    expect(planAlarm(needs({ due: [9000], armedAt: 2000 }))).toBeNull();
    expect(planAlarm(needs({ due: [1500], armedAt: 2000 }))).toBe(1500);
  });

  it("re-arms when the armed time has already passed", () => {
    expect(planAlarm(needs({ due: [9000], armedAt: 500 }))).toBe(9000);
  });

  it("holds everything back during a back-off", () => {
    expect(planAlarm(needs({ due: [1200], notBefore: 5000 }))).toBe(5000);
  });
});
