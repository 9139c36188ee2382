// Settlement as a persisted state machine. Marking happens in the same
// transaction as the `settled` event: every accepted bet gets its final status
// and phase SETTLE. Paying happens after (at once, and from the alarm until
// done), one wallet call per account for many of its bets, each moved on the
// bet's own key, so a crash half way resumes where it stopped and a repeated
// call pays nothing twice.
import { BetStatus } from "../protocol/codes.ts";
import type { AccountId, SelectionId } from "../protocol/units.ts";
import { type BetRow, Phase, toReply, toWireBet } from "../rules/bet-record.ts";
import { SettleKind, type SettleItem } from "../rules/ledger.ts";
import { outcomeOf } from "../rules/settlement.ts";
import { inPool } from "./in-pool.ts";
import type { MoneyParts } from "./money-parts.ts";

/** How many wallet calls settlement keeps in flight at once. */
const PARALLEL = 16;
/** At most this many of one account's bets in one wallet call. */
const PER_CALL = 200;
/** Bets read from storage per batch of payments. */
const BATCH = 2_000;

export interface SettlementDeps extends MoneyParts {
  marketId: () => string;
}

export class Settlement {
  readonly #d: SettlementDeps;
  /** The payment pass under way, if any: settlement's first pass and the alarm share it. */
  #paying: Promise<number> | null = null;

  constructor(deps: SettlementDeps) {
    this.#d = deps;
  }

  /** Mark every accepted bet with its outcome; the caller holds the transaction. */
  mark(winner: SelectionId | null, now: number): number {
    const { store } = this.#d;
    const bets = store.acceptedBets();
    for (const row of bets) store.putBet(outcomeOf(row, winner, now));
    // Bets waiting out an in-play delay, all of them, are decided at once: the market is shut, so they are refused and refunded.
    store.makeHeldDue(now);
    return bets.length;
  }

  /**
   * Pay every bet still in phase SETTLE, batch after batch, until none is left
   * or a batch had a wallet call fail. Returns how many remain (0 when done).
   * One pass at a time: a second caller joins the pass under way instead of
   * starting another, so no wallet is called twice for one bet at once and no
   * punter hears its outcome twice. Keys would keep the money right either way.
   */
  pay(): Promise<number> {
    this.#paying ??= this.#payAll().finally(() => {
      this.#paying = null;
    });
    return this.#paying;
  }

  async #payAll(): Promise<number> {
    for (;;) {
      const failures = await this.#payBatch();
      const left = this.#d.store.countInPhase(Phase.SETTLE);
      if (failures > 0 || left === 0) return failures + left;
    }
  }

  /** One batch of payments, one wallet call per account (in chunks); returns how many calls failed. */
  #payBatch(): Promise<number> {
    const chunks: BetRow[][] = [];
    const open = new Map<AccountId, BetRow[]>();
    for (const row of this.#d.store.firstInPhase(Phase.SETTLE, BATCH)) {
      let chunk = open.get(row.account);
      if (!chunk || chunk.length === PER_CALL) {
        chunk = [];
        open.set(row.account, chunk);
        chunks.push(chunk);
      }
      chunk.push(row);
    }
    return inPool(chunks, PARALLEL, (rows) => this.#payAccount(rows));
  }

  /** Pay one account's bets in one wallet call, then mark those it did done, together. */
  async #payAccount(rows: BetRow[]): Promise<void> {
    const { store, wallets, notify, checkpoint } = this.#d;
    const marketId = this.#d.marketId();
    const account = rows[0].account;
    const items: SettleItem[] = rows.map((row) => ({
      betId: row.id,
      kind: row.status === BetStatus.WON ? SettleKind.PAYOUT : row.status === BetStatus.VOID ? SettleKind.REFUND : SettleKind.RECORD,
      amount: row.payout,
      update: { bet: toWireBet(row, marketId), version: row.version },
    }));
    const r = await wallets.settleBets(account, marketId, items);
    await checkpoint("settle:paid");
    const paid = rows.filter((_, i) => r.done[i]);
    store.transact(() => {
      for (const row of paid) store.putBet({ ...row, phase: Phase.DONE, syncedVersion: row.version });
    });
    // The punter's open sockets hear the outcomes at once: the balance first, then each bet.
    if (r.moved) notify(account, { type: "balance", balance: r.balance, asOf: r.asOf });
    for (const row of paid) notify(account, toReply(row, marketId));
    if (paid.length < rows.length) throw new Error(`wallet refused ${rows.length - paid.length} settlement(s)`);
  }
}
