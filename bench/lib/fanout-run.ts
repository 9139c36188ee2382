// One fan-out measurement against any system: publish `updates` odds changes
// open-loop at `rate` a second (after `warmup` unmeasured ones) to subscribers
// already open, and time every delivery from just before its publish left this
// process to the frame event on each socket, matched by seq. Also: deliveries
// a second, server CPU per delivery (its process group, from /proc), the load
// generator's own CPU, and the bytes one socket received per update.
import { performance } from "node:perf_hooks";
import { machineBusySeconds } from "./machine-cpu.ts";
import { type Summary, summarize } from "./stats.ts";
import type { Subscriber } from "./subscriber.ts";
import type { CpuSplit, SystemUnderTest } from "./system.ts";

/** Every (seq, receive time) of one run, in flat typed arrays: a run can see millions. */
export class Arrivals {
  static readonly CAP = 8_000_000;
  #seq = new Int32Array(1 << 16);
  #at = new Float64Array(1 << 16);
  n = 0;
  overflow = 0;

  readonly add = (seq: number, at: number): void => {
    if (this.n === this.#seq.length) {
      if (this.n >= Arrivals.CAP) {
        this.overflow++;
        return;
      }
      const seqs = new Int32Array(this.n * 2);
      const ats = new Float64Array(this.n * 2);
      seqs.set(this.#seq);
      ats.set(this.#at);
      this.#seq = seqs;
      this.#at = ats;
    }
    this.#seq[this.n] = seq;
    this.#at[this.n] = at;
    this.n++;
  };

  reset(): void {
    this.n = 0;
    this.overflow = 0;
  }

  seqAt(i: number): number {
    return this.#seq[i];
  }

  atAt(i: number): number {
    return this.#at[i];
  }
}

export interface FanoutParams {
  system: SystemUnderTest;
  subscribers: Subscriber[];
  arrivals: Arrivals;
  updates: number;
  rate: number;
  /** Pushes before the measured ones, delivered and checked but left out of the figures. */
  warmup: number;
  /** Most publishes in flight at once; open-loop up to this cap. */
  inflight: number;
  /** Index of the first push, so the odds keep walking across runs. */
  firstK: number;
  /** Longest wait for stragglers after the last publish answered. */
  drainMs: number;
  /** A raw subscriber whose TCP byte count gives the bytes per update. */
  byteSub?: Subscriber;
}

export interface FanoutResult {
  subscribers: number;
  updates: number;
  rate: number;
  latencyMs: Summary;
  deliveries: number;
  expected: number;
  missed: number;
  deliveriesPerSec: number;
  seconds: number;
  serverCpuSeconds: number;
  serverCpuSplit: CpuSplit | null;
  cpuUsPerDelivery: number;
  /** Same, counting only the workerd process that runs the Worker (wrangler systems). */
  workerCpuUsPerDelivery: number | null;
  /** Server CPU over wall time: near 1 means the server's core was saturated (it is pinned to one). */
  serverUtilisation: number;
  clientCpuSeconds: number;
  /** Load generator CPU over wall time: near 1 means the client, not the server, set the pace. */
  clientUtilisation: number;
  otherCpuSeconds: number;
  bytesPerUpdate: number | null;
  /** The WebSocket payload alone (the JSON text, or Socket.IO's packet), per update. */
  payloadPerUpdate: number | null;
  publishMs: Summary;
  lateStarts: number;
  publishErrors: string[];
  /** Whether gaps and duplicates count as faults (see SystemUnderTest.ordered). */
  ordered: boolean;
  gaps: number;
  duplicates: number;
  closedDuring: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFanout(p: FanoutParams): Promise<FanoutResult> {
  const { system, subscribers, arrivals } = p;
  arrivals.reset();
  const open = subscribers.filter((s) => s.closed === null);
  const before = {
    gaps: sum(open, (s) => s.gaps),
    duplicates: sum(open, (s) => s.duplicates),
    closed: subscribers.length - open.length,
  };
  const total = p.warmup + p.updates;
  const sentAt = new Map<number, number>();
  const measuredSeqs = new Set<number>();
  const publishMs: number[] = [];
  const publishErrors: string[] = [];
  const intervalMs = 1000 / p.rate;
  let inflight = 0;
  let lateStarts = 0;
  let tFirst = NaN;
  let cpu0 = { server: system.sample(), client: process.cpuUsage(), machine: machineBusySeconds() };
  let bytes0 = { read: NaN, frames: 0, payload: 0 };

  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * intervalMs;
    // Bounded: every publish settles within its 15 s timeout, so inflight always falls again.
    while (performance.now() < due || inflight >= p.inflight) await sleep(Math.max(1, Math.min(due - performance.now(), 5)));
    if (performance.now() - due > intervalMs) lateStarts++;
    const measured = i >= p.warmup;
    if (i === p.warmup) {
      cpu0 = { server: system.sample(), client: process.cpuUsage(), machine: machineBusySeconds() };
      if (p.byteSub) bytes0 = byteCount(p.byteSub);
      tFirst = performance.now();
    }
    inflight++;
    const sent = performance.now();
    pending.push(
      system
        .publish(p.firstK + i)
        .then((seq) => {
          publishMs.push(performance.now() - sent);
          sentAt.set(seq, sent);
          if (measured) measuredSeqs.add(seq);
        })
        .catch((err: unknown) => {
          publishErrors.push(err instanceof Error ? err.message : String(err));
        })
        .finally(() => {
          inflight--;
        }),
    );
  }
  await Promise.all(pending);

  if (sentAt.size === 0) throw new Error(`every publish failed, first: ${publishErrors[0] ?? "?"}`);
  const lastSeq = Math.max(...sentAt.keys());
  const drainUntil = performance.now() + p.drainMs;
  while (performance.now() < drainUntil && open.some((s) => s.closed === null && s.lastSeq < lastSeq)) await sleep(10);
  const cpu1 = { server: system.sample(), client: process.cpuUsage(cpu0.client), machine: machineBusySeconds() };
  const bytes1 = p.byteSub ? byteCount(p.byteSub) : null;
  const framesBetween = bytes1 ? bytes1.frames - bytes0.frames : 0;

  // Latency per measured delivery; all deliveries of this run's seqs for the miss count.
  const minSeq = Math.min(...sentAt.keys());
  const sentBySeq = new Float64Array(lastSeq - minSeq + 1).fill(NaN);
  const isMeasured = new Uint8Array(lastSeq - minSeq + 1);
  for (const [seq, at] of sentAt) sentBySeq[seq - minSeq] = at;
  for (const seq of measuredSeqs) isMeasured[seq - minSeq] = 1;
  const latencies: number[] = [];
  let deliveries = 0;
  let lastArrival = tFirst;
  for (let i = 0; i < arrivals.n; i++) {
    const idx = arrivals.seqAt(i) - minSeq;
    if (idx < 0 || idx >= sentBySeq.length || Number.isNaN(sentBySeq[idx])) continue;
    deliveries++;
    if (isMeasured[idx] === 0) continue;
    const at = arrivals.atAt(i);
    latencies.push(at - sentBySeq[idx]);
    if (at > lastArrival) lastArrival = at;
  }
  const stillOpen = subscribers.filter((s) => s.closed === null);
  const expected = sentAt.size * open.length;
  const measuredDeliveries = latencies.length;
  const seconds = (lastArrival - tFirst) / 1000;
  const serverCpuSeconds = cpu1.server.cpuSeconds - cpu0.server.cpuSeconds;
  const clientCpuSeconds = (cpu1.client.user + cpu1.client.system) / 1e6;
  const split0 = system.cpuSplit?.(cpu0.server) ?? null;
  const split1 = system.cpuSplit?.(cpu1.server) ?? null;
  const serverCpuSplit =
    split0 && split1 ? { worker: split1.worker - split0.worker, proxy: split1.proxy - split0.proxy, other: split1.other - split0.other } : null;
  const wall = (performance.now() - tFirst) / 1000;
  return {
    subscribers: open.length,
    updates: p.updates,
    rate: p.rate,
    latencyMs: summarize(latencies),
    deliveries,
    expected,
    missed: Math.max(0, expected - deliveries) + arrivals.overflow,
    deliveriesPerSec: measuredDeliveries / seconds,
    seconds,
    serverCpuSeconds,
    serverCpuSplit,
    cpuUsPerDelivery: (serverCpuSeconds / measuredDeliveries) * 1e6,
    workerCpuUsPerDelivery: serverCpuSplit ? (serverCpuSplit.worker / measuredDeliveries) * 1e6 : null,
    serverUtilisation: serverCpuSeconds / wall,
    clientCpuSeconds,
    clientUtilisation: clientCpuSeconds / wall,
    otherCpuSeconds: cpu1.machine - cpu0.machine - serverCpuSeconds - clientCpuSeconds,
    bytesPerUpdate: bytes1 && framesBetween > 0 ? (bytes1.read - bytes0.read) / framesBetween : null,
    payloadPerUpdate: bytes1 && framesBetween > 0 ? (bytes1.payload - bytes0.payload) / framesBetween : null,
    publishMs: summarize(publishMs),
    lateStarts,
    publishErrors,
    ordered: system.ordered,
    gaps: sum(stillOpen, (s) => s.gaps) - before.gaps,
    duplicates: sum(stillOpen, (s) => s.duplicates) - before.duplicates,
    closedDuring: subscribers.length - stillOpen.length - before.closed,
  };
}

/** Bytes read on the TCP socket, frames and payload bytes seen, at one instant (between message events). */
export function byteCount(s: Subscriber): { read: number; frames: number; payload: number } {
  return { read: s.bytesRead(), frames: s.oddsFrames + s.otherFrames, payload: s.payloadBytes };
}

function sum<T>(items: T[], f: (t: T) => number): number {
  let n = 0;
  for (const t of items) n += f(t);
  return n;
}

/** What went wrong in a run, for the log and the report; empty when every frame arrived in order. */
export function fanoutProblems(r: FanoutResult): string[] {
  const out: string[] = [];
  if (r.missed > 0) out.push(`${r.missed} of ${r.expected} deliveries missed`);
  if (r.ordered && (r.gaps > 0 || r.duplicates > 0)) out.push(`${r.gaps} seq gaps, ${r.duplicates} duplicates`);
  if (r.publishErrors.length > 0) out.push(`${r.publishErrors.length} publishes failed, first: ${r.publishErrors[0]}`);
  if (r.closedDuring > 0) out.push(`${r.closedDuring} sockets closed during the run`);
  return out;
}
