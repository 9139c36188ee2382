// The account statement, pure: a ledger row as the punter reads it (the
// reference its key names) and the opaque cursor that pages it, newest first.
import type { EntryKind } from "./ledger.ts";

export interface StatementEntry {
  seq: number;
  ts: number;
  kind: EntryKind;
  /** Signed: a credit is positive, a debit negative. */
  amount: number;
  /** The balance after this entry. */
  balance: number;
  /** What the entry is for: `marketId/betId` for a bet's money, the request id for a deposit or withdrawal. */
  ref: string;
}

/** The reference a ledger key names: the part after its kind (`stake:m-1/bet-1` -> `m-1/bet-1`). */
export function refOf(key: string): string {
  return key.slice(key.indexOf(":") + 1);
}

/**
 * Opaque to clients: the seq the next page starts below, base64 of `s<seq>`
 * without padding. `s` and digits never make a `+` or `/`, so it is URL-safe.
 */
export function encodeStatementCursor(seq: number): string {
  return btoa(`s${seq}`).replace(/=/g, "");
}

/** The seq a cursor this server gave starts below, or null for anything else. */
export function decodeStatementCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9]{1,24}$/.test(cursor)) return null;
  let text: string;
  // Stryker disable BlockStatement: equivalent; with an empty catch `text` stays undefined, which the pattern below refuses too.
  try {
    text = atob(cursor);
  } catch {
    return null;
  }
  // Stryker restore BlockStatement
  const m = /^s([1-9]\d{0,15})$/.exec(text);
  return m && Number.isSafeInteger(Number(m[1])) ? Number(m[1]) : null;
}
