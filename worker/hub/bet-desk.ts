// The bet saga across two objects: record the bet in the hub, debit the
// wallet on the bet's key, look at the market again once the wallet has
// answered, then accept, or reject and refund. Every step is idempotent on the
// bet, so the reconciler can finish any bet a crash left half way. Every
// refusal is kept under its id too, so the same id always gets its first
// outcome.
import { AcceptPolicy, BetStatus, RejectReason } from "../protocol/codes.ts";
import type { Bet, BetBody, BetReplyFrame } from "../protocol/schemas.ts";
import { type AccountId, type BetId, type Money, type Odds, oddsFromDecimal, oddsToDecimal } from "../protocol/units.ts";
import { type BetRow, Phase, isSettledDown, replyOf, toReply, toWireBet } from "../rules/bet-record.ts";
import type { MoneyResult } from "../rules/ledger.ts";
import { type MarketState, interruptionsOf } from "../rules/market-book.ts";
import { type BetAsk, quoteBet, requote } from "../rules/quote.ts";
import { DebitGroups, type GroupDebit } from "./debit-groups.ts";
import { inPool } from "./in-pool.ts";
import type { MoneyParts } from "./money-parts.ts";

/** A bet whose wallet call has not answered for this long gets an alarm to look at it. */
export const RECONCILE_AFTER_MS = 5_000;
/** How often a placeholder for another market's bet asks the wallet whether that bet is final. */
export const ELSEWHERE_RETRY_MS = 1_000;
/** A placeholder whose bet the wallet still does not know after this long is forgotten. */
export const ELSEWHERE_GIVE_UP_MS = 10 * 60_000;
/**
 * Refusals kept per account on one market. Past it, every new bet id from
 * that account on this market is refused RATE_LIMITED without being kept: the
 * count never falls, so such an id is refused again whenever it comes back.
 */
export const MAX_REFUSALS_PER_ACCOUNT = 1_000;
/** Wallet calls one reconcile pass keeps in flight at once. */
const PARALLEL = 16;

export interface BetDeskDeps extends MoneyParts {
  market: () => MarketState;
  /** Bet work changed: re-arm the alarm. */
  schedule: () => void;
  now: () => number;
  /** A bet was accepted (its cash out value goes live). */
  accepted?: (row: BetRow) => void;
}

/** Bet ids are the client's: two accounts may pick the same one, so in-memory work is keyed by both. */
const betKey = (account: AccountId, id: string): string => `${account}\u0000${id}`;
const keyOf = (row: BetRow) => betKey(row.account, row.id);

const askOf = (row: BetRow): BetAsk => ({
  selectionId: row.selectionId,
  stake: row.stake,
  odds: row.odds,
  accept: row.accept,
});

/** A stake debit as the bet desk sends it with a group. */
interface DeskDebit extends GroupDebit {
  late: boolean;
}

/** A debited bet's outcome: the answer, and the bet owed its refund first when the check after the wallet refused it. */
interface Debited {
  reply: BetReplyFrame;
  refund: BetRow | null;
}

/** What a frame refused before it became a bet asked, as far as it can be read: nothing, for an INVALID one. */
const NOTHING_ASKED: BetAsk = { selectionId: "", stake: 0 as Money, odds: 0 as Odds, accept: AcceptPolicy.EXACT };

export class BetDesk {
  readonly #d: BetDeskDeps;
  /**
   * Bets (account and id) with a wallet call in flight from this instance,
   * counted, since one flow may start another (a decision starts a refund):
   * the reconciler leaves them be, so no bet gets two calls at once.
   */
  readonly #busy = new Map<string, number>();
  /** The answer a first placement is still working out, for a retry of the same bet to wait on. */
  readonly #answers = new Map<string, Promise<BetReplyFrame>>();
  readonly #groups: DebitGroups<DeskDebit, Debited>;
  /** Session ids the wallet has refused a stake for (logged out), until their sockets are closed (see `ended`). */
  readonly #ended = new Set<string>();

  constructor(deps: BetDeskDeps) {
    this.#d = deps;
    this.#groups = new DebitGroups<DeskDebit, Debited>({ ...deps, marketId: () => this.#marketId, settle: (d, result) => this.#afterDebit(d, result) });
  }

