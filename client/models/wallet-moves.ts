// The account page's wallet: statement pages, deposit and withdraw, limits and
// self-exclusion, each through the SDK. A route the server has not deployed
// (404) marks its part "unavailable" rather than failing the page.
import { signal, type ReadonlySignal } from "@preact/signals";
import { formatMoney, formatTime } from "../format.ts";
import { ApiError, newBetId, type EdgebookApi, type LimitName, type LimitsState, type Limits, type StatementEntry } from "../sdk/index.ts";

/** What the wallet needs of the session (the app's Session is one). */
export interface WalletSession {
  readonly api: ReadonlySignal<EdgebookApi>;
  setBalance(balance: number): void;
  refresh(): Promise<void>;
}

export const LIMIT_NAMES: readonly (readonly [LimitName, string])[] = [
  ["depositPerDay", "Deposits per day"],
  ["lossPerDay", "Losses per day"],
  ["stakePerBet", "Stake per bet"],
];

/** Each pending raise or removal as a sentence: the new value (or "no limit") and when it applies, when the server says. */
export function pendingLines(state: LimitsState): string[] {
  const pending = state.pending;
  if (!pending) return [];
  const lines: string[] = [];
  for (const [key, label] of LIMIT_NAMES) {
    const p = pending[key];
    if (p === undefined) continue;
    lines.push(`${label}: ${p.value === null ? "no limit" : formatMoney(p.value)} from ${formatTime(p.at)}`);
  }
  return lines;
}

export type Availability = "unknown" | "available" | "unavailable";

function missing(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

/** A money move's idempotency key: one per submit, kept while that submit is retried. */
export function newMoveId(): string {
  return newBetId().replace(/^b_/, "m_");
}

/** One form's submit in flight or failed: the same id goes again on "Try again". */
interface Attempt {
  id: string;
  amount: number;
}

export class MoneyMove {
  readonly kind: "deposit" | "withdraw";
  readonly busy = signal(false);
  readonly error = signal<unknown>(null);
  readonly done = signal<number | null>(null);
  /** The failed submit a retry sends again, when the failure leaves its outcome unknown. */
  readonly retryable = signal<Attempt | null>(null);
  readonly #wallet: WalletMoves;

  constructor(kind: "deposit" | "withdraw", wallet: WalletMoves) {
    this.kind = kind;
    this.#wallet = wallet;
  }

  /** A new submit: a fresh id. */
  submit(amount: number): Promise<void> {
    return this.#send({ id: newMoveId(), amount });
  }

  /** The failed submit again, under its own id, so the server credits or debits it at most once. */
  retry(): Promise<void> {
    const attempt = this.retryable.peek();
    return attempt ? this.#send(attempt) : Promise.resolve();
  }

  async #send(attempt: Attempt): Promise<void> {
    this.busy.value = true;
    this.error.value = null;
    this.done.value = null;
    try {
      const api = this.#wallet.api();
      const balance = this.kind === "deposit" ? await api.deposit(attempt.id, attempt.amount) : await api.withdraw(attempt.id, attempt.amount);
      this.retryable.value = null;
      this.done.value = attempt.amount;
      this.#wallet.moved(balance);
    } catch (err) {
      if (missing(err)) this.#wallet.money.value = "unavailable";
      this.error.value = err;
      this.retryable.value = err instanceof ApiError && err.retryable ? attempt : null;
    } finally {
      this.busy.value = false;
    }
  }
}

export class WalletMoves {
  readonly statement = signal<StatementEntry[]>([]);
  readonly next = signal<string | undefined>(undefined);
  readonly statementState = signal<Availability>("unknown");
  readonly statementError = signal<unknown>(null);
  readonly statementBusy = signal(false);
  /** Deposit and withdraw: known unavailable once either answered 404. */
  readonly money = signal<Availability>("unknown");
  readonly deposit = new MoneyMove("deposit", this);
  readonly withdraw = new MoneyMove("withdraw", this);
  readonly limits = signal<LimitsState | null>(null);
  readonly limitsState = signal<Availability>("unknown");
  readonly limitsError = signal<unknown>(null);
  readonly limitsSaved = signal(false);
  readonly exclusionState = signal<Availability>("unknown");
  readonly exclusionError = signal<unknown>(null);
  /** Days of the exclusion this page set. */
  readonly excludedDays = signal<number | null>(null);
  readonly #session: WalletSession;

  constructor(session: WalletSession) {
    this.#session = session;
  }

  api(): EdgebookApi {
    return this.#session.api.peek();
  }

  /** Everything the page shows, from the start; the bets come from My bets' own model. */
  async load(): Promise<void> {
    this.statement.value = [];
    this.next.value = undefined;
    await Promise.all([this.more(), this.loadLimits(), this.#session.refresh()]);
  }

  /** The next page of the statement (the first when none is shown). */
  async more(): Promise<void> {
    this.statementBusy.value = true;
    try {
      const page = await this.api().statement(this.next.peek());
      this.statement.value = [...this.statement.peek(), ...page.entries];
      this.next.value = page.next;
      this.statementState.value = "available";
      this.statementError.value = null;
    } catch (err) {
      if (missing(err)) this.statementState.value = "unavailable";
      else this.statementError.value = err;
    } finally {
      this.statementBusy.value = false;
    }
  }

  async loadLimits(): Promise<void> {
    try {
      this.limits.value = await this.api().limits();
      this.limitsState.value = "available";
      this.limitsError.value = null;
    } catch (err) {
      if (missing(err)) this.limitsState.value = "unavailable";
      else this.limitsError.value = err;
    }
  }

  async saveLimits(limits: Limits): Promise<void> {
    this.limitsSaved.value = false;
    try {
      await this.api().setLimits(limits);
      this.limitsError.value = null;
      this.limitsSaved.value = true;
      await this.loadLimits();
    } catch (err) {
      if (missing(err)) this.limitsState.value = "unavailable";
      this.limitsError.value = err;
    }
  }

  async exclude(days: number): Promise<void> {
    try {
      await this.api().exclude(days);
      this.excludedDays.value = days;
      this.exclusionError.value = null;
    } catch (err) {
      if (missing(err)) this.exclusionState.value = "unavailable";
      this.exclusionError.value = err;
    }
  }

  /** A deposit or withdrawal answered: the header's balance and the statement's first page follow it. */
  moved(balance: number): void {
    this.money.value = "available";
    this.#session.setBalance(balance);
    this.statement.value = [];
    this.next.value = undefined;
    void this.more();
  }
}
