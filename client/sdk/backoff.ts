// Reconnect delays: exponential with full jitter (AWS Architecture Blog,
// "Exponential Backoff and Jitter"), so a server restart is not met by every
// client reconnecting in the same instant.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** 0 <= random() < 1; injectable for tests. */
  random: () => number;
}

/** The wait before reconnect attempt `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const ceiling = Math.min(o.capMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(o.random() * ceiling);
}
