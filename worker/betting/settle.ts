// Settlement as a persisted state machine. Marking happens in the same
// transaction as the `settled` event: every accepted bet gets its final status
// and phase SETTLE. Paying happens after, from the alarm, one wallet call per
// bet on the bet's own key, so a crash half way resumes where it stopped and
// a repeated call pays nothing twice.
import { BetStatus } from "../protocol/codes.ts";
import type { ServerFrame } from "../protocol/schemas.ts";
import type { AccountId, Money, SelectionId } from "../protocol/units.ts";
import { type BetRow, type MarketStore, Phase } from "../market/market-store.ts";
import { toReply, toWireBet } from "./bet-record.ts";
import type { FaultPoint } from "./fault-points.ts";
import type { WalletPort } from "./wallet-port.ts";

/** How many wallet calls settlement keeps in flight at once. */
const PARALLEL = 16;

/** The final state of one accepted bet when the market settles (winner) or voids (null). */
export function outcomeOf(row: BetRow, winner: SelectionId | null, now: number): BetRow {
  const base = { ...row, phase: Phase.SETTLE, settledAt: now, version: row.version + 1 };
  if (winner === null) return { ...base, status: BetStatus.VOID, payout: row.stake };
  if (row.selectionId === winner) return { ...base, status: BetStatus.WON, payout: row.payout };
  return { ...base, status: BetStatus.LOST, payout: 0 as Money };
}

/** Mark every accepted bet with its outcome; the caller holds the transaction. */
export function markSettlement(store: MarketStore, winner: SelectionId | null, now: number): number {
  const bets = store.acceptedBets();
  for (const row of bets) store.putBet(outcomeOf(row, winner, now));
  // Bets waiting out an in-play delay are decided at once: the market is shut, so they are refused and refunded.
  for (const row of store.betsInPhase(Phase.HELD)) store.putBet({ ...row, dueAt: now });
  return bets.length;
}

export interface PayDeps {
  store: MarketStore;
  wallets: WalletPort;
  marketId: string;
  notify: (account: AccountId, frame: ServerFrame) => void;
  checkpoint: (name: FaultPoint) => Promise<void>;
}

/** Bets read from storage per batch of payments. */
const BATCH = 2_000;

/**
 * Pay every bet still in phase SETTLE, batch after batch, until none is left or
 * a batch had a wallet call fail. Returns how many remain (0 when done).
 */
export async function payOutstanding(deps: PayDeps): Promise<number> {
  for (;;) {
    const failures = await payBatch(deps);
    const left = deps.store.betsInPhase(Phase.SETTLE, 1).length;
    if (failures > 0 || left === 0) return failures + left;
  }
}

/** One batch of payments; returns how many of its wallet calls failed. */
async function payBatch({ store, wallets, marketId, notify, checkpoint }: PayDeps): Promise<number> {
  const queue = store.betsInPhase(Phase.SETTLE, BATCH);
  let failures = 0;
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      try {
        await payOne(row);
      } catch {
        failures++;
      }
    }
  };
  const payOne = async (row: BetRow) => {
    const update = { bet: toWireBet(row, marketId), version: row.version };
    let balance: { balance: number; asOf: number } | null = null;
    if (row.status === BetStatus.WON) {
      const r = await wallets.payout(row.account, marketId, row.id, row.payout, update);
      if (!r.ok) throw new Error(`payout refused: ${r.reason}`);
      if (!r.replayed) balance = { balance: r.balance, asOf: r.asOf };
    } else if (row.status === BetStatus.VOID) {
      const r = await wallets.refundStake(row.account, marketId, row.id, update);
      if (r.ok && !r.replayed) balance = { balance: r.balance, asOf: r.asOf };
    } else {
      await wallets.recordBet(row.account, update);
    }
    await checkpoint("settle:paid");
    store.putBet({ ...row, phase: Phase.DONE, syncedVersion: row.version });
    // The punter's open sockets hear the outcome at once: the balance first, then the bet.
    if (balance !== null) notify(row.account, { type: "balance", ...balance });
    notify(row.account, toReply(row, marketId));
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return failures;
}