  get #marketId(): string {
    return this.#d.market().id;
  }

  /**
   * Place a bet for an authenticated punter. The same id again answers as the
   * bet stands. `session`: the id of the session a socket opened with; its
   * debit carries it, and the wallet refuses it once that session logged out.
   */
  async place(account: AccountId, body: BetBody, session?: string): Promise<BetReplyFrame> {
    const id = body.id as BetId;
    const known = this.#known(account, id);
    if (known) return known;
    const ask: BetAsk = {
      selectionId: body.selectionId,
      stake: body.stake as Money,
      odds: oddsFromDecimal(body.odds) as Odds,
      accept: body.accept ?? AcceptPolicy.EXACT,
    };
    const market = this.#d.market();
    const row = this.#newRow(account, id, ask, market);
    if (this.#overLimit(account)) return unkept(id);
    const quote = quoteBet(market, ask);
    if (!quote.ok) return this.#refuseNew(row, quote.reason, quote.odds);
    // Stored with its group, before the wallet is called (see debit-groups.ts).
    return this.#answering(row, () => this.#debit(row, false, true, session));
  }

  /**
   * A bet frame refused before it became a bet (INVALID, RATE_LIMITED): the
   * id's first outcome if it has one, else this refusal, kept under the id.
   * `body` is the frame when it was well formed.
   */
  async refuse(account: AccountId, id: BetId, reason: RejectReason, body: BetBody | null): Promise<BetReplyFrame> {
    const known = this.#known(account, id);
    if (known) return known;
    if (this.#overLimit(account)) return unkept(id);
    const ask: BetAsk = body
      ? { selectionId: body.selectionId, stake: body.stake as Money, odds: oddsFromDecimal(body.odds) as Odds, accept: body.accept ?? AcceptPolicy.EXACT }
      : NOTHING_ASKED;
    return this.#refuseNew(this.#newRow(account, id, ask, this.#d.market()), reason);
  }

  /** The answer for an id this market already holds (or is still working out), or null for a new one. */
  #known(account: AccountId, id: BetId): Promise<BetReplyFrame> | null {
    // A bet waiting for its group is not stored yet: its answer is the one to wait on.
    const waiting = this.#answers.get(betKey(account, id));
    if (waiting) return waiting;
    const existing = this.#d.store.getBet(account, id);
    if (!existing) return null;
    // A retry while the first is still at the wallet (a dropped socket, say) gets the first's answer when it comes.
    return this.#answers.get(betKey(account, id)) ?? Promise.resolve(toReply(existing, this.#marketId));
  }

  #overLimit(account: AccountId): boolean {
    return this.#d.store.refusalsOf(account) >= MAX_REFUSALS_PER_ACCOUNT;
  }

  #newRow(account: AccountId, id: BetId, ask: BetAsk, market: MarketState): BetRow {
    const now = this.#d.now();
    return {
      account,
      id,
      ...ask,
      status: BetStatus.PENDING,
      phase: Phase.DEBIT,
      reason: null,
      payout: 0 as Money,
      placedAt: now,
      settledAt: null,
      dueAt: market.betDelayMs > 0 ? now + market.betDelayMs : null,
      askedUnder: interruptionsOf(market),
      version: 1,
      syncedVersion: 0,
    };
  }

  /**
   * Refused before any money moved: kept at once, then its id claimed at the
   * wallet. Only once the claim is recorded is the refusal final and answered
   * so; until then (the wallet unreachable) the answer is `pending` and the
   * alarm claims again, because the id may turn out to be another market's bet.
   */
  #refuseNew(row: BetRow, reason: RejectReason, current?: Odds): Promise<BetReplyFrame> {
    const refused: BetRow = { ...row, status: BetStatus.REJECTED, reason, phase: Phase.CLAIM, dueAt: null };
    this.#d.store.putBet(refused);
    this.#d.schedule();
    return this.#answering(refused, () => this.#claim(refused, false, current));
  }

  /** Run a bet's first flow where a retry of the same bet can wait for its answer. */
  async #answering(row: BetRow, flow: () => Promise<BetReplyFrame>): Promise<BetReplyFrame> {
    const key = keyOf(row);
    const answer = this.#guarded(row, flow);
    this.#answers.set(key, answer);
    try {
      return await answer;
    } finally {
      this.#answers.delete(key);
    }
  }

  /** Mark the bet busy for the whole of `flow`, so the reconciler does not start a second call for it. */
  async #guarded<T>(row: BetRow, flow: () => Promise<T>): Promise<T> {
    const key = keyOf(row);
    this.#busy.set(key, (this.#busy.get(key) ?? 0) + 1);
    try {
      return await flow();
    } finally {
      const left = (this.#busy.get(key) ?? 1) - 1;
      if (left > 0) this.#busy.set(key, left);
      else this.#busy.delete(key);
    }
  }

  #isBusy(row: BetRow): boolean {
    return this.#busy.has(keyOf(row));
  }

  /**
   * Alarm work: delays that ended, sagas a crash interrupted, claims a wallet
   * missed, wallet views to bring up to date, placeholders to look at. Every
   * list is read whole (paged) before any call is made, and each bet gets at
   * most one flow per pass. Returns how many bets still have money work left.
   */
  async reconcile(): Promise<number> {
    const { store } = this.#d;
    const now = this.#d.now();
    // Bets still queued for a group go now, not after a timer that may lag behind this alarm.
    this.#groups.flushNow();
    const jobs: [BetRow, (row: BetRow) => Promise<unknown>][] = [];
    const taken = new Set<string>();
    const add = (row: BetRow, flow: (row: BetRow) => Promise<unknown>) => {
      const key = keyOf(row);
      if (taken.has(key) || this.#isBusy(row)) return;
      taken.add(key);
      jobs.push([row, flow]);
    };
    // Not busy here means nobody is awaiting it: a crash, an eviction or a failed call cut it off.
    for (const row of store.betsInPhase(Phase.DEBIT)) add(row, (r) => this.#debit(r, true));
    for (const row of store.betsInPhase(Phase.HELD)) if ((row.dueAt ?? 0) <= now) add(row, (r) => this.#decideHeld(r));
    for (const row of store.betsInPhase(Phase.REFUND)) add(row, (r) => this.#refund(r));
    for (const row of store.betsInPhase(Phase.CLAIM)) add(row, (r) => this.#claim(r, true));
    for (const row of store.betsInPhase(Phase.ELSEWHERE)) if ((row.dueAt ?? 0) <= now) add(row, (r) => this.#lookElsewhere(r));
    for (const row of store.unsyncedBets()) if (row.phase === Phase.DONE) add(row, (r) => this.#sync(r));
    await inPool(jobs, PARALLEL, ([row, flow]) => (this.#isBusy(row) ? Promise.resolve() : this.#guarded(row, () => flow(row))));
    const stuck = [Phase.DEBIT, Phase.REFUND, Phase.CLAIM].flatMap((p) => store.betsInPhase(p)).filter((r) => !this.#isBusy(r));
    return stuck.length;
  }

  /**
   * Did the wallet refuse a stake of `session` as logged out? Asked once a
   * socket's bet answer is sent; true once, so its caller closes that
   * session's sockets then.
   */
  ended(session: string): boolean {
    return this.#ended.delete(session);
  }

  /** When reconcile should next run, or null when no bet needs the hub. */
  nextDue(): number | null {
    return this.#d.store.nextBetWork(this.#d.now(), RECONCILE_AFTER_MS);
  }

  /**
   * Claim a refused bet's id at the wallet, which keeps it in the account's
   * list. The refusal is final once claimed. When the id is already another
   * market's bet, that bet is the answer and this refusal is dropped.
   * Idempotent: a second claim from this market finds the id its own.
   * `late`: the punter is no longer waiting on this call, so the outcome goes
   * to the account's sockets.
   */
  async #claim(row: BetRow, late: boolean, current?: Odds): Promise<BetReplyFrame> {
    const { store } = this.#d;
    let first: Bet | null;
    try {
      first = await this.#d.wallets.claimRefused(row.account, this.#marketId, row.id, { bet: toWireBet(row, this.#marketId), version: row.version });
    } catch {
      // Unknown whether the wallet recorded it: not final yet. The alarm claims again shortly.
      return this.#askAgainSoon(row, Phase.CLAIM);
    }
    const latest = store.getBet(row.account, row.id);
    if (!latest || (latest.phase !== Phase.CLAIM && latest.phase !== Phase.DONE)) return toReply(latest ?? row, this.#marketId);
    let reply: BetReplyFrame;
    if (first === null) {
      const done: BetRow = { ...latest, phase: Phase.DONE, dueAt: null, syncedVersion: latest.version };
      store.putBet(done);
      reply = toReply(done, this.#marketId, current === undefined ? undefined : oddsToDecimal(current));
    } else {
      reply = this.#elsewhere(latest, first);
    }
    if (late && latest.phase === Phase.CLAIM) this.#d.notify(row.account, reply);
    return reply;
  }

  /** The wallet did not answer: a bet still in `phase` is looked at again by the alarm shortly. */
  #askAgainSoon(row: BetRow, phase: Phase): BetReplyFrame {
    const latest = this.#d.store.getBet(row.account, row.id);
    if (latest?.phase === phase) this.#d.store.putBet({ ...latest, dueAt: this.#d.now() + ELSEWHERE_RETRY_MS });
    this.#d.schedule();
    return toReply(latest ?? row, this.#marketId);
  }

  /**
   * This id is a bet on another market (`first`, as the wallet knows it): no
   * bet here. Its outcome is the answer when final; otherwise a placeholder
   * waits for it, so the punter's sockets here get a final frame too.
   */
  #elsewhere(row: BetRow, first: Bet | null): BetReplyFrame {
    const { store } = this.#d;
    if (first && isSettledDown(first)) {
      store.dropBet(row.account, row.id);
      return replyOf(first);
    }
    const placeholder: BetRow = {
      ...row,
      status: BetStatus.PENDING,
      reason: null,
      phase: Phase.ELSEWHERE,
      dueAt: this.#d.now() + ELSEWHERE_RETRY_MS,
      syncedVersion: -1,
    };
    store.putBet(placeholder);
    this.#d.schedule();
    return first ? replyOf(first) : toReply(placeholder, this.#marketId);
  }

  /** A placeholder's look at the wallet: the other market's bet, once final, goes to this market's sockets. */
  async #lookElsewhere(row: BetRow): Promise<void> {
    const { store } = this.#d;
    const first = await this.#d.wallets.betById(row.account, row.id);
    const latest = store.getBet(row.account, row.id);
    if (latest?.phase !== Phase.ELSEWHERE) return;
    const now = this.#d.now();
    if (first && isSettledDown(first)) {
      store.dropBet(row.account, row.id);
      this.#d.notify(row.account, replyOf(first));
    } else if (now - row.placedAt > ELSEWHERE_GIVE_UP_MS) {
      store.dropBet(row.account, row.id);
    } else {
      store.putBet({ ...latest, dueAt: now + ELSEWHERE_RETRY_MS });
      this.#d.schedule();
    }
  }

  /**
   * Debit the stake with the next group (see debit-groups.ts). `record`: a new
   * bet, stored with its group. `late` is true when the punter is no longer
   * waiting on this call (the alarm finishes the bet): the outcome then goes to
   * the account's sockets.
   */
  async #debit(row: BetRow, late: boolean, record = false, session?: string): Promise<BetReplyFrame> {
    const item = { betId: row.id, amount: row.stake, update: { bet: toWireBet(row, this.#marketId), version: row.version }, ...(session === undefined ? {} : { session }) };
    return this.#refunding(await this.#groups.debit({ row, item, record, late }, late));
  }

  /** A group's wallet answered (`result`, or null when the call failed): the bet's next state, stored with the group's. */
  #afterDebit(d: DeskDebit, result: MoneyResult | null): Debited {
    const { store } = this.#d;
    const { row, late } = d;
    if (result === null) {
      // The wallet's answer is unknown: the bet stays pending and the reconciler asks again.
      this.#d.schedule();
      return { reply: toReply(row, this.#marketId), refund: null };
    }
    // Another path (the reconciler, a retry) may have finished this bet while we waited.
    const now = store.getBet(row.account, row.id);
    if (!now || now.phase !== Phase.DEBIT) return { reply: toReply(now ?? row, this.#marketId), refund: null };
    if (!result.ok && result.code === "DUPLICATE") {
      // The same id from the same account, first used on another market: that bet's answer, and no bet here.
      const reply = this.#elsewhere(now, result.first);
      if (late) this.#d.notify(row.account, reply);
      return { reply, refund: null };
    }
    if (!result.ok) {
      // The wallet's own refusal (funds, the account's limits, its self-exclusion) is the bet's reason; the
      // placing session's logout is UNAUTHENTICATED, and that session's sockets close once the answer is sent.
      if (result.code === "SESSION_ENDED" && d.item.session !== undefined) this.#ended.add(d.item.session);
      const reason = result.code === "NO_STAKE" ? RejectReason.INSUFFICIENT_FUNDS : result.code === "SESSION_ENDED" ? RejectReason.UNAUTHENTICATED : result.code;
      return { reply: this.#finish({ ...now, status: BetStatus.REJECTED, reason, phase: Phase.DONE }, late), refund: null };
    }
    this.#d.notify(row.account, { type: "balance", balance: result.value.balance, asOf: result.value.asOf });
    if (now.dueAt !== null) {
      const held: BetRow = { ...now, phase: Phase.HELD, version: now.version + 1 };
      store.putBet(held);
      this.#d.schedule();
      return { reply: toReply(held, this.#marketId), refund: null };
    }
    return this.#decideNow(now, late, true);
  }

  /**
   * A bet whose in-play delay is over: the account may have excluded itself
   * while it waited, so the wallet is asked first; an excluded account's bet
   * is refused SELF_EXCLUDED and its stake refunded (once, by its key, like
   * any refusal after the debit). Unanswered, the bet stays held and the
   * alarm asks again shortly.
   */
  async #decideHeld(row: BetRow): Promise<BetReplyFrame> {
    const { store } = this.#d;
    // A bet the market refuses anyway (settled meanwhile, say) needs no wallet call first.
    if (!requote(this.#d.market(), askOf(row), row.askedUnder).ok) return this.#decide(row, true);
    let excluded: boolean;
    try {
      excluded = await this.#d.wallets.excluded(row.account);
    } catch {
      return this.#askAgainSoon(row, Phase.HELD);
    }
    // The input gate let other events in during the call: decide on the bet as it is now.
    const latest = store.getBet(row.account, row.id);
    if (latest?.phase !== Phase.HELD) return toReply(latest ?? row, this.#marketId);
    if (!excluded) return this.#decide(latest, true);
    return this.#refuseTaken(latest, RejectReason.SELF_EXCLUDED, true);
  }

  /**
   * The market as it is now, after the wallet call or the delay: an odds push
   * or a suspension can land while the wallet call is out, because the input
   * gate lets other events in while this object waits on another. The
   * interruption count the bet was asked under catches what came and went
   * meanwhile (a suspend-then-reopen, going in play).
   */
  #decide(row: BetRow, late: boolean): Promise<BetReplyFrame> {
    return this.#refunding(this.#decideNow(row, late, false));
  }

  /**
   * `grouped`: decided as its group commits; an accepted bet's copy then goes
   * to the wallet with the account's next group call (or shortly, alone), not
   * in a call of its own.
   */
  #decideNow(row: BetRow, late: boolean, grouped: boolean): Debited {
    const market = this.#d.market();
    const quote = requote(market, askOf(row), row.askedUnder);
    if (!quote.ok) return this.#refuseTakenNow(row, quote.reason, late, quote.odds);
    const accepted: BetRow = { ...row, status: BetStatus.ACCEPTED, odds: quote.odds, payout: quote.payout, phase: Phase.DONE };
    return { reply: this.#finish(accepted, late, grouped), refund: null };
  }

  /** Refuse a bet whose stake was taken: kept as rejected and owed its refund, then refunded. */
  #refuseTaken(row: BetRow, reason: RejectReason, late: boolean, current?: Odds): Promise<BetReplyFrame> {
    return this.#refunding(this.#refuseTakenNow(row, reason, late, current));
  }

  /** The refusal's record, kept as rejected and owed its refund; the refund is #refunding's. */
  #refuseTakenNow(row: BetRow, reason: RejectReason, late: boolean, current?: Odds): Debited {
    const rejected: BetRow = { ...row, status: BetStatus.REJECTED, reason, phase: Phase.REFUND, version: row.version + 1 };
    this.#d.store.putBet(rejected);
    const reply = toReply(rejected, this.#marketId, current === undefined ? undefined : oddsToDecimal(current));
    if (late) this.#d.notify(row.account, reply);
    return { reply, refund: rejected };
  }

  /** Send the refund a refusal owes, if any, before the answer goes. */
  async #refunding(out: Debited): Promise<BetReplyFrame> {
    if (out.refund) {
      await this.#d.checkpoint("bet:refund-due");
      await this.#refund(out.refund);
    }
    return out.reply;
  }

  async #refund(row: BetRow): Promise<void> {
    const { store, wallets } = this.#d;
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
    }
  }

  /** A final state the wallet has no money to move for: store it, tell the punter, sync in the background. */
  #finish(row: BetRow, late: boolean, grouped = false): BetReplyFrame {
    const final: BetRow = { ...row, version: row.version + 1 };
    this.#d.store.putBet(final);
    if (final.status === BetStatus.ACCEPTED) this.#d.accepted?.(final);
    const reply = toReply(final, this.#marketId);
    if (late) this.#d.notify(row.account, reply);
    const sync = grouped && final.status === BetStatus.ACCEPTED ? () => this.#groups.record(final) : () => this.#sync(final);
    void this.#guarded(final, sync);
    return reply;
  }

  async #sync(row: BetRow): Promise<void> {
    try {
      // A refusal's id is claimed with it; for one refused after a debit it is this market's already.
      if (row.status === BetStatus.REJECTED) {
        await this.#claim(row, false);
        return;
      }
      await this.#d.wallets.recordBet(row.account, { bet: toWireBet(row, this.#marketId), version: row.version });
      this.#d.store.markSynced(row.account, row.id, row.version);
    } catch {
      this.#d.schedule();
    }
  }
}

/** A new id refused without being kept: the account is past its refusals on this market, for good. */
function unkept(id: string): Promise<BetReplyFrame> {
  return Promise.resolve({ type: "bet", id, status: BetStatus.REJECTED, reason: RejectReason.RATE_LIMITED });
}

