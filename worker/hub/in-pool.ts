// Work through a list with at most `width` calls in flight: how settlement and
// the reconciler keep a bounded number of wallet calls out at once.

/** Run `fn` on every item, `width` at a time; resolves when all have settled. Returns how many threw. */
export async function inPool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<number> {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return failures;
}
