import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  LIMIT_NAMES,
  type LimitState,
  MAX_EXCLUSION_DAYS,
  NO_LIMITS,
  RAISE_DELAY_MS,
  dayStart,
  depositFits,
  exclusionEnd,
  isExcluded,
  limitsAt,
  requestLimits,
  stakeFits,
} from "../../../worker/rules/limits.ts";

const T = 1_800_000_000_000;

describe("limit changes", () => {
  it("names the three limits of the contract, waits a day for a raise and allows 3650 days of exclusion", () => {
    expect(LIMIT_NAMES).toEqual(["depositPerDay", "lossPerDay", "stakePerBet"]);
    expect(DAY_MS).toBe(86_400_000);
    expect(RAISE_DELAY_MS).toBe(DAY_MS);
    expect(MAX_EXCLUSION_DAYS).toBe(3650);
    expect(NO_LIMITS).toEqual({ limits: {}, pending: {} });
  });

  it("sets a first limit at once: any limit is lower than none", () => {
    expect(requestLimits(NO_LIMITS, { lossPerDay: 500, stakePerBet: 0 }, T)).toEqual({ limits: { lossPerDay: 500, stakePerBet: 0 }, pending: {} });
  });

  it("lowers at once and drops a raise that was waiting; asking for the same value changes nothing and drops the raise", () => {
    const waiting: LimitState = { limits: { lossPerDay: 500, depositPerDay: 100 }, pending: { lossPerDay: { value: 900, at: T + 10 }, depositPerDay: { value: 200, at: T + 10 } } };
    expect(requestLimits(waiting, { lossPerDay: 400, depositPerDay: 100 }, T)).toEqual({ limits: { lossPerDay: 400, depositPerDay: 100 }, pending: {} });
  });

  it("keeps a raise and a removal waiting a day, the old limit in force meanwhile", () => {
    const set: LimitState = { limits: { lossPerDay: 500, stakePerBet: 50 }, pending: {} };
    const next = requestLimits(set, { lossPerDay: 501 }, T);
    expect(next).toEqual({
      limits: { lossPerDay: 500, stakePerBet: 50 },
      pending: { lossPerDay: { value: 501, at: T + RAISE_DELAY_MS }, stakePerBet: { value: null, at: T + RAISE_DELAY_MS } },
    });
  });

  it("keeps the time of a raise asked for again, and starts the wait again for another value", () => {
    const first = requestLimits({ limits: { lossPerDay: 500 }, pending: {} }, { lossPerDay: 900 }, T);
    expect(requestLimits(first, { lossPerDay: 900 }, T + 5_000).pending.lossPerDay).toEqual({ value: 900, at: T + RAISE_DELAY_MS });
    expect(requestLimits(first, { lossPerDay: 800 }, T + 5_000).pending.lossPerDay).toEqual({ value: 800, at: T + 5_000 + RAISE_DELAY_MS });
    const removal = requestLimits({ limits: { lossPerDay: 500 }, pending: {} }, {}, T);
    expect(requestLimits(removal, {}, T + 5_000).pending.lossPerDay).toEqual({ value: null, at: T + RAISE_DELAY_MS });
  });

  it("applies a waiting raise or removal from its time on, not a millisecond before", () => {
    const state: LimitState = { limits: { lossPerDay: 500, stakePerBet: 50 }, pending: { lossPerDay: { value: 900, at: T }, stakePerBet: { value: null, at: T } } };
    expect(limitsAt(state, T - 1)).toEqual(state);
    expect(limitsAt(state, T)).toEqual({ limits: { lossPerDay: 900 }, pending: {} });
    // A request after the time finds the raise in force.
    expect(requestLimits(state, { lossPerDay: 900 }, T)).toEqual({ limits: { lossPerDay: 900 }, pending: {} });
  });

  it("never lets a limit rise before a day has passed since it was asked for, whatever the requests", () => {
    const value = fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: undefined });
    const request = fc.record({ depositPerDay: value, lossPerDay: value, stakePerBet: value, after: fc.integer({ min: 0, max: 2 * DAY_MS }) });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 8 }), (requests) => {
        let state = NO_LIMITS;
        let now = T;
        /** For each limit, the lowest it was at any time in the last day: it may not be above that. */
        const history: { at: number; limits: LimitState["limits"] }[] = [];
        for (const { after, ...wanted } of requests) {
          now += after;
          const asked = Object.fromEntries(Object.entries(wanted).filter(([, v]) => v !== undefined));
          state = requestLimits(state, asked, now);
          const inForce = limitsAt(state, now).limits;
          history.push({ at: now, limits: inForce });
          for (const name of LIMIT_NAMES) {
            const got = inForce[name] ?? Infinity;
            // Lower or equal to what was asked whenever a limit was asked for.
            if (asked[name] !== undefined) expect(got).toBeLessThanOrEqual(asked[name]);
            for (const h of history) if (now - h.at < DAY_MS) expect(got).toBeLessThanOrEqual(Math.max(h.limits[name] ?? Infinity, got));
          }
        }
      }),
    );
  });
});

