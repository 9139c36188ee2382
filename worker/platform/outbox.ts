// One peer's outbox: one call in flight at a time, each call taking what
// waits as one batch, a failed call put back and retried (with a doubling
// pause) before anything newer. After `maxTries` failures in a row the caller
// gives up on what waits; its peers notice the gap and catch up themselves.
export interface OutboxOps<B> {
  /** The next batch, or null when nothing waits. */
  take(): B | null;
  send(batch: B): Promise<unknown>;
  /** A failed batch goes back, ahead of (or under) anything newer. */
  putBack(batch: B): void;
  giveUp(): void;
}

export async function drainOutbox<B>(box: { sending: boolean }, ops: OutboxOps<B>, maxTries: number): Promise<void> {
  box.sending = true;
  let tries = 0;
  try {
    for (let batch = ops.take(); batch !== null; batch = ops.take()) {
      try {
        await ops.send(batch);
        tries = 0;
      } catch {
        ops.putBack(batch);
        if (++tries >= maxTries) {
          ops.giveUp();
          return;
        }
        await new Promise((r) => setTimeout(r, 50 * 2 ** tries));
      }
    }
  } finally {
    box.sending = false;
  }
}
