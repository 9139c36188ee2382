// Named points in the money flows where a test can make the object crash, to
// prove that the reconciler and the settlement alarm put every cent right.
// Armed only through `runInDurableObject` in tests; unarmed, `hit` costs a Set
// lookup. The crash is `ctx.abort()`: the runtime throws away the instance and
// its memory, exactly as a real crash would, and keeps only what was stored.
export type FaultPoint =
  | "bet:recorded" // the pending bet is stored, the wallet not yet called
  | "bet:debited" // the wallet took the stake, the hub has not recorded it
  | "bet:refund-due" // the bet is rejected after the debit, the refund not yet sent
  | "settle:paid" // one settlement payment is made, not yet marked done
  | "wallet:committed"; // the wallet committed a money move, its answer not yet sent

export class FaultPoints {
  readonly #armed = new Set<FaultPoint>();
  readonly #ctx: DurableObjectState;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  arm(point: FaultPoint): void {
    this.#armed.add(point);
  }

  /**
   * Crash here if armed. Storage is synced first, so the crash lands after
   * what was written is durable (the hard case: the work is done, the caller
   * never hears of it). An abort before the sync would simply lose the writes.
   */
  async hit(point: FaultPoint): Promise<void> {
    if (!this.#armed.delete(point)) return;
    await this.#ctx.storage.sync();
    this.#ctx.abort(`fault injected at ${point}`);
  }
}
