// The bet saga across two objects: record the bet in the hub, debit the
// wallet on the bet's key, look at the market again once the wallet has
// answered, then accept, or reject and refund. Every step is idempotent on the
// bet, so the reconciler can finish any bet a crash left half way.
import { AcceptPolicy, BetStatus, RejectReason } from "../protocol/codes.ts";
import type { Bet, BetBody, BetReplyFrame, ServerFrame } from "../protocol/schemas.ts";
import { type AccountId, type BetId, type Money, type Odds, oddsFromDecimal, oddsToDecimal } from "../protocol/units.ts";
import type { FaultPoint } from "../platform/fault-points.ts";
import { type BetRow, Phase, replyOf, toReply, toWireBet } from "../rules/bet-record.ts";
import type { MoneyResult } from "../rules/ledger.ts";
import type { MarketState } from "../rules/market-book.ts";
import { type BetAsk, quoteBet, requoteDelayed } from "../rules/quote.ts";
import type { HubStore } from "./hub-store.ts";
import type { WalletPort } from "./wallet-port.ts";

/** A bet whose wallet call has not answered for this long gets an alarm to look at it. */
export const RECONCILE_AFTER_MS = 5_000;

export interface BetDeskDeps {
  store: HubStore;
  wallets: WalletPort;
  market: () => MarketState;
  /** Send a frame to every socket of one account on this market. */
  notify: (account: AccountId, frame: ServerFrame) => void;
  /** Bet work changed: re-arm the alarm. */
  schedule: () => void;
  now: () => number;
  /** Named points where tests inject a crash (see fault-points.ts); a no-op otherwise. */
  checkpoint: (name: FaultPoint) => Promise<void>;
}

/** Bet ids are the client's: two accounts may pick the same one, so in-memory work is keyed by both. */
const betKey = (account: AccountId, id: string): string => `${account}\u0000${id}`;

const askOf = (row: BetRow): BetAsk => ({
  selectionId: row.selectionId,
  stake: row.stake,
  odds: row.odds,
  accept: row.accept,
});

export class BetDesk {
  readonly #d: BetDeskDeps;
  /** Bets (account and id) whose wallet call is in flight from this instance; the reconciler leaves them be. */
  readonly #inFlight = new Set<string>();
  /** The answer a first placement is still working out, for a retry of the same bet to wait on. */
  readonly #answers = new Map<string, Promise<BetReplyFrame>>();

  constructor(deps: BetDeskDeps) {
    this.#d = deps;
  }

