// Cash out requests: checked by the pure rules (rules/cashout.ts), decided
// in one synchronous transaction that reads the bet and marks it cashed out
// (or smaller, for a part) together with the request, then credited to the
// wallet on the request's own key. The credit is owed work kept in SQLite
// (phase `credit`), finished by the alarm after a crash or a failed call, so
// the decision and the money can never disagree. In play the request waits
// out the bet delay (`held`) and is decided by the alarm, re-checked against
// the market's interruption count exactly as a bet is.
import { AcceptPolicy, BetStatus, MarketStatus } from "../protocol/codes.ts";
import type { CashOutBody, CashOutReplyFrame } from "../protocol/schemas.ts";
import type { AccountId, BetId, Money, Odds } from "../protocol/units.ts";
import { type BetRow, toWireBet } from "../rules/bet-record.ts";
import { CashOutReason, type CashOutQuote, quoteCashOut } from "../rules/cashout.ts";
import type { CashOutTotals } from "../rules/exposure.ts";
import { type MarketState, interruptionsOf, isFinished } from "../rules/market-book.ts";
import { RECONCILE_AFTER_MS } from "./bet-desk.ts";
import { CashOutPhase, type CashOutRow, type CashOutStore } from "./cashout-store.ts";
import { inPool } from "./in-pool.ts";
import type { MoneyParts } from "./money-parts.ts";

/** A credit the wallet did not answer is tried again this much later. */
const RETRY_MS = 1_000;
const PARALLEL = 16;

export interface CashOutDeskDeps extends MoneyParts {
  cashouts: CashOutStore;
  market: () => MarketState;
  schedule: () => void;
  now: () => number;
  /** A cash out changed a bet (cashed out, or a smaller stake left open): the live values follow it. */
  betChanged: (row: BetRow) => void;
}

const keyOf = (account: AccountId, id: string) => `${account}\u0000${id}`;

/** The same request again: the same bet, value, policy and part. Anything else under the id is a reuse. */
function sameAsk(row: CashOutRow, betId: string, body: CashOutBody): boolean {
  return row.betId === betId && row.asked === body.value && row.accept === (body.accept ?? AcceptPolicy.EXACT) && row.part === (body.stake ?? null);
}

/** The bet's selection's current odds, or null when the selection is gone (never, for a bet the market took). */
function currentOdds(market: MarketState, bet: BetRow): Odds | null {
  return market.selections.find((s) => s.id === bet.selectionId)?.odds ?? null;
}

export class CashOutDesk {
  readonly #d: CashOutDeskDeps;
  /** First answers still being worked out (the credit in flight), for a retry of the same id to wait on. */
  readonly #answers = new Map<string, Promise<CashOutReplyFrame>>();
  /** Requests with a wallet call in flight from this instance: the alarm leaves them be. */
  readonly #busy = new Set<string>();

  constructor(deps: CashOutDeskDeps) {
    this.#d = deps;
  }

  /** A punter's cash out request. The same id again answers as the first; another request under it is refused ID_REUSED. */
  /** Is the account's session `session` not logged out? One wallet call: a socket's cash out request asks it first. */
  sessionLive(account: AccountId, session: string): Promise<boolean> {
    return this.#d.wallets.sessionLive(account, session);
  }

  async request(account: AccountId, betId: BetId, body: CashOutBody): Promise<CashOutReplyFrame> {
    const { cashouts, store } = this.#d;
    const known = cashouts.get(account, body.id);
    if (known) {
      if (!sameAsk(known, betId, body)) return { type: "cashout", id: body.id, betId, status: "rejected", reason: "ID_REUSED" };
      return this.#answers.get(keyOf(account, body.id)) ?? this.#reply(known);
    }
    const market = this.#d.market();
    const now = this.#d.now();
    const row: CashOutRow = {
      account,
      id: body.id,
      betId,
      asked: body.value as Money,
      accept: body.accept ?? AcceptPolicy.EXACT,
      part: (body.stake ?? null) as Money | null,
      status: "pending",
      phase: CashOutPhase.HELD,
      reason: null,
      value: null,
      stake: null,
      askedUnder: interruptionsOf(market),
      createdAt: now,
      dueAt: market.betDelayMs > 0 ? now + market.betDelayMs : null,
    };
    const first = this.#quote(store.getBet(account, betId), market, row);
    if (!first.ok || row.dueAt === null) {
      // Decided now: the check and the mark in one transaction, with nothing awaited between them.
      return this.#answering(row, () => this.#decide(row, false));
    }
    cashouts.put(row);
    this.#d.schedule();
    return this.#reply(row);
  }

