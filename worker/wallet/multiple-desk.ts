// The multiple saga, coordinated by the account's wallet. Step (a), in one
// transaction with no await: check the multiple (legs, the account's bars,
// funds), take the stake and record it `pending`. Step (b): ask each leg's
// market to take it, in order, each answer stored before the next question.
// Step (c): every leg taken -> `accepted`; one refused -> `rejected`, the
// stake refunded (one ledger row) in the same transaction, then the taken
// legs released at their markets. Step (d): results come from the markets as
// they settle; the multiple is paid (or not) once it is decided. Every step
// is keyed by the multiple's id (ledger keys, the hubs' leg rows, the stored
// phase), so the alarm can finish anything a crash left half way.
import { AcceptPolicy, BetStatus, ErrorCode, RejectReason } from "../protocol/codes.ts";
import type { Multiple, MultipleBody } from "../protocol/multiples.ts";
import { type AccountId, type Money, type Odds, oddsFromDecimal, oddsToDecimal } from "../protocol/units.ts";
import type { FaultPoint } from "../platform/fault-points.ts";
import { decodeBetCursor, encodeBetCursor } from "../rules/bet-page.ts";
import { EntryKind, nextBalance } from "../rules/ledger.ts";
import { type LegAnswer, type LegAsk, type LegResult, combinedOdds, legsProblem, outcomeOf, payoutOfLegs } from "../rules/multiple.ts";
import { type Result, ok, refused } from "../rules/result.ts";
import type { Cashier } from "./cashier.ts";
import { LegState, type MultipleRecord, MultiplePhase as P, MultipleStore } from "./multiple-store.ts";
import type { WalletStore } from "./wallet-store.ts";

/** A multiple whose legs are still being asked gets the alarm this long after it was placed. */
export const MULTIPLE_RECONCILE_MS = 5_000;
/** After a market did not answer, the next try waits this long. */
const RETRY_MS = 1_000;

/** Ledger keys of a multiple's money: `multiple:` cannot begin a market id, so these never meet a bet's. */
export const multipleKey = (kind: "stake" | "refund" | "payout", id: string) => `${kind}:multiple:${id}`;

/** How the wallet reaches the markets: typed RPC on each market's hub. */
export interface LegPort {
  accept(marketId: string, account: AccountId, multipleId: string, ask: LegAsk): Promise<LegAnswer>;
  release(marketId: string, account: AccountId, multipleId: string): Promise<void>;
}

export interface MultipleDeskDeps {
  wallet: WalletStore;
  cashier: Cashier;
  legs: LegPort;
  checkpoint: (point: FaultPoint) => Promise<void>;
  /** Make sure the alarm runs by `at`. */
  arm: (at: number) => void;
  now: () => number;
}

export class MultipleDesk {
  readonly store: MultipleStore;
  readonly #d: MultipleDeskDeps;
  /** Multiples with a flow running in this instance, and the record it will end with. */
  readonly #running = new Map<string, Promise<MultipleRecord>>();

  constructor(sql: SqlStorage, deps: MultipleDeskDeps) {
    this.store = new MultipleStore(sql);
    this.#d = deps;
  }

