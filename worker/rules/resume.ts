// Where a reconnecting client picks up: replay from the log, or a snapshot.
// Pure, so every edge (gap, wrong epoch, a position older than the log) is
// unit-tested without a socket.

export interface ResumeAsk {
  since: number;
  epoch: string;
}

export type ResumePlan = { kind: "replay"; after: number } | { kind: "snapshot" };

/**
 * The most events one resume replays. Further behind, one snapshot (a few
 * hundred bytes) says the same as the whole run of changes: a client back
 * from seq 0 on a long market no longer pulls megabytes through the hub.
 */
export const MAX_REPLAY_EVENTS = 1_000;

/**
 * Replay when the client names this log (epoch) and a position the log still
 * covers, at most MAX_REPLAY_EVENTS behind: every event after `since` is held
 * if the oldest held event is at most `since + 1`, or if the client is
 * already up to date.
 */
export function planResume(ask: ResumeAsk | null, epoch: string, seq: number, oldestHeld: number | null): ResumePlan {
  if (!ask || ask.epoch !== epoch) return { kind: "snapshot" };
  if (!Number.isSafeInteger(ask.since) || ask.since < 0 || ask.since > seq) return { kind: "snapshot" };
  if (ask.since === seq) return { kind: "replay", after: seq };
  if (seq - ask.since > MAX_REPLAY_EVENTS) return { kind: "snapshot" };
  if (oldestHeld === null || oldestHeld > ask.since + 1) return { kind: "snapshot" };
  return { kind: "replay", after: ask.since };
}

/** Keep at least this many events per market, and everything younger than RETAIN_MS. */
export const RETAIN_EVENTS = 10_000;
export const RETAIN_MS = 24 * 60 * 60 * 1000;
