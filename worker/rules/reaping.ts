// Reaping silent sockets without waking a quiet object on a fixed period.
// Pure: given when each socket was last heard from, decide which to close now
// and when the next pass is needed. A socket whose pings are on schedule needs
// no alarm of its own (the runtime answers its pings without waking the
// object); only a socket already overdue, or never heard from, sets one.

/** The contract: the server may close a socket that sent nothing for 60 s. */
export const IDLE_MS = 60_000;
/** Clients ping about every 20 s: heard from within this long, a socket's pings are on schedule. */
export const PING_DUE_MS = 30_000;
/** With every socket on schedule, a pass still runs this often: the safety sweep. */
export const SWEEP_MS = 270_000;
/** A pass on a wake that happens anyway (an alarm for other work) runs at most this often. */
export const PASS_GAP_MS = 10_000;
/**
 * A look planned for when a socket can first be idle comes this much after:
 * an alarm's handler can read a clock a hair before the alarm's time, and the
 * socket must then be past the bound, not just short of it.
 */
export const CHECK_SLACK_MS = 1_000;
/** The latest a silent socket is closed after it was last heard from: PING_DUE_MS + SWEEP_MS. */
export const IDLE_BOUND_MS = PING_DUE_MS + SWEEP_MS;

export interface SocketTimes {
  /** The last time the socket was heard from: a ping, a frame, or its connect. */
  heardAt: number;
  /** Whether anything was heard since the connect (a ping or a frame). */
  spoke: boolean;
  /** When the session behind the socket ends; null for a socket without one. */
  expiresAt: number | null;
}

export type Verdict = { close: "idle" | "expired" } | { checkAt: number | null };

/** Close the socket now, or the time it must be looked at again (null: the sweep covers it). */
export function judgeSocket(s: SocketTimes, now: number): Verdict {
  if (s.expiresAt !== null && now >= s.expiresAt) return { close: "expired" };
  if (now - s.heardAt >= IDLE_MS) return { close: "idle" };
  const onSchedule = s.spoke && now - s.heardAt <= PING_DUE_MS;
  const checks = [onSchedule ? null : s.heardAt + IDLE_MS + CHECK_SLACK_MS, s.expiresAt].filter((t): t is number => t !== null);
  return { checkAt: checks.length > 0 ? Math.min(...checks) : null };
}

/** When the next pass is needed after one at `now`: the earliest check, and the sweep while sockets stay open. */
export function nextPass(now: number, checks: number[], open: number): number | null {
  if (open === 0) return null;
  return Math.min(now + SWEEP_MS, ...checks);
}