  /**
   * Place a multiple, and carry it as far as the markets answer now. The same
   * id again answers as the multiple stands (finishing it if nothing else is);
   * the same id with another body is refused ID_REUSED and changes nothing.
   */
  async place(body: MultipleBody): Promise<Result<Multiple>> {
    const asked = canonical(body);
    const known = this.store.get(body.id);
    if (known) {
      if (known.asked !== asked) return refused(ErrorCode.ID_REUSED, "this id was used for another multiple");
      return ok(toWire(await this.#run(known.id, known.phase === P.DONE ? null : () => this.#drive(known.id))));
    }
    const problem = legsProblem(body.legs);
    if (problem) return refused(ErrorCode.INVALID, problem);
    const record = this.#d.wallet.transact(() => this.#open(body, asked));
    if (!record) return refused(ErrorCode.NOT_FOUND, "no such account");
    if (record.phase === P.DONE) return ok(toWire(record));
    this.#d.arm(record.dueAt ?? this.#d.now());
    return ok(toWire(await this.#run(record.id, () => this.#d.checkpoint("multiple:recorded").then(() => this.#drive(record.id)))));
  }

  /** A leg's result from its market. Applied once; a decided multiple is paid at once (and by the alarm after a crash). */
  async legResult(id: string, marketId: string, result: LegResult): Promise<void> {
    const due = this.#d.wallet.transact(() => {
      const m = this.store.get(id);
      const leg = m?.legs.find((l) => l.marketId === marketId);
      if (!m || !leg || leg.result !== null) return false;
      leg.result = result;
      const decided = m.phase === P.OPEN && outcomeOf(m.stake, legsOf(m)).status !== BetStatus.ACCEPTED;
      if (decided) m.dueAt = this.#d.now();
      this.store.put(m);
      return decided;
    });
    if (!due) return;
    this.#d.arm(this.#d.now());
    await this.#d.checkpoint("multiple:result");
    const settled = this.#d.wallet.transact(() => this.#settle(id));
    if (settled.phase === P.RELEASE) await this.#run(id, () => this.#release(settled));
  }

  /** Alarm work: every multiple a crash or an unanswering market left unfinished. Returns how many still are. */
  async reconcile(): Promise<number> {
    const work = this.store.unfinished().filter((m) => !this.#running.has(m.id));
    await Promise.all(work.map((m) => this.#run(m.id, () => this.#drive(m.id)).catch(() => null)));
    return this.store.unfinished().length;
  }

  nextDue(): number | null {
    return this.store.nextDue();
  }

  /** A page of the account's multiples, newest first; `next` names the following page. */
  list(limit: number, cursor?: string): Result<{ multiples: Multiple[]; next?: string }> {
    const below = cursor === undefined ? null : decodeBetCursor(cursor);
    if (cursor !== undefined && below === null) return refused(ErrorCode.INVALID, "cursor is not one this server gave");
    const page = this.store.page(limit, below);
    const multiples = page.records.map(toWire);
    return ok(page.next === null ? { multiples } : { multiples, next: encodeBetCursor(page.next) });
  }

  /** Run `flow` unless one is already running for this multiple (then wait for that one); null: only read. */
  #run(id: string, flow: (() => Promise<MultipleRecord>) | null): Promise<MultipleRecord> {
    const running = this.#running.get(id);
    if (running) return running;
    if (!flow) return Promise.resolve(this.store.get(id) as MultipleRecord);
    const p = flow().finally(() => this.#running.delete(id));
    this.#running.set(id, p);
    return p;
  }

  /** Step (a), in the caller's transaction: refused with no money moved, or the stake taken and the multiple pending. */
  #open(body: MultipleBody, asked: string): MultipleRecord | null {
    const account = this.#d.wallet.account();
    if (!account) return null;
    const now = this.#d.now();
    const m: MultipleRecord = {
      id: body.id,
      stake: body.stake as Money,
      accept: body.accept ?? AcceptPolicy.EXACT,
      status: BetStatus.PENDING,
      reason: null,
      payout: 0 as Money,
      placedAt: now,
      settledAt: null,
      legs: body.legs.map((l) => ({ marketId: l.marketId, selectionId: l.selectionId, asked: oddsFromDecimal(l.odds) as Odds, taken: null, state: LegState.NEW, maxPayout: null, result: null })),
      asked,
      phase: P.LEGS,
      dueAt: now + MULTIPLE_RECONCILE_MS,
    };
    // The stake per bet and the day's losses apply to the multiple's stake, as to a single's.
    const bar = this.#d.cashier.stakeBar(m.stake) ?? (payoutOfLegs(m.stake, m.legs.map((l) => l.asked)) === null ? RejectReason.PAYOUT_TOO_HIGH : null);
    const after = nextBalance(account.balance, -m.stake);
    const reason = bar ?? (after === null ? RejectReason.INSUFFICIENT_FUNDS : null);
    if (reason !== null || after === null) {
      const rejected = { ...m, status: BetStatus.REJECTED, reason, phase: P.DONE, dueAt: null };
      this.store.put(rejected);
      return rejected;
    }
    this.#d.wallet.append(multipleKey("stake", m.id), EntryKind.STAKE, -m.stake, after, now);
    this.store.put(m);
    return m;
  }

  /** Carry a multiple on from wherever it stands. */
  async #drive(id: string): Promise<MultipleRecord> {
    let m = this.store.get(id) as MultipleRecord;
    if (m.phase === P.LEGS) m = await this.#askLegs(m);
    if (m.phase === P.RELEASE) m = await this.#release(m);
    if (m.phase === P.OPEN && m.dueAt !== null) m = this.#d.wallet.transact(() => this.#settle(id));
    if (m.phase === P.RELEASE) m = await this.#release(m);
    return m;
  }

  /** Step (b): ask each leg not yet answered, in order, storing each answer before the next question; then decide. */
  async #askLegs(start: MultipleRecord): Promise<MultipleRecord> {
    const account = this.#d.wallet.account()?.accountId as AccountId;
    for (let i = 0; i < start.legs.length; i++) {
      const m = this.store.get(start.id) as MultipleRecord;
      const leg = m.legs[i];
      if (leg.state === LegState.REFUSED) break;
      if (leg.state === LegState.ACCEPTED) continue;
      const others = m.legs.filter((_, j) => j !== i).map((l) => l.taken ?? l.asked);
      let answer: LegAnswer;
      try {
        answer = await this.#d.legs.accept(leg.marketId, account, m.id, { selectionId: leg.selectionId, stake: m.stake, odds: leg.asked, accept: m.accept, others });
      } catch {
        // The market did not answer: still pending; the alarm asks again.
        return this.#later(m.id);
      }
      // The input gate let other events in while the market answered (a result, say): apply the answer to the record as it is now.
      this.#d.wallet.transact(() => {
        const now = this.store.get(m.id) as MultipleRecord;
        now.legs[i] = answer.ok
          ? { ...now.legs[i], state: LegState.ACCEPTED, taken: answer.odds, maxPayout: answer.maxPayout }
          : { ...now.legs[i], state: LegState.REFUSED };
        if (!answer.ok && now.reason === null) now.reason = answer.reason;
        this.store.put(now);
      });
      await this.#d.checkpoint("multiple:leg");
      if (!answer.ok) break;
    }
    return this.#d.wallet.transact(() => this.#decide(start.id));
  }

