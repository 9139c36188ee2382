// Group commit for stake debits. Bets that arrive together (queued before the
// next flush: a new bet waits for a zero timer, so every frame already
// delivered to the object gets in; bets queued while their account's previous
// group was at the wallet go as soon as it is back) go out as one group: their new rows stored in one hub
// SQLite commit, one wallet call per account for all of that account's stakes
// in the group (Wallet.debitStakes, one transaction, each item once by its
// key), then every item's outcome recorded in one pass once all the group's
// wallets have answered, so the group's records share one commit too. Answers
// leave behind that commit (the output gate holds them until it is durable).
//
// An account has at most one group call in flight: its bets that arrive
// meanwhile wait for the next group, which is what makes a punter with several
// bets in flight cost one wallet call per round trip, not one per bet.
//
// A bet accepted as its group commits moves no more money, but the wallet
// keeps the account's list of bets (and answers another market's retry of the
// id from it): its final copy goes as the group commits, before the answer,
// in one recordBets call per account, or, when that account already has bets
// queued for the next group (a punter with bets in flight), with that group's
// call, which leaves at once. A copy lost to a crash or a failed call stays
// unsynced in the hub's store, and the reconciler sends it.
import type { FaultPoint } from "../platform/fault-points.ts";
import type { AccountId } from "../protocol/units.ts";
import { type BetRow, toWireBet } from "../rules/bet-record.ts";
import type { BetUpdate, DebitItem, MoneyResult } from "../rules/ledger.ts";
import type { HubStore } from "./hub-store.ts";
import type { WalletPort } from "./wallet-port.ts";

/** Bets one group takes at most; the rest wait for the next. */
export const MAX_GROUP = 256;

export interface GroupDebit {
  row: BetRow;
  item: DebitItem;
  /** A new bet: its row is stored with the group, before the wallet is called. */
  record: boolean;
}

export interface DebitGroupsDeps<D extends GroupDebit, T> {
  marketId: () => string;
  store: HubStore;
  wallets: WalletPort;
  schedule: () => void;
  checkpoint: (point: FaultPoint) => Promise<void>;
  /**
   * The item's outcome from its wallet answer (null: the call failed, the
   * answer unknown). Synchronous, so the whole group's records land together.
   */
  settle: (debit: D, result: MoneyResult | null) => T;
}

interface Copy {
  row: BetRow;
  sent: () => void;
}

interface Waiting<D, T> {
  debit: D;
  resolve: (outcome: T) => void;
  reject: (err: unknown) => void;
}

export class DebitGroups<D extends GroupDebit, T> {
  readonly #d: DebitGroupsDeps<D, T>;
  #queue: Waiting<D, T>[] = [];
  /** Accounts with a group call in flight. */
  readonly #busy = new Set<AccountId>();
  #flushDue = false;
  #flushNowDue = false;
  /** Finished bets' copies waiting for their account's next call, by account. */
  readonly #copies = new Map<AccountId, Copy[]>();

  constructor(deps: DebitGroupsDeps<D, T>) {
    this.#d = deps;
  }

