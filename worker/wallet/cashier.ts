// The account's own money, inside its wallet: deposits and withdrawals (each
// once by its id, its first answer kept), the statement, the limits and the
// self-exclusion, and the check a stake must pass before the wallet takes it.
// Every method is synchronous, so the wallet runs each one, check and write,
// in one transaction.
import { ErrorCode } from "../protocol/codes.ts";
import { type DebitRefusalCode, BET_MONEY_KINDS, EntryKind, depositKey, nextBalance, withdrawalKey } from "../rules/ledger.ts";
import {
  type LimitState,
  type Limits,
  NO_LIMITS,
  dayStart,
  depositFits,
  exclusionEnd,
  isExcluded,
  limitsAt,
  requestLimits,
  stakeFits,
} from "../rules/limits.ts";
import { type Refusal, type Result, ok, refused } from "../rules/result.ts";
import { type StatementEntry, encodeStatementCursor, refOf } from "../rules/statement.ts";
import type { Money } from "../protocol/units.ts";
import type { WalletStore } from "./wallet-store.ts";

const LIMITS = "limits";
const EXCLUDED_UNTIL = "excludedUntil";

export type BalanceAnswer = Result<{ balance: number }, Refusal<ErrorCode>>;
export interface Statement {
  entries: StatementEntry[];
  next?: string;
}

export class Cashier {
  readonly #store: WalletStore;
  readonly #now: () => number;

  constructor(store: WalletStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** Credit `amount` once for `id`: refused while self-excluded or past depositPerDay. */
  deposit(id: string, amount: number): BalanceAnswer {
    return this.#request(id, EntryKind.DEPOSIT, amount, (balance) => {
      const now = this.#now();
      if (isExcluded(this.exclusionEnd(), now)) return ErrorCode.SELF_EXCLUDED;
      const today = this.#store.sumSince([EntryKind.DEPOSIT], dayStart(now));
      if (!depositFits(this.limits().limits, today, amount)) return ErrorCode.LIMIT_REACHED;
      return nextBalance(balance, amount) === null ? ErrorCode.INVALID : null;
    });
  }

  /** Debit `amount` once for `id`: refused when it is more than the balance. Allowed while self-excluded. */
  withdraw(id: string, amount: number): BalanceAnswer {
    return this.#request(id, EntryKind.WITHDRAWAL, amount, (balance) =>
      nextBalance(balance, -amount) === null ? ErrorCode.INSUFFICIENT_FUNDS : null,
    );
  }

  /**
   * The first answer for `id` if it has one (another kind or amount under the
   * same id is ID_REUSED), else `bar`'s refusal or the move, kept as the answer.
   */
  #request(id: string, kind: EntryKind, amount: number, bar: (balance: Money) => ErrorCode | null): BalanceAnswer {
    const store = this.#store;
    const first = store.request(id);
    if (first) {
      if (first.kind !== kind || first.amount !== amount) return refused(ErrorCode.ID_REUSED, "this id was used for another request");
      return first.code === null ? ok({ balance: first.balance }) : refused(first.code as ErrorCode, messageOf(first.code));
    }
    const balance = store.account()?.balance;
    if (balance === undefined) return refused(ErrorCode.NOT_FOUND, "no such account");
    const code = bar(balance);
    const delta = kind === EntryKind.DEPOSIT ? amount : -amount;
    const after = (code === null ? balance + delta : balance) as Money;
    if (code === null) store.append(kind === EntryKind.DEPOSIT ? depositKey(id) : withdrawalKey(id), kind, delta, after, this.#now());
    store.putRequest(id, { kind, amount, code, balance: after });
    return code === null ? ok({ balance: after }) : refused(code, messageOf(code));
  }

  /** Up to `limit` entries numbered below `below` (null: from the newest), and the cursor of the next page if there is one. */
  statement(below: number | null, limit: number): Statement {
    const rows = this.#store.ledgerBelow(below ?? Number.MAX_SAFE_INTEGER, limit + 1);
    const entries = rows.slice(0, limit).map((r) => ({ seq: r.n, ts: r.ts, kind: r.kind, amount: r.amount, balance: r.balanceAfter, ref: refOf(r.key) }));
    return rows.length > limit ? { entries, next: encodeStatementCursor(entries[entries.length - 1].seq) } : { entries };
  }

  /** The limits in force now and the raises still waiting. */
  limits(): LimitState {
    return limitsAt(this.#store.setting<LimitState>(LIMITS) ?? NO_LIMITS, this.#now());
  }

  setLimits(wanted: Limits): LimitState {
    const next = requestLimits(this.limits(), wanted, this.#now());
    this.#store.putSetting(LIMITS, next);
    return next;
  }

  /** Exclude the account for `days` from now; an exclusion already running that ends later stands. */
  exclude(days: number): { until: number } {
    const until = exclusionEnd(this.exclusionEnd(), this.#now(), days);
    this.#store.putSetting(EXCLUDED_UNTIL, until);
    return { until };
  }

  /** When the account's self-exclusion ends (it may have ended already), or null if it never had one. */
  exclusionEnd(): number | null {
    return this.#store.setting<number>(EXCLUDED_UNTIL);
  }

  excluded(): boolean {
    return isExcluded(this.exclusionEnd(), this.#now());
  }

  /** Why a stake of `amount` may not be taken now, if it may not: self-exclusion, then stakePerBet and lossPerDay. */
  stakeBar(amount: number): Exclude<DebitRefusalCode, "INSUFFICIENT_FUNDS" | "SESSION_ENDED"> | null {
    const now = this.#now();
    if (isExcluded(this.exclusionEnd(), now)) return ErrorCode.SELF_EXCLUDED;
    // Money back from bets is positive in the ledger and stakes negative: the day's loss is minus their sum.
    const lossToday = -this.#store.sumSince(BET_MONEY_KINDS, dayStart(now));
    return stakeFits(this.limits().limits, lossToday, amount) ? null : ErrorCode.LIMIT_REACHED;
  }
}

function messageOf(code: string): string {
  switch (code) {
    case ErrorCode.SELF_EXCLUDED:
      return "the account is self-excluded";
    case ErrorCode.LIMIT_REACHED:
      return "this deposit would pass the account's deposit limit for the day";
    case ErrorCode.INSUFFICIENT_FUNDS:
      return "insufficient funds";
    default:
      return "the balance would be too large";
  }
}