  /** Step (c), in one transaction: accepted at the legs' prices, or rejected with the stake refunded. */
  #decide(id: string): MultipleRecord {
    const m = this.store.get(id) as MultipleRecord;
    if (m.phase !== P.LEGS) return m;
    const refusal = m.legs.find((l) => l.state === LegState.REFUSED);
    if (refusal) return this.#reject(m, m.reason ?? RejectReason.MARKET_CLOSED);
    const odds = m.legs.map((l) => l.taken as Odds);
    const payout = payoutOfLegs(m.stake, odds);
    const cap = Math.min(...m.legs.map((l) => l.maxPayout ?? 0));
    if (payout === null || payout > cap) return this.#reject(m, RejectReason.PAYOUT_TOO_HIGH);
    const accepted: MultipleRecord = { ...m, status: BetStatus.ACCEPTED, payout, phase: P.OPEN, dueAt: null };
    // Legs may have settled while the others were asked: a multiple decided already is paid now.
    if (outcomeOf(m.stake, legsOf(accepted)).status !== BetStatus.ACCEPTED) accepted.dueAt = this.#d.now();
    this.store.put(accepted);
    return accepted.dueAt === null ? accepted : this.#settle(id);
  }

  #reject(m: MultipleRecord, reason: RejectReason): MultipleRecord {
    const now = this.#d.now();
    const rejected: MultipleRecord = { ...m, status: BetStatus.REJECTED, reason, payout: 0 as Money, phase: P.RELEASE, dueAt: now };
    this.#credit(multipleKey("refund", m.id), EntryKind.REFUND, m.stake);
    this.store.put(rejected);
    return rejected;
  }

  /** Release the legs the markets took, then done. Each release is idempotent at its market. */
  async #release(m: MultipleRecord): Promise<MultipleRecord> {
    const account = this.#d.wallet.account()?.accountId as AccountId;
    try {
      for (const leg of m.legs) if (leg.state === LegState.ACCEPTED) await this.#d.legs.release(leg.marketId, account, m.id);
    } catch {
      return this.#later(m.id);
    }
    const done: MultipleRecord = { ...(this.store.get(m.id) as MultipleRecord), phase: P.DONE, dueAt: null };
    this.store.put(done);
    return done;
  }

  /** Step (d), in the caller's transaction: a decided multiple's money, once by its key. */
  #settle(id: string): MultipleRecord {
    const m = this.store.get(id) as MultipleRecord;
    if (m.phase !== P.OPEN) return m;
    const outcome = outcomeOf(m.stake, legsOf(m));
    if (outcome.status === BetStatus.ACCEPTED) {
      const waiting = { ...m, dueAt: null };
      this.store.put(waiting);
      return waiting;
    }
    if (outcome.status === BetStatus.WON) this.#credit(multipleKey("payout", id), EntryKind.PAYOUT, outcome.payout);
    if (outcome.status === BetStatus.VOID) this.#credit(multipleKey("refund", id), EntryKind.REFUND, outcome.payout);
    // Lost at once while other legs' markets are still open: those legs are released there, so they no longer count in those books.
    const open = m.legs.some((l) => l.state === LegState.ACCEPTED && l.result === null);
    const now = this.#d.now();
    const settled: MultipleRecord = { ...m, status: outcome.status, payout: outcome.payout as Money, settledAt: now, phase: open ? P.RELEASE : P.DONE, dueAt: open ? now : null };
    this.store.put(settled);
    return settled;
  }

  /** One ledger row on `key`, once: a key already written moves nothing. */
  #credit(key: string, kind: EntryKind, amount: Money): void {
    const w = this.#d.wallet;
    if (w.entry(key)) return;
    const balance = w.account()?.balance ?? (0 as Money);
    const after = nextBalance(balance, amount);
    if (after === null) throw new Error(`a credit of ${amount} would pass the safe integers`);
    w.append(key, kind, amount, after, this.#d.now());
  }

  #later(id: string): MultipleRecord {
    const at = this.#d.now() + RETRY_MS;
    const m = { ...(this.store.get(id) as MultipleRecord), dueAt: at };
    this.store.put(m);
    this.#d.arm(at);
    return m;
  }
}

/** The legs as the pure rules read them: the price taken (or asked, before), and the result. */
function legsOf(m: MultipleRecord) {
  return m.legs.map((l) => ({ marketId: l.marketId, odds: l.taken ?? l.asked, ...(l.result === null ? {} : { result: l.result }) }));
}

function canonical(body: MultipleBody): string {
  return JSON.stringify([body.stake, body.accept ?? AcceptPolicy.EXACT, body.legs.map((l) => [l.marketId, l.selectionId, l.odds])]);
}

/** The contract's Multiple. */
export function toWire(m: MultipleRecord): Multiple {
  const odds = m.legs.map((l) => l.taken ?? l.asked);
  return {
    id: m.id,
    stake: m.stake,
    status: m.status,
    legs: m.legs.map((l) => ({ marketId: l.marketId, selectionId: l.selectionId, odds: oddsToDecimal(l.taken ?? l.asked), ...(l.result === null ? {} : { result: l.result }) })),
    odds: combinedOdds(odds),
    payout: m.payout,
    placedAt: m.placedAt,
    ...(m.settledAt === null ? {} : { settledAt: m.settledAt }),
    ...(m.reason === null ? {} : { reason: m.reason }),
  };
}
