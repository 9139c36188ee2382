// The wallet Durable Object: one per account. Each method runs its key check,
// balance check, ledger row and new balance in one synchronous transaction:
// no await between check and write, so no other call can interleave (the
// object is single-threaded and the input gate holds other events until the
// method returns).
import { DurableObject } from "cloudflare:workers";
import { ErrorCode, type Role } from "../protocol/codes.ts";
import type { Account, Bet } from "../protocol/schemas.ts";
import type { Money } from "../protocol/units.ts";
import { FaultPoints } from "../platform/fault-points.ts";
import { type BetUpdate, type DebitItem, EntryKind, type MoneyResult, type SettleItem, type Settled } from "../rules/ledger.ts";
import { decodeBetCursor, encodeBetCursor } from "../rules/bet-page.ts";
import type { LimitState, Limits } from "../rules/limits.ts";
import { type Result, ok, refused } from "../rules/result.ts";
import { type BalanceAnswer, Cashier, type Statement } from "./cashier.ts";
import { type LedgerEntry, WalletStore } from "./wallet-store.ts";
import { AlarmClock } from "../platform/alarm-clock.ts";
import { log } from "../log.ts";
import type { Multiple, MultipleBody } from "../protocol/multiples.ts";
import type { LegResult } from "../rules/multiple.ts";
import { MultipleDesk } from "./multiple-desk.ts";
import { BetMoney } from "./bet-money.ts";

