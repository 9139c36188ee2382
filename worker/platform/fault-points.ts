// Named points in the money flows where a test can make the object crash, to
// prove that the reconciler and the settlement alarm put every cent right.
// Armed only through `runInDurableObject` in tests; unarmed, `hit` costs two
// lookups. The crash is `ctx.abort()`: the runtime throws away the instance and
// its memory, exactly as a real crash would, and keeps only what was stored.
// A test can also hold a flow at a point, to land other events while it waits.
export type FaultPoint =
  | "bet:recorded" // the pending bet is stored, the wallet not yet called
  | "bet:debited" // the wallet took the stake (a group's stakes), the hub has not recorded it
  | "bet:group-part" // some accounts' bets of a debited group are recorded in the hub, the rest not yet
  | "bet:refund-due" // the bet is rejected after the debit, the refund not yet sent
  | "settle:paid" // one settlement payment is made, not yet marked done
  | "cashout:decided" // the bet is marked cashed out (the credit owed), the wallet not yet called
  | "cashout:credited" // the wallet credited a cash out, the hub has not recorded it
  | "wallet:before-commit" // a wallet call arrived, nothing of it written yet: the caller sees it fail
  | "wallet:committed" // the wallet committed a money move, its answer not yet sent
  | "multiple:recorded" // the wallet took a multiple's stake and recorded it, no leg asked yet
  | "multiple:leg" // one leg's answer is stored, the next leg not yet asked
  | "multiple:result" // a leg's result decided the multiple and is stored, the money not yet moved
  | "leg:answered"; // a hub stored its answer to a multiple's leg, the answer not yet sent

/**
 * How many times each point has crashed an object in this isolate. Module
 * state, so it outlives the aborted instance: a test reads it to prove that
 * the crashes it armed really happened.
 */
export const firedFaults = new Map<FaultPoint, number>();

/**
 * How many times each point was reached, armed or not, by point and, where
 * the caller names one, by label (`wallet:before-commit/refundStake`): a test
 * counts the wallet calls a flow makes with it.
 */
export const reachedFaults = new Map<string, number>();

interface Hold {
  reached: boolean;
  release: () => void;
  released: Promise<void>;
}

export class FaultPoints {
  readonly #armed = new Set<FaultPoint>();
  readonly #holds = new Map<FaultPoint, Hold>();
  readonly #ctx: DurableObjectState;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  arm(point: FaultPoint): void {
    this.#armed.add(point);
  }

  /**
   * The next flow to reach `point` waits there until `release(point)`. The
   * object stays up and, since the wait is no storage call, its input gate
   * lets other events in meanwhile: a caller awaiting this object sees its
   * call still in flight.
   */
  hold(point: FaultPoint): void {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#holds.set(point, { reached: false, release, released });
  }

  /** Whether a flow is waiting at `point` now. */
  holding(point: FaultPoint): boolean {
    return this.#holds.get(point)?.reached ?? false;
  }

  release(point: FaultPoint): void {
    this.#holds.get(point)?.release();
    this.#holds.delete(point);
  }

  /**
   * Wait here if held; crash here if armed. Storage is synced before a crash,
   * so it lands after what was written is durable (the hard case: the work is
   * done, the caller never hears of it). An abort before the sync would simply
   * lose the writes.
   */
  async hit(point: FaultPoint, label?: string): Promise<void> {
    const name = label === undefined ? point : `${point}/${label}`;
    reachedFaults.set(name, (reachedFaults.get(name) ?? 0) + 1);
    const hold = this.#holds.get(point);
    if (hold && !hold.reached) {
      hold.reached = true;
      await hold.released;
    }
    if (!this.#armed.delete(point)) return;
    firedFaults.set(point, (firedFaults.get(point) ?? 0) + 1);
    await this.#ctx.storage.sync();
    this.#ctx.abort(`fault injected at ${point}`);
  }
}
