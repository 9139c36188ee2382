// The money of one account's bets: stakes taken, refunds, payouts and cash
// out credits, each once by its ledger key, with the bet's new view kept
// beside it. Every method runs inside the caller's transaction (the Wallet
// shell opens it, around its fault points), so a check and its write are
// never split by another call.
import { type Bet } from "../protocol/schemas.ts";
import type { Money } from "../protocol/units.ts";
import {
  type BetUpdate,
  type DebitRefusalCode,
  EntryKind,
  type MoneyResult,
  SettleKind,
  type SettleItem,
  cashOutKey,
  type Settled,
  nextBalance,
  payoutKey,
  refundKey,
  stakeKey,
} from "../rules/ledger.ts";
import { ok } from "../rules/result.ts";
import type { Cashier } from "./cashier.ts";
import type { WalletStore } from "./wallet-store.ts";

const REFUSED: Record<DebitRefusalCode, string> = {
  INSUFFICIENT_FUNDS: "insufficient funds",
  LIMIT_REACHED: "this stake would pass the account's limits",
  SELF_EXCLUDED: "the account is self-excluded",
  SESSION_ENDED: "the session that placed this bet has logged out",
};
/** Refusals kept under a stake's key that a retry answers with as they are; any other (a cancelled debit) answers as one without the funds. */
const KEPT = new Set<string>(["LIMIT_REACHED", "SELF_EXCLUDED", "SESSION_ENDED"] satisfies DebitRefusalCode[]);

export class BetMoney {
  readonly #store: WalletStore;
  readonly #cashier: Cashier;
  readonly #now: () => number;

  constructor(store: WalletStore, cashier: Cashier, now: () => number) {
    this.#store = store;
    this.#cashier = cashier;
    this.#now = now;
  }

  /** A stake's check and write. `session`: the placing session's id; logged out, the stake is refused SESSION_ENDED. */
  debit(marketId: string, betId: string, amount: number, update: BetUpdate, session?: string): MoneyResult {
    const store = this.#store;
    const owner = store.claimBetId(betId, marketId);
    if (owner !== null) {
      const first = store.bet(owner, betId);
      return { ok: false, code: "DUPLICATE", message: "bet id used on another market", ...this.standing(), first };
    }
    const key = stakeKey(marketId, betId);
    // The account's own bars, checked in this transaction with the debit: bets racing for the last of a limit take turns here.
    // The placing session's logout is checked here too, so a bet from a socket opened before the logout moves no money.
    const bar = store.entry(key) || store.refusal(key) ? null : session !== undefined && store.sessionRevoked(session) ? "SESSION_ENDED" : this.#cashier.stakeBar(amount);
    if (bar) store.refuse(key, bar, this.#now());
    const moved = this.#move(key, EntryKind.STAKE, -amount, update);
    if (!moved.ok && moved.code !== "NO_STAKE" && moved.code !== "DUPLICATE") {
      // Known as refused at once, so a retry of this id on another market can be told so.
      store.upsertBet({ ...update.bet, status: "rejected", reason: moved.code === "SESSION_ENDED" ? "UNAUTHENTICATED" : moved.code, payout: 0 }, update.version);
    }
    return moved;
  }

  /** Claim a refused bet's id for this market; the bet that already holds the id elsewhere, if one does. */
  claimRefused(marketId: string, betId: string, update: BetUpdate): Bet | null {
    const owner = this.#store.claimBetId(betId, marketId);
    if (owner !== null) return this.#store.bet(owner, betId);
    this.#store.upsertBet(update.bet, update.version);
    return null;
  }

  /**
   * The refund's check and write. `upTo` caps it (a void refunds only the
   * stake still open after a part was cashed out).
   */
  refund(marketId: string, betId: string, update: BetUpdate, upTo = Infinity): MoneyResult {
    const store = this.#store;
    const stake = store.entry(stakeKey(marketId, betId));
    if (!stake) {
      // No stake was ever taken: make sure a late debit for this bet cannot take one now.
      store.refuse(stakeKey(marketId, betId), "CANCELLED", this.#now());
      store.upsertBet(update.bet, update.version);
      return { ok: false, code: "NO_STAKE", message: "no stake was taken for this bet", ...this.standing() };
    }
    return this.#move(refundKey(marketId, betId), EntryKind.REFUND, Math.min(-stake.amount, upTo), update);
  }

  /** A batch of one market's bets settled: each a payout, a refund or a record, each once by its key. */
  settle(marketId: string, items: SettleItem[]): Settled {
    let moved = false;
    const done = items.map((item) => {
      if (item.kind === SettleKind.RECORD) {
        this.#store.upsertBet(item.update.bet, item.update.version);
        return true;
      }
      const r =
        item.kind === SettleKind.PAYOUT
          ? this.#move(payoutKey(marketId, item.betId), EntryKind.PAYOUT, item.amount, item.update)
          : this.refund(marketId, item.betId, item.update, item.amount);
      if (r.ok && !r.value.replayed) moved = true;
      return r.ok;
    });
    return { done, moved, ...this.standing() };
  }

  /** A cash out's value credited once, by its key (market, bet, cash out id). */
  creditCashOut(marketId: string, betId: string, cashOutId: string, amount: number, update: BetUpdate): MoneyResult {
    return this.#move(cashOutKey(marketId, betId, cashOutId), EntryKind.CASHOUT, amount, update);
  }

  /** Bets' new states that moved no money. */
  record(updates: BetUpdate[]): void {
    for (const u of updates) this.#store.upsertBet(u.bet, u.version);
  }

  /** The balance, and the newest ledger entry it stands at. */
  standing(): { balance: Money; asOf: number } {
    return { balance: this.#store.account()?.balance ?? (0 as Money), asOf: this.#store.lastEntry() };
  }

  #move(key: string, kind: EntryKind, delta: number, update: BetUpdate): MoneyResult {
    const store = this.#store;
    const account = store.account();
    const short = (code: DebitRefusalCode = "INSUFFICIENT_FUNDS"): MoneyResult => ({ ok: false, code, message: REFUSED[code], ...this.standing() });
    if (!account) return short();
    const done = store.entry(key);
    if (done) {
      store.upsertBet(update.bet, update.version);
      return ok({ balance: account.balance, amount: Math.abs(done.amount) as Money, replayed: true, asOf: store.lastEntry() });
    }
    const refusal = store.refusal(key);
    // A cancelled debit (refunded before it came) answers as one without the funds.
    if (refusal) return short(KEPT.has(refusal) ? (refusal as DebitRefusalCode) : "INSUFFICIENT_FUNDS");
    const next = nextBalance(account.balance, delta);
    if (next === null) {
      store.refuse(key, "INSUFFICIENT_FUNDS", this.#now());
      return short();
    }
    store.append(key, kind, delta, next, this.#now());
    store.upsertBet(update.bet, update.version);
    return ok({ balance: next, amount: Math.abs(delta) as Money, replayed: false, asOf: store.lastEntry() });
  }
}