  /** Alarm work: delays that ended, credits a crash or a failed call left owed. Returns how many credits are still owed. */
  async reconcile(): Promise<number> {
    const { cashouts } = this.#d;
    const now = this.#d.now();
    const jobs: (() => Promise<unknown>)[] = [];
    for (const row of cashouts.inPhase(CashOutPhase.HELD)) if ((row.dueAt ?? 0) <= now) jobs.push(() => this.#decide(row, true));
    for (const row of cashouts.inPhase(CashOutPhase.CREDIT)) {
      if (!this.#busy.has(keyOf(row.account, row.id))) jobs.push(() => this.#credit(row, true));
    }
    await inPool(jobs, PARALLEL, (job) => job());
    return cashouts.inPhase(CashOutPhase.CREDIT).filter((r) => !this.#busy.has(keyOf(r.account, r.id))).length;
  }

  /** In the settlement's transaction: cash outs still in their delay are decided (refused MARKET_CLOSED) by the next alarm. */
  marketSettled(at: number): void {
    this.#d.cashouts.makeHeldDue(at);
  }

  /** Every cash out done on the market, summed: what the book's exposure counts. */
  totals(): CashOutTotals {
    const all = this.#d.cashouts.totals();
    return { count: all.reduce((n, r) => n + r.count, 0), stake: all.reduce((n, r) => n + r.stake, 0), value: all.reduce((n, r) => n + r.value, 0) };
  }

  nextDue(): number | null {
    return this.#d.cashouts.nextDue(RECONCILE_AFTER_MS);
  }

  /** The rules' answer for this request against the bet and the market as they are now. */
  #quote(bet: BetRow | null, market: MarketState, row: CashOutRow): CashOutQuote {
    if (!bet) return { ok: false, reason: CashOutReason.NOT_OPEN_BET };
    // A settled or voided market: whatever its bet became, it is closed to cash outs.
    if (isFinished(market)) return { ok: false, reason: CashOutReason.MARKET_CLOSED, value: null };
    const odds = currentOdds(market, bet);
    if (odds === null) return { ok: false, reason: CashOutReason.NOT_OPEN_BET };
    // Something material happened since the request (a suspension, going in play), even if undone since.
    if (interruptionsOf(market) !== row.askedUnder && market.status === MarketStatus.OPEN && bet.status === BetStatus.ACCEPTED) {
      return { ok: false, reason: CashOutReason.MARKET_SUSPENDED, value: null };
    }
    return quoteCashOut(bet, { status: market.status, currentOdds: odds }, { value: row.asked, accept: row.accept, ...(row.part === null ? {} : { part: row.part }) });
  }

  /**
   * Decide the request: read the bet and the market, and in the same
   * transaction either refuse it or mark the bet (cashed out, or its rest
   * left open) with the credit owed. The object is single-threaded and this
   * runs without an await, so a suspension or the settlement lands wholly
   * before or wholly after it: the bet is settled or cashed out, never both.
   */
  async #decide(row: CashOutRow, late: boolean): Promise<CashOutReplyFrame> {
    const { store, cashouts } = this.#d;
    let changed: BetRow | null = null;
    const decided = store.transact((): CashOutRow => {
      const latest = cashouts.get(row.account, row.id);
      if (latest && latest.phase !== CashOutPhase.HELD) return latest;
      const bet = store.getBet(row.account, row.betId);
      const quote = this.#quote(bet, this.#d.market(), row);
      if (!quote.ok || !bet) {
        const refused: CashOutRow = { ...row, status: "rejected", phase: CashOutPhase.DONE, reason: quote.ok ? CashOutReason.NOT_OPEN_BET : quote.reason, value: quote.ok ? null : (quote.value ?? null), dueAt: null };
        cashouts.put(refused);
        return refused;
      }
      const now = this.#d.now();
      changed =
        quote.restStake === 0
          ? { ...bet, status: BetStatus.CASHED_OUT, payout: quote.value, settledAt: now, version: bet.version + 1 }
          : { ...bet, stake: quote.restStake, payout: quote.restPayout, version: bet.version + 1 };
      store.putBet(changed);
      const done: CashOutRow = { ...row, status: "done", phase: CashOutPhase.CREDIT, value: quote.value, stake: quote.part, dueAt: null };
      cashouts.put(done);
      return done;
    });
    if (changed) this.#d.betChanged(changed);
    if (decided.phase === CashOutPhase.CREDIT) {
      await this.#d.checkpoint("cashout:decided");
      await this.#credit(decided, false);
    }
    const reply = this.#reply(decided);
    if (late) this.#d.notify(row.account, reply);
    return reply;
  }

  /** Credit the value on the request's key; once the wallet has answered, the request is done. */
  async #credit(row: CashOutRow, late: boolean): Promise<void> {
    const { store, cashouts, wallets } = this.#d;
    const key = keyOf(row.account, row.id);
    const bet = store.getBet(row.account, row.betId);
    if (!bet || row.value === null) throw new Error(`cash out ${row.id} owes a credit for a bet the hub does not hold`);
    const marketId = this.#d.market().id;
    this.#busy.add(key);
    try {
      const result = await wallets.creditCashOut(row.account, marketId, row.betId, row.id, row.value, { bet: toWireBet(bet, marketId), version: bet.version });
      await this.#d.checkpoint("cashout:credited");
      const latest = cashouts.get(row.account, row.id);
      if (latest?.phase === CashOutPhase.CREDIT) cashouts.put({ ...latest, phase: CashOutPhase.DONE, dueAt: null });
      store.markSynced(row.account, row.betId, bet.version);
      if (result.ok && !result.value.replayed) this.#d.notify(row.account, { type: "balance", balance: result.value.balance, asOf: result.value.asOf });
      if (late && result.ok && !result.value.replayed) this.#d.notify(row.account, this.#reply({ ...row, phase: CashOutPhase.DONE }));
    } catch {
      // The wallet's answer is unknown: the credit stays owed, asked again on its key shortly.
      const latest = cashouts.get(row.account, row.id);
      if (latest?.phase === CashOutPhase.CREDIT) cashouts.put({ ...latest, dueAt: this.#d.now() + RETRY_MS });
      this.#d.schedule();
    } finally {
      this.#busy.delete(key);
    }
  }

  async #answering(row: CashOutRow, flow: () => Promise<CashOutReplyFrame>): Promise<CashOutReplyFrame> {
    const key = keyOf(row.account, row.id);
    const answer = flow();
    this.#answers.set(key, answer);
    try {
      return await answer;
    } finally {
      this.#answers.delete(key);
    }
  }

  #reply(row: CashOutRow): CashOutReplyFrame {
    const reply: CashOutReplyFrame = { type: "cashout", id: row.id, betId: row.betId, status: row.status };
    if (row.status === "done") {
      reply.value = row.value;
      reply.stake = row.stake ?? undefined;
    }
    if (row.status === "rejected") {
      reply.reason = row.reason ?? undefined;
      if (row.reason === CashOutReason.ODDS_CHANGED || row.reason === CashOutReason.MARKET_SUSPENDED || row.reason === CashOutReason.MARKET_CLOSED) reply.value = row.value;
    }
    const bet = this.#d.store.getBet(row.account, row.betId);
    if (bet && row.status !== "rejected") reply.bet = toWireBet(bet, this.#d.market().id);
    return reply;
  }
}
