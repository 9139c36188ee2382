import { describe, expect, it } from "vitest";
import { CHECK_SLACK_MS, IDLE_BOUND_MS, IDLE_MS, PING_DUE_MS, SWEEP_MS, judgeSocket, nextPass } from "../../../worker/rules/reaping.ts";

const now = 1_000_000;

describe("reaping silent sockets", () => {
  it("closes a socket heard from 60 s ago or more, and keeps one heard from just under", () => {
    expect(judgeSocket({ heardAt: now - IDLE_MS, spoke: true, expiresAt: null }, now)).toEqual({ close: "idle" });
    expect(judgeSocket({ heardAt: now - IDLE_MS + 1, spoke: true, expiresAt: null }, now)).toEqual({ checkAt: now + 1 + CHECK_SLACK_MS });
  });

  it("sets no check for a socket whose pings are on schedule: the sweep covers it", () => {
    expect(judgeSocket({ heardAt: now - 20_000, spoke: true, expiresAt: null }, now)).toEqual({ checkAt: null });
    expect(judgeSocket({ heardAt: now - PING_DUE_MS, spoke: true, expiresAt: null }, now)).toEqual({ checkAt: null });
  });

  it("looks again just after an overdue socket, or one never heard from, can first be idle", () => {
    expect(judgeSocket({ heardAt: now - PING_DUE_MS - 1, spoke: true, expiresAt: null }, now)).toEqual({ checkAt: now - PING_DUE_MS - 1 + IDLE_MS + CHECK_SLACK_MS });
    expect(judgeSocket({ heardAt: now - 1000, spoke: false, expiresAt: null }, now)).toEqual({ checkAt: now - 1000 + IDLE_MS + CHECK_SLACK_MS });
  });

  it("closes a socket whose session has ended, and looks again when it will end", () => {
    expect(judgeSocket({ heardAt: now, spoke: true, expiresAt: now }, now)).toEqual({ close: "expired" });
    expect(judgeSocket({ heardAt: now, spoke: true, expiresAt: now + 5000 }, now)).toEqual({ checkAt: now + 5000 });
    expect(judgeSocket({ heardAt: now, spoke: false, expiresAt: now + IDLE_MS * 2 }, now)).toEqual({ checkAt: now + IDLE_MS + CHECK_SLACK_MS });
  });

  it("plans the next pass at the earliest check, at the latest one sweep away, and none with no socket", () => {
    expect(nextPass(now, [], 3)).toBe(now + SWEEP_MS);
    expect(nextPass(now, [now + 40_000, now + 20_000], 3)).toBe(now + 20_000);
    expect(nextPass(now, [], 0)).toBeNull();
  });

  it("bounds the silence before a close at the ping allowance plus one sweep, far from the old 30 s period", () => {
    expect(IDLE_BOUND_MS).toBe(PING_DUE_MS + SWEEP_MS);
    expect(SWEEP_MS).toBeGreaterThan(IDLE_MS);
  });
});