export class Wallet extends DurableObject<Env> {
  readonly #store: WalletStore;
  /** Tests arm crashes here through runInDurableObject; an instance field, so not callable over RPC. */
  readonly faults: FaultPoints;
  /**
   * The wallet's clock: ledger times, the day limits count over, pending
   * raises and self-exclusion all read it. Tests move it through
   * runInDurableObject; an instance field, so not callable over RPC.
   */
  now: () => number = () => Date.now();
  readonly #cashier: Cashier;
  /** The account's multiples (multiple-desk.ts); an instance field, so tests can read its store. */
  readonly multiples: MultipleDesk;
  readonly #clock: AlarmClock;
  readonly #money: BetMoney;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new WalletStore(ctx.storage);
    this.faults = new FaultPoints(ctx);
    this.#cashier = new Cashier(this.#store, () => this.now());
    this.#money = new BetMoney(this.#store, this.#cashier, () => this.now());
    this.#clock = new AlarmClock(ctx.storage);
    const hub = (marketId: string) => env.MARKET_HUB.getByName(marketId);
    this.multiples = new MultipleDesk(ctx.storage.sql, {
      wallet: this.#store,
      cashier: this.#cashier,
      legs: { accept: (m, a, id, ask) => hub(m).acceptLeg(a, id, ask), release: (m, a, id) => hub(m).releaseLeg(a, id) },
      checkpoint: (point) => this.faults.hit(point),
      arm: (at) => this.#clock.arm([at]),
      now: () => this.now(),
    });
  }

  /** Place a multiple (this wallet coordinates it); the same id again answers as it stands. */
  placeMultiple(body: MultipleBody): Promise<Result<Multiple>> {
    return this.multiples.place(body);
  }

  /** A page of the account's multiples, newest first. */
  listMultiples(limit: number, cursor?: string): Result<{ multiples: Multiple[]; next?: string }> {
    return this.multiples.list(limit, cursor);
  }

  /** A market tells the result of one of this account's legs; applied once. */
  multipleLegResult(multipleId: string, marketId: string, result: LegResult): Promise<void> {
    return this.multiples.legResult(multipleId, marketId, result);
  }

  /** Multiples a crash or an unanswering market left unfinished. */
  override async alarm(): Promise<void> {
    this.#clock.fired();
    let behind = true;
    try {
      behind = (await this.multiples.reconcile()) > 0;
    } catch (err) {
      log.error("wallet.alarm", err, { account: this.#store.account()?.accountId });
    } finally {
      this.#clock.finished(behind);
      this.#clock.arm([this.multiples.nextDue()]);
    }
  }

  /**
   * Create the account once, with its opening grant; later calls return it as
   * it is. Every new session goes through here, so a self-excluded account is
   * refused its sessions here (SELF_EXCLUDED, 403): the wallet is the one
   * place the exclusion is kept.
   */
  open(accountId: string, name: string, role: Role, grant: number): Result<Account> {
    const store = this.#store;
    const refusal = store.transact(() => {
      if (store.account()) return this.#cashier.excluded() ? refused(ErrorCode.SELF_EXCLUDED, "the account is self-excluded") : null;
      store.createAccount(accountId, name, role, this.now());
      if (grant > 0) store.append("grant:opening", EntryKind.GRANT, grant, grant as Money, this.now());
      return null;
    });
    return refusal ?? this.account();
  }

  /**
   * Refuse the session `jti` from now until it expires (`expiresAt`, ms:
   * the token's own expiry, on the real clock, not the wallet's test clock).
   * A guest's logouts are kept only here; a registered account's are kept by
   * its account object and here too, so its sockets' stake debits see them.
   */
  revokeSession(jti: string, expiresAt: number): void {
    this.#store.revokeSession(jti, expiresAt, Date.now());
  }

  /** Is the session `jti` still good (not logged out)? */
  sessionLive(jti: string): boolean {
    return !this.#store.sessionRevoked(jti);
  }

  deposit(id: string, amount: number): BalanceAnswer {
    return this.#store.transact(() => this.#cashier.deposit(id, amount));
  }

  withdraw(id: string, amount: number): BalanceAnswer {
    return this.#store.transact(() => this.#cashier.withdraw(id, amount));
  }

  /** Up to `limit` ledger entries numbered below `below` (null: the newest), newest first. */
  statement(below: number | null, limit: number): Statement {
    return this.#cashier.statement(below, limit);
  }

  limits(): LimitState {
    return this.#cashier.limits();
  }

  setLimits(wanted: Limits): LimitState {
    return this.#store.transact(() => this.#cashier.setLimits(wanted));
  }

  exclude(days: number): { until: number } {
    return this.#store.transact(() => this.#cashier.exclude(days));
  }

  /** When the self-exclusion ends, if one is running now. */
  exclusion(): { until: number | null } {
    return { until: this.#cashier.excluded() ? this.#cashier.exclusionEnd() : null };
  }

  /** Is the account self-excluded now? The hub asks at the end of a bet's in-play delay. */
  async excluded(): Promise<boolean> {
    await this.faults.hit("wallet:before-commit", "excluded");
    return this.#cashier.excluded();
  }

  account(): Result<Account> {
    const a = this.#store.account();
    if (!a) return refused(ErrorCode.NOT_FOUND, "no such account");
    return ok({ id: a.accountId, name: a.name, role: a.role, balance: a.balance });
  }

  /**
   * Take a bet's stake. Replays the first answer for the same bet; refuses a
   * bet id this account already used on another market, naming that bet.
   */
  async debitStake(marketId: string, betId: string, amount: number, update: BetUpdate): Promise<MoneyResult> {
    await this.faults.hit("wallet:before-commit", "debitStake");
    const result = this.#store.transact(() => this.#money.debit(marketId, betId, amount, update));
    await this.faults.hit("wallet:committed");
    return result;
  }

  /**
   * Take the stakes of several of this account's bets on one market in one
   * transaction (a hub's group commit): each item exactly as debitStake would
   * take it alone, in order, so the account's limits and self-exclusion see
   * the items before it, and each once by its bet's key. One answer per item.
   * `records`: the account's bets the hub finished since its last call (their
   * new state moves no money), kept in the same transaction.
   */
  async debitStakes(marketId: string, items: DebitItem[], records: BetUpdate[] = []): Promise<MoneyResult[]> {
    await this.faults.hit("wallet:before-commit", "debitStakes");
    const results = this.#store.transact(() => {
      this.#money.record(records);
      return items.map((i) => this.#money.debit(marketId, i.betId, i.amount, i.update, i.session));
    });
    await this.faults.hit("wallet:committed");
    return results;
  }

  /**
   * A bet the market refused before any money moved: claim its id for this
   * market and keep it in the account's list. When the id already names a bet
   * on another market, that bet is the first outcome: it is returned and this
   * refusal is not kept.
   */
  async claimRefused(marketId: string, betId: string, update: BetUpdate): Promise<Result<{ first: Bet | null }>> {
    await this.faults.hit("wallet:before-commit", "claimRefused");
    const result = this.#store.transact(() => ok({ first: this.#money.claimRefused(marketId, betId, update) }));
    await this.faults.hit("wallet:committed");
    return result;
  }

  /** Give back exactly the stake that was taken for this bet, once. */
  async refundStake(marketId: string, betId: string, update: BetUpdate): Promise<MoneyResult> {
    await this.faults.hit("wallet:before-commit", "refundStake");
    const result = this.#store.transact(() => this.#money.refund(marketId, betId, update));
    await this.faults.hit("wallet:committed");
    return result;
  }

  /**
   * Settle a batch of one market's bets of this account in one transaction:
   * each a payout, a refund or a record of its outcome, each once by its key,
   * so a repeated batch moves nothing twice. One call for many bets is what
   * lets a market of thousands of bets pay out in seconds.
   */
  async settleBets(marketId: string, items: SettleItem[]): Promise<Settled> {
    await this.faults.hit("wallet:before-commit", "settleBets");
    const result = this.#store.transact(() => this.#money.settle(marketId, items));
    await this.faults.hit("wallet:committed");
    return result;
  }

  /**
   * Credit a cash out's value, once by its key (market, bet, cash out id): a
   * repeated call answers as the first and moves nothing. One ledger entry of
   * kind `cashout`; the bet's new view is kept with it.
   */
  async creditCashOut(marketId: string, betId: string, cashOutId: string, amount: number, update: BetUpdate): Promise<MoneyResult> {
    await this.faults.hit("wallet:before-commit", "creditCashOut");
    const result = this.#store.transact(() => this.#money.creditCashOut(marketId, betId, cashOutId, amount, update));
    await this.faults.hit("wallet:committed");
    return result;
  }

  /** Keep the account's view of a bet whose change moved no money (a loss, say). */
  async recordBet(update: BetUpdate): Promise<void> {
    await this.faults.hit("wallet:before-commit", "recordBet");
    this.#money.record([update]);
  }

  /** Keep several bets' new states that moved no money, in one transaction (what recordBet does for one). */
  async recordBets(updates: BetUpdate[]): Promise<void> {
    await this.faults.hit("wallet:before-commit", "recordBets");
    this.#store.transact(() => this.#money.record(updates));
  }

  /** This account's bet with this id, on whichever market holds the id; null if none does. */
  betById(betId: string): Bet | null {
    const owner = this.#store.owner(betId);
    return owner === null ? null : this.#store.bet(owner, betId);
  }

  /** A page of this account's bets, newest first; `next` names the following page, absent on the last. */
  bets(limit = 200, cursor?: string): Result<{ bets: Bet[]; next?: string }> {
    const below = cursor === undefined ? null : decodeBetCursor(cursor);
    if (cursor !== undefined && below === null) return refused(ErrorCode.INVALID, "cursor is not one this server gave");
    const page = this.#store.bets(limit, below);
    return ok(page.next === null ? { bets: page.bets } : { bets: page.bets, next: encodeBetCursor(page.next) });
  }

  /** The balance, the sum of the ledger (always equal), and the newest entries. */
  audit(limit = 100): { balance: Money; ledgerSum: number; entries: LedgerEntry[] } {
    return { balance: this.#store.account()?.balance ?? (0 as Money), ledgerSum: this.#store.ledgerSum(), entries: this.#store.ledger(limit) };
  }
}
