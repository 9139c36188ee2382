// Settlement as a persisted state machine. Marking happens in the same
// transaction as the `settled` event: every accepted bet gets its final status
// and phase SETTLE. Paying happens after, from the alarm, one wallet call per
// bet on the bet's own key, so a crash half way resumes where it stopped and
// a repeated call pays nothing twice.
import { BetStatus } from "../protocol/codes.ts";
import type { ServerFrame } from "../protocol/schemas.ts";
import type { AccountId, SelectionId } from "../protocol/units.ts";
import type { FaultPoint } from "../platform/fault-points.ts";
import { type BetRow, Phase, toReply, toWireBet } from "../rules/bet-record.ts";
import { outcomeOf } from "../rules/settlement.ts";
import type { HubStore } from "./hub-store.ts";
import { inPool } from "./in-pool.ts";
import type { WalletPort } from "./wallet-port.ts";

/** How many wallet calls settlement keeps in flight at once. */
const PARALLEL = 16;
/** Bets read from storage per batch of payments. */
const BATCH = 2_000;

export interface SettlementDeps {
  store: HubStore;
  wallets: WalletPort;
  marketId: () => string;
  notify: (account: AccountId, frame: ServerFrame) => void;
  checkpoint: (name: FaultPoint) => Promise<void>;
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

  /** One batch of payments; returns how many of its wallet calls failed. */
  #payBatch(): Promise<number> {
    return inPool(this.#d.store.firstInPhase(Phase.SETTLE, BATCH), PARALLEL, (row) => this.#payOne(row));
  }

  async #payOne(row: BetRow): Promise<void> {
    const { store, wallets, notify, checkpoint } = this.#d;
    const marketId = this.#d.marketId();
    const update = { bet: toWireBet(row, marketId), version: row.version };
    let balance: { balance: number; asOf: number } | null = null;
    if (row.status === BetStatus.WON) {
      const r = await wallets.payout(row.account, marketId, row.id, row.payout, update);
      if (!r.ok) throw new Error(`payout refused: ${r.code}`);
      if (!r.value.replayed) balance = { balance: r.value.balance, asOf: r.value.asOf };
    } else if (row.status === BetStatus.VOID) {
      const r = await wallets.refundStake(row.account, marketId, row.id, update);
      if (r.ok && !r.value.replayed) balance = { balance: r.value.balance, asOf: r.value.asOf };
    } else {
      await wallets.recordBet(row.account, update);
    }
    await checkpoint("settle:paid");
    store.putBet({ ...row, phase: Phase.DONE, syncedVersion: row.version });
    // The punter's open sockets hear the outcome at once: the balance first, then the bet.
    if (balance !== null) notify(row.account, { type: "balance", ...balance });
    notify(row.account, toReply(row, marketId));
  }
}
