// Responsible-gambling limits and self-exclusion, pure: which limits are in
// force at a moment, what a change request does (lower at once, higher or
// removed only after RAISE_DELAY_MS), the day a limit counts over, and whether
// a deposit or a stake passes. The wallet applies these inside the same
// transaction that moves the money.

export const LimitName = { DEPOSIT_PER_DAY: "depositPerDay", LOSS_PER_DAY: "lossPerDay", STAKE_PER_BET: "stakePerBet" } as const;
export type LimitName = (typeof LimitName)[keyof typeof LimitName];
export const LIMIT_NAMES: readonly LimitName[] = Object.values(LimitName);

export const DAY_MS = 86_400_000;
/** A raise or a removal waits this long; a lowering applies at once. */
export const RAISE_DELAY_MS = DAY_MS;
export const MAX_EXCLUSION_DAYS = 3650;

/** A limit absent is no limit. */
export type Limits = Partial<Record<LimitName, number>>;
/** A raise waiting for its time: `value` null removes the limit. */
export interface PendingLimit {
  value: number | null;
  at: number;
}
export interface LimitState {
  limits: Limits;
  pending: Partial<Record<LimitName, PendingLimit>>;
}

export const NO_LIMITS: LimitState = { limits: {}, pending: {} };

/** The state as it stands at `now`: every pending raise whose time has come is in force. */
export function limitsAt(state: LimitState, now: number): LimitState {
  const limits: Limits = { ...state.limits };
  const pending: LimitState["pending"] = {};
  for (const name of LIMIT_NAMES) {
    const p = state.pending[name];
    if (!p) continue;
    if (p.at > now) pending[name] = p;
    else if (p.value === null) delete limits[name];
    else limits[name] = p.value;
  }
  return { limits, pending };
}

/**
 * Ask for `wanted` (the whole set: a name left out asks for no limit). Per
 * limit: one lower than or equal to the one in force applies at once and
 * drops any raise waiting; a higher one or a removal waits RAISE_DELAY_MS,
 * and asking again for the raise already waiting keeps its time.
 */
export function requestLimits(state: LimitState, wanted: Limits, now: number): LimitState {
  const current = limitsAt(state, now);
  const limits: Limits = { ...current.limits };
  const pending: LimitState["pending"] = {};
  for (const name of LIMIT_NAMES) {
    // No limit is an infinite one: any limit is lower.
    const want = wanted[name] ?? Infinity;
    const have = current.limits[name] ?? Infinity;
    if (want <= have) {
      if (want === Infinity) delete limits[name];
      else limits[name] = want;
    } else {
      const value = want === Infinity ? null : want;
      const waiting = current.pending[name];
      pending[name] = waiting && waiting.value === value ? waiting : { value, at: now + RAISE_DELAY_MS };
    }
  }
  return { limits, pending };
}

/** The start of the UTC day `now` falls in: limits per day count from it. */
export function dayStart(now: number): number {
  return now - (now % DAY_MS);
}

/** May a deposit of `amount` go through, with `depositedToday` already deposited this UTC day? */
export function depositFits(limits: Limits, depositedToday: number, amount: number): boolean {
  return depositedToday + amount <= (limits.depositPerDay ?? Infinity);
}

/**
 * May a stake of `stake` be taken? Not past stakePerBet, and not when the
 * day's loss with it would pass lossPerDay. `lossToday` is what this UTC day's
 * stakes took minus what its payouts, refunds and cash outs gave back (negative
 * after a winning day).
 */
export function stakeFits(limits: Limits, lossToday: number, stake: number): boolean {
  return stake <= (limits.stakePerBet ?? Infinity) && lossToday + stake <= (limits.lossPerDay ?? Infinity);
}

/** The end of a self-exclusion asked for `days` from `now`: never earlier than the one already running. */
export function exclusionEnd(current: number | null, now: number, days: number): number {
  return Math.max(current ?? 0, now + days * DAY_MS);
}

/** Is the account excluded at `now`? */
export function isExcluded(until: number | null, now: number): boolean {
  return now < (until ?? 0);
}
