// When a Durable Object's one alarm should next fire, given every kind of
// timed work it has. Pure, so the rules (an earlier alarm covers a later
// need; reaping never forces a new alarm; a back-off holds everything) are
// unit-tested without a clock or storage.

export interface AlarmNeeds {
  now: number;
  /** Times work falls due (null: none of that kind). */
  due: (number | null)[];
  /** The alarm already armed, if any. */
  armedAt: number | null;
  /** Sockets are open, so idle ones must be reaped every `reapEveryMs`, not before `reapAt`. */
  sockets: boolean;
  reapAt: number;
  reapEveryMs: number;
  /** A back-off after failed work: no alarm before this. */
  notBefore: number;
}

/** The time to arm the alarm for, or null when the alarm already armed (or none) is right. */
export function planAlarm(n: AlarmNeeds): number | null {
  const due = n.due.filter((t): t is number => t !== null);
  // Reaping is never due sooner than reapEveryMs from now, so an alarm already armed before
  // then covers it: the alarm, when it runs, plans again with the socket count.
  const armedSoon = n.armedAt !== null && n.armedAt > n.now && n.armedAt <= n.now + n.reapEveryMs;
  if (!armedSoon && n.sockets) due.push(Math.max(n.reapAt, n.now + n.reapEveryMs));
  const next = Math.max(Math.min(...due), n.notBefore);
  if (!Number.isFinite(next)) return null;
  // An earlier alarm still to come covers this: it plans again when it runs. Saves a write per bet.
  if (n.armedAt !== null && n.armedAt <= next && n.armedAt > n.now) return null;
  return next;
}
