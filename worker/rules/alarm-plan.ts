// When a Durable Object's one alarm should next fire, given every kind of
// timed work it has (reaping included, as one more due time). Pure, so the
// rules (an armed alarm that comes first covers a later need, and is never
// moved; a back-off holds everything) are unit-tested without a clock or storage.

export interface AlarmNeeds {
  now: number;
  /** Times work falls due (null: none of that kind). */
  due: (number | null)[];
  /** The alarm already armed, if any. */
  armedAt: number | null;
  /** A back-off after failed work: no alarm before this. */
  notBefore: number;
}

/** The time to arm the alarm for, or null when the alarm already armed (or none) is right. */
export function planAlarm(n: AlarmNeeds): number | null {
  const due = n.due.filter((t): t is number => t !== null);
  const next = Math.max(Math.min(...due), n.notBefore);
  if (!Number.isFinite(next)) return null;
  // An alarm armed for no later covers this: it plans again when it runs. That includes one whose
  // time has passed: it is about to run (an object woken by its alarm runs its constructor first),
  // and setting another now would cancel that run. Saves a write per bet, too.
  if (n.armedAt !== null && n.armedAt <= next) return null;
  return next;
}
