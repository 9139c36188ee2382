// The reconnect storm: every viewer socket dropped at once (TCP closed with no
// close frame, as when a network flaps), and all of them resumed at once with
// `?since=<seq>&epoch=<epoch>` while the odds keep moving. Measures the time
// from the drop until each socket is live again (its first frame: a replay of
// what it missed, the viewer count when it missed nothing, or a snapshot),
// and checks the contract's promise: no change is ever silently skipped.
import { performance } from "node:perf_hooks";
import type { EdgebookSystem } from "./edgebook-system.ts";
import { type Summary, summarize } from "./stats.ts";
import type { Subscriber, SubscriberOptions } from "./subscriber.ts";

export interface StormParams {
  system: EdgebookSystem;
  subscribers: Subscriber[];
  /** Odds changes a second published throughout. */
  rate: number;
  firstK: number;
  timeoutMs: number;
  onOdds?: SubscriberOptions["onOdds"];
}

export interface StormResult {
  sockets: number;
  /** Drop to the last socket live again. */
  allLiveMs: number;
  /** Per socket, drop to live. */
  liveMs: Summary;
  resumed: number;
  failed: number;
  firstError: string | null;
  /** Served by replay from the log (first odds frame = since + 1) or by a snapshot. */
  replays: number;
  snapshots: number;
  /** Resumed with nothing missed: the first frame was the viewer count. */
  upToDate: number;
  gaps: number;
  duplicates: number;
  /** Resumed sockets that did not catch up with the last published seq in time. */
  behind: number;
  serverCpuSeconds: number;
  published: number;
  publishErrors: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Returns the result and the resumed sockets, which replace the dropped ones. */
export async function runReconnectStorm(p: StormParams): Promise<{ result: StormResult; resumed: Subscriber[] }> {
  const { system } = p;
  let stop = false;
  let published = 0;
  let publishErrors = 0;
  let lastSeq = -1;
  const publishing = (async () => {
    const intervalMs = 1000 / p.rate;
    const t0 = performance.now();
    const deadline = t0 + p.timeoutMs + 10_000;
    for (let i = 0; !stop && performance.now() < deadline; i++) {
      const due = t0 + i * intervalMs;
      if (due > performance.now()) await sleep(due - performance.now());
      try {
        lastSeq = Math.max(lastSeq, await system.publish(p.firstK + i));
        published++;
      } catch {
        publishErrors++;
      }
    }
  })();

  // Let the stream run a moment, then drop every socket at once.
  await sleep(500);
  const cpu0 = system.sample();
  const since = p.subscribers.map((s) => s.lastSeq);
  const tDrop = performance.now();
  for (const s of p.subscribers) s.terminate();
  const settled = await Promise.allSettled(since.map((seq) => system.resume(seq, { onOdds: p.onOdds, timeoutMs: p.timeoutMs })));
  const resumed = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failures = settled.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
  const live = resumed.map((s) => (s.firstFrameAt ?? NaN) - tDrop);
  const allLiveMs = Math.max(...live, 0);

  // Keep publishing a little, then let every resumed socket catch up with the last change (bounded).
  await sleep(500);
  stop = true;
  await publishing;
  const catchUp = performance.now() + 5_000;
  while (performance.now() < catchUp && resumed.some((s) => s.closed === null && s.lastSeq < lastSeq)) await sleep(20);
  const cpu1 = system.sample();

  let replays = 0;
  let snapshots = 0;
  let upToDate = 0;
  // A resumed socket starts at its `since`, so a first odds frame past since + 1 already counts as a gap.
  for (const s of resumed) {
    if (s.firstKind === "snapshot") snapshots++;
    else if (s.firstKind === "odds") replays++;
    else upToDate++;
  }
  return {
    resumed,
    result: {
      sockets: p.subscribers.length,
      allLiveMs,
      liveMs: summarize(live.filter(Number.isFinite)),
      resumed: resumed.length,
      failed: failures.length,
      firstError: failures[0] ?? null,
      replays,
      snapshots,
      upToDate,
      gaps: resumed.reduce((n, s) => n + s.gaps, 0),
      duplicates: resumed.reduce((n, s) => n + s.duplicates, 0),
      behind: resumed.filter((s) => s.lastSeq < lastSeq).length,
      serverCpuSeconds: cpu1.cpuSeconds - cpu0.cpuSeconds,
      published,
      publishErrors,
    },
  };
}