describe("what passes a limit", () => {
  it("counts days from UTC midnight", () => {
    expect(dayStart(T)).toBe(T - (T % DAY_MS));
    expect(dayStart(5 * DAY_MS)).toBe(5 * DAY_MS);
    expect(dayStart(5 * DAY_MS - 1)).toBe(4 * DAY_MS);
  });

  it("takes a deposit up to the day's limit exactly, not a cent past it", () => {
    expect(depositFits({}, 1e9, 1e9)).toBe(true);
    expect(depositFits({ depositPerDay: 1_000 }, 400, 600)).toBe(true);
    expect(depositFits({ depositPerDay: 1_000 }, 400, 601)).toBe(false);
    expect(depositFits({ depositPerDay: 0 }, 0, 1)).toBe(false);
    expect(depositFits({ lossPerDay: 0, stakePerBet: 0 }, 0, 1)).toBe(true);
  });

  it("takes a stake up to stakePerBet and to the day's loss limit exactly, not a cent past either", () => {
    expect(stakeFits({}, 1e9, 1e9)).toBe(true);
    expect(stakeFits({ depositPerDay: 0 }, 0, 1)).toBe(true);
    expect(stakeFits({ stakePerBet: 0 }, 0, 1)).toBe(false);
    expect(stakeFits({ lossPerDay: 0 }, 0, 1)).toBe(false);
    expect(stakeFits({ stakePerBet: 500 }, 0, 500)).toBe(true);
    expect(stakeFits({ stakePerBet: 500 }, 0, 501)).toBe(false);
    expect(stakeFits({ lossPerDay: 1_000 }, 700, 300)).toBe(true);
    expect(stakeFits({ lossPerDay: 1_000 }, 700, 301)).toBe(false);
    // A winning day (negative loss) leaves room for more.
    expect(stakeFits({ lossPerDay: 1_000 }, -500, 1_500)).toBe(true);
    expect(stakeFits({ lossPerDay: 1_000, stakePerBet: 2_000 }, 0, 1_001)).toBe(false);
    expect(stakeFits({ lossPerDay: 5_000, stakePerBet: 1_000 }, 0, 1_001)).toBe(false);
  });
});

describe("self-exclusion", () => {
  it("ends `days` days from now, or later if one running ends later: never shortened", () => {
    expect(exclusionEnd(null, T, 1)).toBe(T + DAY_MS);
    expect(exclusionEnd(T + 10 * DAY_MS, T, 3)).toBe(T + 10 * DAY_MS);
    expect(exclusionEnd(T + 2 * DAY_MS, T, 3)).toBe(T + 3 * DAY_MS);
    expect(exclusionEnd(T - 5, T, 1)).toBe(T + DAY_MS);
  });

  it("holds until its end, not a millisecond past", () => {
    expect(isExcluded(null, T)).toBe(false);
    expect(isExcluded(T + 1, T)).toBe(true);
    expect(isExcluded(T, T)).toBe(false);
  });
});
