import { describe, expect, it } from "vitest";
import { MAX_REPLAY_EVENTS, planResume } from "../../../worker/rules/resume.ts";

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
  });

  it("sends a snapshot instead of replaying more than MAX_REPLAY_EVENTS changes, and replays exactly that many", () => {
    const seq = 50_000;
    expect(planResume({ since: seq - MAX_REPLAY_EVENTS, epoch: "e" }, "e", seq, 1)).toEqual({ kind: "replay", after: seq - MAX_REPLAY_EVENTS });
    expect(planResume({ since: seq - MAX_REPLAY_EVENTS - 1, epoch: "e" }, "e", seq, 1)).toEqual({ kind: "snapshot" });
    expect(planResume({ since: 0, epoch: "e" }, "e", seq, 1)).toEqual({ kind: "snapshot" });
  });
});

