import { describe, expect, it } from "vitest";
import { MAX_REPLAY_EVENTS, ReplayBudget, planResume } from "../../../worker/rules/resume.ts";

describe("where a reconnecting client resumes", () => {
  it("replays from its position when the log still holds everything after it", () => {
    expect(planResume({ since: 5, epoch: "e" }, "e", 9, 1)).toEqual({ kind: "replay", after: 5 });
    expect(planResume({ since: 5, epoch: "e" }, "e", 9, 6)).toEqual({ kind: "replay", after: 5 });
  });

  it("replays nothing, and sends no snapshot, to a client that is up to date", () => {
    expect(planResume({ since: 9, epoch: "e" }, "e", 9, 1)).toEqual({ kind: "replay", after: 9 });
  });

  it("sends a snapshot for another epoch, a position ahead of the market, or one older than the log", () => {
    expect(planResume({ since: 5, epoch: "old" }, "e", 9, 1)).toEqual({ kind: "snapshot" });
    expect(planResume({ since: 10, epoch: "e" }, "e", 9, 1)).toEqual({ kind: "snapshot" });
    expect(planResume({ since: 5, epoch: "e" }, "e", 9, 7)).toEqual({ kind: "snapshot" });
    expect(planResume({ since: -1, epoch: "e" }, "e", 9, 0)).toEqual({ kind: "snapshot" });
    expect(planResume(null, "e", 9, 1)).toEqual({ kind: "snapshot" });
    // Nothing held at all (a log trimmed empty): only a client at the head replays (nothing).
    expect(planResume({ since: 5, epoch: "e" }, "e", 9, null)).toEqual({ kind: "snapshot" });
    expect(planResume({ since: 9, epoch: "e" }, "e", 9, null)).toEqual({ kind: "replay", after: 9 });
  });

  it("replays from seq 0, the position of a client that saw only the snapshot of a new market", () => {
    expect(planResume({ since: 0, epoch: "e" }, "e", 3, 1)).toEqual({ kind: "replay", after: 0 });
    expect(planResume({ since: 0, epoch: "e" }, "e", 0, null)).toEqual({ kind: "replay", after: 0 });
  });

  it("sends a snapshot instead of replaying more than MAX_REPLAY_EVENTS changes, and replays exactly that many", () => {
    const seq = 50_000;
    expect(planResume({ since: seq - MAX_REPLAY_EVENTS, epoch: "e" }, "e", seq, 1)).toEqual({ kind: "replay", after: seq - MAX_REPLAY_EVENTS });
    expect(planResume({ since: seq - MAX_REPLAY_EVENTS - 1, epoch: "e" }, "e", seq, 1)).toEqual({ kind: "snapshot" });
    expect(planResume({ since: 0, epoch: "e" }, "e", seq, 1)).toEqual({ kind: "snapshot" });
  });
});


describe("the replay budget of one address", () => {
  it("lets an address replay its burst at once, then refuses until the refill covers the ask", () => {
    const budget = new ReplayBudget(1000, 100, 10);
    expect(budget.take("a", 600, 0)).toBe(true);
    expect(budget.take("a", 400, 0)).toBe(true);
    expect(budget.take("a", 1, 0)).toBe(false);
    // 100 bytes a second: after 2.5 s, 250 are back.
    expect(budget.available("a", 2500)).toBe(250);
    expect(budget.take("a", 251, 2500)).toBe(false);
    expect(budget.take("a", 250, 2500)).toBe(true);
    expect(budget.available("a", 2500)).toBe(0);
  });

  it("never refills past the burst, and a refused ask spends nothing", () => {
    const budget = new ReplayBudget(1000, 100, 10);
    expect(budget.take("a", 900, 0)).toBe(true);
    expect(budget.take("a", 500, 1000)).toBe(false);
    expect(budget.available("a", 1000)).toBe(200);
    expect(budget.available("a", 1_000_000)).toBe(1000);
    expect(budget.take("a", 1001, 1_000_000)).toBe(false);
    expect(budget.take("a", 1000, 1_000_000)).toBe(true);
  });

  it("keeps each address's budget apart, and lets an up-to-date client (nothing to replay) through always", () => {
    const budget = new ReplayBudget(1000, 100, 10);
    expect(budget.take("a", 1000, 0)).toBe(true);
    expect(budget.take("a", 0, 0)).toBe(true);
    expect(budget.take("b", 1000, 0)).toBe(true);
    expect(budget.take(null, 1000, 0)).toBe(true);
    expect(budget.take(null, 1, 0)).toBe(false);
    expect(budget.take("fresh", 0, 0)).toBe(true);
    expect(budget.size).toBe(3);
  });

  it("tracks at most its bound of addresses, forgetting those whose budget is whole first", () => {
    const budget = new ReplayBudget(1000, 100, 3);
    expect(budget.take("spent", 1000, 0)).toBe(true);
    expect(budget.take("old", 10, 0)).toBe(true);
    expect(budget.take("b", 10, 0)).toBe(true);
    // At 1 s "old" and "b" are whole again (10 <= 100 refilled); "spent" is not.
    expect(budget.take("c", 10, 1000)).toBe(true);
    expect(budget.size).toBeLessThanOrEqual(3);
    expect(budget.available("spent", 1000)).toBe(100);
    expect(budget.take("spent", 101, 1000)).toBe(false);
    for (let i = 0; i < 50; i++) budget.take(`x${i}`, 1000, 1000);
    expect(budget.size).toBe(3);
  });

  it("forgets nothing while within its bound, even an address whose budget is whole again", () => {
    const budget = new ReplayBudget(1000, 100, 2);
    expect(budget.take("a", 10, 0)).toBe(true);
    expect(budget.take("b", 10, 1000)).toBe(true);
    expect(budget.size).toBe(2);
  });

  it("forgets the address spent from longest ago first, counting a new spend as a use", () => {
    const budget = new ReplayBudget(1000, 100, 2);
    expect(budget.take("a", 500, 0)).toBe(true);
    expect(budget.take("b", 500, 0)).toBe(true);
    expect(budget.take("a", 100, 0)).toBe(true);
    expect(budget.take("c", 500, 0)).toBe(true);
    expect(budget.size).toBe(2);
    expect(budget.available("a", 0)).toBe(400);
    expect(budget.available("b", 0)).toBe(1000);
  });
});