  /**
   * Debit one bet's stake with the next group; resolves with `settle`'s
   * outcome for it. `now`: flush on a microtask rather than wait for the timer
   * (the reconciler's bets, which no frame will join).
   */
  debit(debit: D, now = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ debit, resolve, reject });
      if (now) this.flushNow();
      else this.#flushSoon();
    });
  }

  /**
   * Flush what is queued on a microtask. A timer can lag behind other events
   * (the alarm's, say): the alarm calls this so no queued bet waits on it.
   */
  flushNow(): void {
    if (this.#flushNowDue || this.#queue.length === 0) return;
    this.#flushNowDue = true;
    queueMicrotask(() => {
      this.#flushNowDue = false;
      void this.#flush();
    });
  }

  /**
   * Send the copy of a bet finished as its group commits (a state that moves
   * no money) when the group's pass ends (see #sendCopiesNow); resolves once
   * its call is over, whether or not it landed (if not, the row stays
   * unsynced for the reconciler). Only for `settle` to call.
   */
  record(row: BetRow): Promise<void> {
    return new Promise<void>((sent) => {
      const mine = this.#copies.get(row.account) ?? [];
      if (mine.length === 0) this.#copies.set(row.account, mine);
      mine.push({ row, sent });
    });
  }

  /**
   * Copies of accounts with no bet queued go now, one recordBets call per
   * account, marked synced together when all have answered (one commit); the
   * others ride with the next group, which is due at once.
   */
  #sendCopiesNow(): void {
    const queued = new Set(this.#queue.map((w) => w.debit.row.account));
    const going = [...this.#copies.keys()].filter((a) => !queued.has(a)).map((a) => this.#takeCopies(a));
    if (going.length === 0) return;
    const calls = going.map((copies) =>
      this.#d.wallets.recordBets(copies[0].row.account, copies.map((c) => this.#update(c.row))).then(
        () => true,
        () => false,
      ),
    );
    void Promise.all(calls).then((landed) => going.forEach((copies, i) => this.#landed(copies, landed[i])));
  }

  #takeCopies(account: AccountId): Copy[] {
    const copies = this.#copies.get(account) ?? [];
    this.#copies.delete(account);
    return copies;
  }

  #update(row: BetRow): BetUpdate {
    return { bet: toWireBet(row, this.#d.marketId()), version: row.version };
  }

  /** The copies' call is over: mark them synced if it landed, else leave them to the reconciler. */
  #landed(copies: Copy[], ok: boolean): void {
    if (!ok) this.#d.schedule();
    for (const c of copies) {
      if (ok) this.#d.store.markSynced(c.row.account, c.row.id, c.row.version);
      c.sent();
    }
  }

  #flushSoon(): void {
    if (this.#flushDue || this.#queue.length === 0) return;
    this.#flushDue = true;
    setTimeout(() => {
      this.#flushDue = false;
      void this.#flush();
    }, 0);
  }

  /** The next group: queued bets of accounts with no call in flight, in arrival order, at most MAX_GROUP. */
  #take(): Map<AccountId, Waiting<D, T>[]> {
    const group = new Map<AccountId, Waiting<D, T>[]>();
    const rest: Waiting<D, T>[] = [];
    let taken = 0;
    for (const w of this.#queue) {
      const account = w.debit.row.account;
      if (taken >= MAX_GROUP || this.#busy.has(account)) {
        rest.push(w);
        continue;
      }
      const mine = group.get(account) ?? [];
      if (mine.length === 0) group.set(account, mine);
      mine.push(w);
      taken++;
    }
    this.#queue = rest;
    return group;
  }

  async #flush(): Promise<void> {
    const group = this.#take();
    if (group.size === 0) return;
    for (const account of group.keys()) this.#busy.add(account);
    const left = new Set([...group.values()].flat());
    try {
      await this.#run(group, left);
    } catch (err) {
      // A crash point or a store error: whoever still waits hears of it, as a lone bet's caller would.
      for (const w of left) w.reject(err);
    } finally {
      for (const account of group.keys()) this.#busy.delete(account);
      // Bets that waited for these accounts are a group already.
      this.flushNow();
    }
  }

  async #run(group: Map<AccountId, Waiting<D, T>[]>, left: Set<Waiting<D, T>>): Promise<void> {
    const { store, wallets, checkpoint } = this.#d;
    const fresh = [...left].filter((w) => w.debit.record);
    for (const w of fresh) store.putBet(w.debit.row);
    if (fresh.length > 0) this.#d.schedule();
    await checkpoint("bet:recorded");
    const marketId = this.#d.marketId();
    const copies = [...group.keys()].map((account) => this.#takeCopies(account));
    try {
      const calls = [...group].map(([account, ws], n) =>
        wallets.debitStakes(account, marketId, ws.map((w) => w.debit.item), copies[n].map((c) => this.#update(c.row))).then(
          (results) => results,
          () => null,
        ),
      );
      const answers = await Promise.all(calls);
      await checkpoint("bet:debited");
      let n = 0;
      for (const ws of group.values()) {
        // Unarmed this is a microtask, not I/O: the group's records still share one commit.
        if (n > 0) await checkpoint("bet:group-part");
        this.#landed(copies[n], answers[n] !== null);
        const results = answers[n++];
        for (const [i, w] of ws.entries()) {
          const outcome = this.#d.settle(w.debit, results?.[i] ?? null);
          left.delete(w);
          w.resolve(outcome);
        }
      }
      this.#sendCopiesNow();
    } finally {
      // Whatever happened, no copy is still in this call (resolving twice is harmless).
      for (const c of copies.flat()) c.sent();
    }
  }
}
