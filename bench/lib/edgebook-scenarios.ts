// The hub's own scenarios past the shared ones: bets at full speed on one
// market (200 punters, CPU per bet, the money checked after), and a resume
// storm from seq 0 while the other viewers' latency is measured.
import { performance } from "node:perf_hooks";
import { type BetLoadOptions, fireBets, seatPunters, unseatPunters, verifyMoney } from "./bet-load.ts";
import type { EdgebookSystem } from "./edgebook-system.ts";
import { type Arrivals, type FanoutResult, runFanout } from "./fanout-run.ts";
import type { Subscriber } from "./subscriber.ts";

export interface BetsAloneResult {
  punters: number;
  accepted: number;
  acceptedPerSec: number;
  seconds: number;
  /** Server CPU (the whole process group) over accepted bets. */
  cpuMsPerBet: number;
  workerCpuMsPerBet: number | null;
  roundTripP50Ms: number;
  roundTripP99Ms: number;
  rateLimited: number;
  unanswered: number;
  errors: string[];
  moneyRight: boolean;
  mismatches: number;
}

/**
 * Socket bets for `seconds`: each punter keeps `inflight` in flight, paced
 * under the hub's 20 frames a second per socket; more bets than pacing can
 * send in the time, so the deadline ends the load.
 */
export function pacedSocketBets(punters: number, inflight: number, seconds: number): BetLoadOptions {
  return { punters, bets: punters * 20 * (seconds + 2), inflight, perSocketRate: 18, stake: 100, http: false, deadline: performance.now() + seconds * 1000 };
}

/** `punters` sockets on the market, each pacing itself under the hub's 20 a second, for `seconds`. */
export async function betsAlone(sys: EdgebookSystem, opts: { punters: number; seconds: number; inflight: number; prefix: string }): Promise<BetsAloneResult> {
  const table = await seatPunters(sys.platform.url, sys.marketId, { punters: opts.punters, http: false }, opts.prefix);
  try {
    const load = pacedSocketBets(opts.punters, opts.inflight, opts.seconds);
    const before = sys.sample();
    const bets = await fireBets(table, load);
    const after = sys.sample();
    const money = await verifyMoney(table.punters);
    const w0 = sys.cpuSplit?.(before).worker;
    const w1 = sys.cpuSplit?.(after).worker;
    const accepted = Math.max(bets.accepted, 1);
    return {
      punters: opts.punters,
      accepted: bets.accepted,
      acceptedPerSec: bets.acceptedPerSec,
      seconds: bets.seconds,
      cpuMsPerBet: ((after.cpuSeconds - before.cpuSeconds) * 1000) / accepted,
      workerCpuMsPerBet: w0 !== undefined && w1 !== undefined ? ((w1 - w0) * 1000) / accepted : null,
      roundTripP50Ms: bets.roundTripMs.accepted.p50,
      roundTripP99Ms: bets.roundTripMs.accepted.p99,
      rateLimited: bets.rateLimited,
      unanswered: bets.byStatus.unanswered ?? 0,
      errors: bets.errors,
      moneyRight: money.pass,
      mismatches: money.mismatches.length,
    };
  } finally {
    await unseatPunters(table);
  }
}

export interface ResumeStormResult {
  /** The other viewers' fan-out while the storm ran. */
  fan: FanoutResult;
  stormSockets: number;
  /** How the storm's sockets were served: replay from the log, or a snapshot. */
  replays: number;
  snapshots: number;
  failed: number;
  /** The market's position when the storm came: the changes a replay from 0 would carry. */
  seqAtStorm: number;
  /** Open to first frame, per storm socket (the slowest). */
  slowestFirstFrameMs: number;
}

/**
 * `storm` new sockets all resume from seq 0 at once, half a second into a
 * steady fan-out to the viewers already open, whose latency is what counts.
 */
export async function resumeStorm(
  sys: EdgebookSystem,
  p: { subscribers: Subscriber[]; arrivals: Arrivals; inflight: number; rate: number; seconds: number; storm: number; firstK: number },
): Promise<ResumeStormResult> {
  const seqAtStorm = Math.max(...p.subscribers.map((s) => s.lastSeq), 0);
  const stormSubs: Subscriber[] = [];
  let failed = 0;
  let slowest = 0;
  const storming = (async () => {
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    const opened = await Promise.allSettled(Array.from({ length: p.storm }, () => sys.resume(0, { timeoutMs: 30_000 })));
    for (const o of opened) {
      if (o.status === "fulfilled") {
        stormSubs.push(o.value);
        slowest = Math.max(slowest, (o.value.firstFrameAt ?? t0) - t0);
      } else failed++;
    }
  })();
  const fan = await runFanout({ system: sys, subscribers: p.subscribers, arrivals: p.arrivals, inflight: p.inflight, updates: Math.ceil(p.rate * p.seconds), rate: p.rate, warmup: 0, firstK: p.firstK, drainMs: 30_000 });
  await storming;
  const replays = stormSubs.filter((s) => s.firstKind === "odds").length;
  const snapshots = stormSubs.filter((s) => s.firstKind === "snapshot").length;
  for (const s of stormSubs) s.terminate();
  return { fan, stormSockets: p.storm, replays, snapshots, failed, seqAtStorm, slowestFirstFrameMs: slowest };
}