  get #marketId(): string {
    return this.#d.market().id;
  }

  /** Place a bet for an authenticated punter. The same id again answers as the bet stands. */
  async place(account: AccountId, body: BetBody): Promise<BetReplyFrame> {
    const { store } = this.#d;
    const id = body.id as BetId;
    const existing = store.getBet(account, id);
    if (existing) {
      // A retry while the first is still at the wallet (a dropped socket, say) gets the first's answer when it comes.
      return this.#answers.get(betKey(account, id)) ?? toReply(existing, this.#marketId);
    }

    const market = this.#d.market();
    const now = this.#d.now();
    const ask: BetAsk = {
      selectionId: body.selectionId,
      stake: body.stake as Money,
      odds: oddsFromDecimal(body.odds) as Odds,
      accept: body.accept ?? AcceptPolicy.EXACT,
    };
    const quote = quoteBet(market, ask);
    const row: BetRow = {
      account,
      id,
      selectionId: ask.selectionId,
      stake: ask.stake,
      odds: ask.odds,
      accept: ask.accept,
      status: BetStatus.PENDING,
      phase: Phase.DEBIT,
      reason: null,
      payout: 0 as Money,
      placedAt: now,
      settledAt: null,
      dueAt: market.betDelayMs > 0 ? now + market.betDelayMs : null,
      version: 1,
      syncedVersion: 0,
    };
    if (!quote.ok) {
      // Refused before any money moved: kept here for idempotency, and its id claimed at the wallet
      // (until that is done the row counts as unsynced, so the alarm tries again after a failure).
      const rejected: BetRow = { ...row, status: BetStatus.REJECTED, phase: Phase.DONE, reason: quote.reason, syncedVersion: 0 };
      store.putBet(rejected);
      const reply = toReply(rejected, market.id, quote.odds === undefined ? undefined : oddsToDecimal(quote.odds));
      return this.#answering(betKey(account, id), this.#claimRefused(rejected, reply));
    }
    store.putBet(row);
    this.#d.schedule();
    return this.#answering(betKey(account, id), this.#d.checkpoint("bet:recorded").then(() => this.#debit(row, false)));
  }

  /** Keep the answer being worked out where a retry of the same bet can wait for it. */
  async #answering(key: string, answer: Promise<BetReplyFrame>): Promise<BetReplyFrame> {
    this.#answers.set(key, answer);
    try {
      return await answer;
    } finally {
      this.#answers.delete(key);
    }
  }

  /**
   * Alarm work: delays that ended, sagas a crash interrupted, wallet views to
   * bring up to date. Returns how many bets still have money work left.
   */
  async reconcile(): Promise<number> {
    const { store } = this.#d;
    const now = this.#d.now();
    const work: Promise<unknown>[] = [];
    for (const row of store.betsInPhase(Phase.DEBIT)) {
      // In flight from this instance means someone is awaiting it; anything else was cut off by a crash.
      if (!this.#inFlight.has(betKey(row.account, row.id))) work.push(this.#debit(row, true));
    }
    for (const row of store.betsInPhase(Phase.HELD)) {
      if ((row.dueAt ?? 0) <= now) work.push(this.#decide(row, true));
    }
    for (const row of store.betsInPhase(Phase.REFUND)) {
      if (!this.#inFlight.has(betKey(row.account, row.id))) work.push(this.#refund(row));
    }
    for (const row of store.unsyncedBets()) {
      if (row.phase === Phase.DONE) work.push(this.#sync(row));
    }
    await Promise.allSettled(work);
    const stuck = (row: BetRow) => !this.#inFlight.has(betKey(row.account, row.id));
    return store.betsInPhase(Phase.DEBIT).filter(stuck).length + store.betsInPhase(Phase.REFUND).filter(stuck).length;
  }

  /**
   * Tell the wallet about a bet refused before any money moved, so the id is one
   * bet across markets and the refusal shows in the account's list. If the id is
   * already a bet on another market, that bet is the answer and this refusal is
   * dropped. A wallet that cannot be reached leaves the refusal standing here.
   */
  async #claimRefused(row: BetRow, reply: BetReplyFrame): Promise<BetReplyFrame> {
    try {
      const first = await this.#claim(row);
      return first === null ? reply : replyOf(first);
    } catch {
      this.#d.schedule();
      return reply;
    }
  }

  /**
   * Claim a refused bet's id at the wallet and keep it in the account's list.
   * Returns the other market's bet when the id was taken there first (this
   * refusal is then dropped), or null. Idempotent: a second claim from this
   * market finds the id already its own.
   */
  async #claim(row: BetRow): Promise<Bet | null> {
    const { store } = this.#d;
    const first = await this.#d.wallets.claimRefused(row.account, this.#marketId, row.id, {
      bet: toWireBet(row, this.#marketId),
      version: row.version,
    });
    if (first === null) store.markSynced(row.account, row.id, row.version);
    else store.dropBet(row.account, row.id);
    return first;
  }

  /** When reconcile should next run, or null when no bet needs the hub. */
  nextDue(): number | null {
    return this.#d.store.nextBetWork(this.#d.now(), RECONCILE_AFTER_MS);
  }

  /**
   * `late` is true when the punter is no longer waiting on this call (the
   * alarm finishes the bet): the outcome then goes to the account's sockets.
   */
  async #debit(row: BetRow, late: boolean): Promise<BetReplyFrame> {
    const { store, wallets } = this.#d;
    const key = betKey(row.account, row.id);
    this.#inFlight.add(key);
    let result: MoneyResult;
    try {
      result = await wallets.debitStake(row.account, this.#marketId, row.id, row.stake, {
        bet: toWireBet(row, this.#marketId),
        version: row.version,
      });
    } catch {
      // The wallet's answer is unknown: the bet stays pending and the reconciler asks again.
      return toReply(row, this.#marketId);
    } finally {
      this.#inFlight.delete(key);
    }
    await this.#d.checkpoint("bet:debited");
    // Another path (the reconciler, a retry) may have finished this bet while we waited.
    const now = store.getBet(row.account, row.id);
    if (!now || now.phase !== Phase.DEBIT) return toReply(now ?? row, this.#marketId);
    if (!result.ok && result.code === "DUPLICATE") {
      // The same id from the same account, first used on another market: that bet's answer, and no bet here.
      store.dropBet(row.account, row.id);
      const reply: BetReplyFrame = result.first ? replyOf(result.first) : { type: "bet", id: row.id, status: BetStatus.PENDING };
      if (late) this.#d.notify(row.account, reply);
      return reply;
    }
    if (!result.ok) {
      return this.#finish({ ...now, status: BetStatus.REJECTED, reason: RejectReason.INSUFFICIENT_FUNDS, phase: Phase.DONE }, late);
    }
    this.#d.notify(row.account, { type: "balance", balance: result.value.balance, asOf: result.value.asOf });
    if (now.dueAt !== null) {
      const held: BetRow = { ...now, phase: Phase.HELD, version: now.version + 1 };
      store.putBet(held);
      this.#d.schedule();
      return toReply(held, this.#marketId);
    }
    return this.#decide(now, late);
  }

  /**
   * The market as it is now, after the wallet call or the delay: an odds push
   * or a suspension can land while the wallet call is out, because the input
   * gate lets other events in while this object waits on another.
   */
  async #decide(row: BetRow, late: boolean): Promise<BetReplyFrame> {
    const market = this.#d.market();
    const quote = row.dueAt !== null ? requoteDelayed(market, askOf(row), row.placedAt) : quoteBet(market, askOf(row));
    if (quote.ok) {
      return this.#finish({ ...row, status: BetStatus.ACCEPTED, odds: quote.odds, payout: quote.payout, phase: Phase.DONE }, late);
    }
    const rejected: BetRow = { ...row, status: BetStatus.REJECTED, reason: quote.reason, phase: Phase.REFUND, version: row.version + 1 };
    this.#d.store.putBet(rejected);
    const current = quote.odds === undefined ? undefined : oddsToDecimal(quote.odds);
    const reply = toReply(rejected, market.id, current);
    if (late) this.#d.notify(row.account, reply);
    await this.#d.checkpoint("bet:refund-due");
    await this.#refund(rejected);
    return reply;
  }

  async #refund(row: BetRow): Promise<void> {
    const { store, wallets } = this.#d;
    const key = betKey(row.account, row.id);
    this.#inFlight.add(key);
    try {
      const done = { ...row, phase: Phase.DONE };
      const result = await wallets.refundStake(row.account, this.#marketId, row.id, {
        bet: toWireBet(done, this.#marketId),
        version: row.version,
      });
      const latest = store.getBet(row.account, row.id);
      if (latest?.phase === Phase.REFUND) store.putBet({ ...latest, phase: Phase.DONE, syncedVersion: latest.version });
      if (result.ok && !result.value.replayed) {
        this.#d.notify(row.account, { type: "balance", balance: result.value.balance, asOf: result.value.asOf });
      }
    } catch {
      // Left in REFUND: the alarm tries again.
      this.#d.schedule();
    } finally {
      this.#inFlight.delete(key);
    }
  }

  /** A final state the wallet has no money to move for: store it, tell the punter, sync in the background. */
  #finish(row: BetRow, late: boolean): BetReplyFrame {
    const final: BetRow = { ...row, version: row.version + 1 };
    this.#d.store.putBet(final);
    const reply = toReply(final, this.#marketId);
    if (late) this.#d.notify(row.account, reply);
    void this.#sync(final);
    return reply;
  }

  async #sync(row: BetRow): Promise<void> {
    try {
      // A refusal's id is claimed as it is recorded; for one refused after a debit it is this market's already.
      if (row.status === BetStatus.REJECTED) {
        await this.#claim(row);
        return;
      }
      await this.#d.wallets.recordBet(row.account, { bet: toWireBet(row, this.#marketId), version: row.version });
      this.#d.store.markSynced(row.account, row.id, row.version);
    } catch {
      this.#d.schedule();
    }
  }
}
