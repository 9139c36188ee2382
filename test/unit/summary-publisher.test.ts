import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SummaryPublisher } from "../../worker/hub/summary-publisher.ts";
import type { SummaryUpdate } from "../../worker/rules/book-rules.ts";
import type { Market } from "../../worker/protocol/schemas.ts";
import { wireMarket } from "../helpers/wire-market.ts";

function harness(opts: { fail?: () => boolean; sentSeq?: number | null } = {}) {
  let market: Market = wireMarket();
  let stored = opts.sentSeq ?? null;
  const sent: SummaryUpdate[] = [];
  let scheduled = 0;
  const publisher = new SummaryPublisher({
    market: () => market,
    send: async (u) => {
      if (opts.fail?.()) throw new Error("shard unavailable");
      sent.push(u);
    },
    sentSeq: { get: () => stored, set: (s) => (stored = s) },
    schedule: () => scheduled++,
  });
  return {
    publisher,
    sent,
    stored: () => stored,
    scheduled: () => scheduled,
    change(over: Partial<Market>, urgent: boolean) {
      market = { ...market, ...over, seq: market.seq + 1 };
      publisher.changed(urgent);
    },
  };
}

describe("a hub's summary publisher", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("sends a lone odds change at once, then the latest of a stream every 250 ms", async () => {
    const h = harness({ sentSeq: 0 });
    h.change({ selections: [{ id: "a", name: "A", odds: 2.1 }] }, false);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.sent.map((u) => u.market.seq)).toEqual([1]);
    for (let i = 2; i <= 10; i++) {
      h.change({ selections: [{ id: "a", name: "A", odds: 2 + i / 10 }] }, false);
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(h.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.sent.map((u) => u.market.seq)).toEqual([1, 10]);
    expect(h.sent[1].market.selections[0].odds).toBe(3);
    expect(h.stored()).toBe(10);
  });

  it("sends status at once even while odds wait for their window", async () => {
    const h = harness({ sentSeq: 0 });
    h.change({ selections: [{ id: "a", name: "A", odds: 2.1 }] }, false);
    await vi.advanceTimersByTimeAsync(0);
    h.change({ selections: [{ id: "a", name: "A", odds: 2.2 }] }, false);
    await vi.advanceTimersByTimeAsync(10);
    h.change({ status: "suspended" }, true);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.sent.map((u) => [u.market.seq, u.market.status])).toEqual([
      [1, "open"],
      [3, "suspended"],
    ]);
    // The odds it carries are the latest: nothing is left to send after it.
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.sent).toHaveLength(2);
  });

  it("retries a failed send from the alarm, with the market as it then is", async () => {
    let down = true;
    const h = harness({ fail: () => down, sentSeq: 0 });
    h.change({ status: "suspended" }, true);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.sent).toHaveLength(0);
    expect(h.scheduled()).toBe(1);
    const due = h.publisher.retryAt!;
    expect(due).toBeGreaterThan(Date.now());
    h.change({ selections: [{ id: "a", name: "A", odds: 2.5 }] }, false);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.sent).toHaveLength(0);
    down = false;
    h.publisher.retry(due);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.sent.map((u) => [u.market.seq, u.market.status])).toEqual([[2, "suspended"]]);
    expect(h.publisher.retryAt).toBeNull();
  });

  it("publishes on wake a change the shard never acknowledged", async () => {
    const h = harness({ sentSeq: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(h.sent.map((u) => u.market.seq)).toEqual([0]);
    const quiet = harness({ sentSeq: 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(quiet.sent).toHaveLength(0);
  });
});
