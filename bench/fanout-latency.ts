// Fan-out latency: N viewer sockets on one market, K odds pushes at a steady
// rate; for every (push, socket) delivery, the time from just before the
// admin's POST left this process to the frame event on that socket, matched
// by `seq`. Fails (exit 1) on any missed frame or any gap in `seq`.
//
//   npx node bench/fanout-latency.ts [--sockets 200] [--updates 200] [--rate 20] [--port 8795] [--deflate]
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ApiError } from "../client/sdk/api-error.ts";
import { EdgebookApi } from "../client/sdk/api.ts";
import { parseArgs } from "./lib/args.ts";
import { inBatches } from "./lib/in-batches.ts";
import { machineBusySeconds } from "./lib/machine-cpu.ts";
import { type MarketSocket, closeAll, openMarketSocket } from "./lib/market-socket.ts";
import { OUT_DIR, describeSource, guardRun, startPlatform } from "./lib/platform.ts";
import { benchMarket, pushFor } from "./lib/odds-walk.ts";
import { ms, summarize, table } from "./lib/stats.ts";

const args = parseArgs(process.argv.slice(2), {
  sockets: 200,
  updates: 200,
  rate: 20,
  /** Pushes before the measured ones (JIT, caches); checked for delivery, left out of the latency figures. */
  warmup: 10,
  port: 8795,
  /** Most POSTs in flight at once; the schedule is open-loop up to this cap. */
  inflight: 32,
  deflate: false,
  /** Hard limit for the whole run, in seconds. */
  budget: 60,
});

const say = (line: string) => process.stdout.write(`[fanout] ${line}\n`);
interface Receiver {
  /** seq -> receive time (performance.now()). */
  at: Map<number, number>;
  lastSeq: number;
  gaps: number;
  duplicates: number;
  otherFrames: Record<string, number>;
  closed: string | null;
}

const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

async function main(): Promise<number> {
  const guard = guardRun(args.budget, say);

  const started = performance.now();
  const platform = await startPlatform({ port: args.port, label: "fanout" });
  guard.watch(platform);
  say(`platform up at ${platform.url} in ${((performance.now() - started) / 1000).toFixed(1)} s; ${describeSource(platform.source)}`);
  let sockets: MarketSocket[] = [];
  try {
    const admin = new EdgebookApi(platform.url);
    await admin.session("bench-trader", platform.adminKey);
    const marketId = `fanout-${Date.now().toString(36)}`;
    await admin.createMarket(benchMarket(marketId));

    const receivers: Receiver[] = [];
    const openStart = performance.now();
    sockets = await inBatches(
      Array.from({ length: args.sockets }, (_, i) => i),
      25,
      async (i) => {
        const r: Receiver = { at: new Map(), lastSeq: -1, gaps: 0, duplicates: 0, otherFrames: {}, closed: null };
        receivers[i] = r;
        const s = await openMarketSocket(platform.url, marketId, {
          deflate: args.deflate,
          timeoutMs: 20_000,
          onFrame: (frame, at) => {
            if (frame.type === "odds") {
              if (r.at.has(frame.seq)) r.duplicates++;
              else if (frame.seq !== r.lastSeq + 1) r.gaps++;
              r.at.set(frame.seq, at);
              r.lastSeq = Math.max(r.lastSeq, frame.seq);
            } else {
              r.otherFrames[frame.type] = (r.otherFrames[frame.type] ?? 0) + 1;
            }
          },
          onClose: (code, reason) => {
            r.closed = `${code} ${reason}`;
          },
        });
        r.lastSeq = s.snapshot.seq;
        return s;
      },
    );
    const openSeconds = (performance.now() - openStart) / 1000;
    const extensions = [...new Set(sockets.map((s) => s.extensions || "(none)"))];
    say(`${sockets.length} sockets open with snapshots in ${openSeconds.toFixed(1)} s; extensions: ${extensions.join(", ")}`);
    // Let the hub's once-a-second viewer count go out before the clock starts.
    await sleep(1_500);

    const total = args.warmup + args.updates;
    const sentAt = new Map<number, number>();
    const postMs: number[] = [];
    const pushErrors: string[] = [];
    let noOpPushes = 0;
    let inflight = 0;
    let lateStarts = 0;
    const intervalMs = 1000 / args.rate;
    const cpuBefore = { server: platform.cpuSeconds(), client: process.cpuUsage(), machine: machineBusySeconds() };
    const t0 = performance.now();
    const pending: Promise<void>[] = [];
    for (let k = 0; k < total; k++) {
      const due = t0 + k * intervalMs;
      while (performance.now() < due || inflight >= args.inflight) {
        await sleep(Math.max(1, Math.min(due - performance.now(), 5)));
      }
      if (performance.now() - due > intervalMs) lateStarts++;
      inflight++;
      const body = pushFor(k);
      const sent = performance.now();
      pending.push(
        admin
          .pushOdds(marketId, body)
          .then((seq) => {
            postMs.push(performance.now() - sent);
            if (sentAt.has(seq)) noOpPushes++;
            else sentAt.set(seq, sent);
          })
          .catch((err: unknown) => {
            pushErrors.push(err instanceof ApiError ? `${err.status} ${err.code} ${err.message}` : String(err));
          })
          .finally(() => {
            inflight--;
          }),
      );
    }
    await Promise.all(pending);
    const pushSeconds = (performance.now() - t0) / 1000;

    const seqs = [...sentAt.keys()].sort((a, b) => a - b);
    const firstSeq = seqs[0] ?? 0;
    const lastSeq = seqs[seqs.length - 1] ?? 0;
    // Bounded wait for the stragglers.
    const drainDeadline = performance.now() + 10_000;
    while (performance.now() < drainDeadline && receivers.some((r) => r.lastSeq < lastSeq && r.closed === null)) await sleep(20);
    const cpu = { server: platform.cpuSeconds() - cpuBefore.server, client: process.cpuUsage(cpuBefore.client), machine: machineBusySeconds() - cpuBefore.machine };
    const clientCpu = (cpu.client.user + cpu.client.system) / 1e6;
    const otherCpu = cpu.machine - cpu.server - clientCpu;

    const measured = new Set(seqs.slice(args.warmup));
    const latencies: number[] = [];
    const spreads: number[] = [];
    let delivered = 0;
    let missed = 0;
    let lastReceive = t0;
    for (const seq of seqs) {
      const sent = sentAt.get(seq)!;
      let first = Infinity;
      let last = -Infinity;
      for (const r of receivers) {
        const at = r.at.get(seq);
        if (at === undefined) {
          missed++;
          continue;
        }
        delivered++;
        lastReceive = Math.max(lastReceive, at);
        first = Math.min(first, at);
        last = Math.max(last, at);
        if (measured.has(seq)) latencies.push(at - sent);
      }
      if (measured.has(seq) && Number.isFinite(first)) spreads.push(last - first);
    }
    const seqContiguous = seqs.length === total && lastSeq - firstSeq === total - 1;
    const gaps = receivers.reduce((n, r) => n + r.gaps, 0);
    const duplicates = receivers.reduce((n, r) => n + r.duplicates, 0);
    const closed = receivers.filter((r) => r.closed !== null).map((r) => r.closed);
    const otherFrames: Record<string, number> = {};
    for (const r of receivers) for (const [t, n] of Object.entries(r.otherFrames)) otherFrames[t] = (otherFrames[t] ?? 0) + n;
    const deliverySeconds = (lastReceive - t0) / 1000;
    const lat = summarize(latencies);
    const post = summarize(postMs);
    const spread = summarize(spreads);
    const serverErrors = platform.errorLines();

    console.log("");
    console.log(
      table(
        ["sockets", "updates", "deliveries", "p50 ms", "p90 ms", "p99 ms", "max ms", "deliveries/s", "missed"],
        [[sockets.length, args.updates, lat.count, ms(lat.p50), ms(lat.p90), ms(lat.p99), ms(lat.max), Math.round(delivered / deliverySeconds), missed]],
      ),
    );
    console.log("");
    say(`POST /odds round trip: p50 ${ms(post.p50)} ms, p99 ${ms(post.p99)} ms; first-to-last socket spread per push: p50 ${ms(spread.p50)} ms, p99 ${ms(spread.p99)} ms`);
    say(`pushes: ${total} sent over ${pushSeconds.toFixed(1)} s (${(total / pushSeconds).toFixed(1)}/s asked ${args.rate}/s), ${lateStarts} started late, ${pushErrors.length} failed, ${noOpPushes} answered without a new seq`);
    say(`CPU during pushes: server ${cpu.server.toFixed(1)} s, load generator ${clientCpu.toFixed(1)} s, everything else on the machine ${otherCpu.toFixed(1)} s`);
    say(`other frames: ${JSON.stringify(otherFrames)}; sockets closed early: ${closed.length}; server error lines: ${serverErrors.length}`);

    const reloads = platform.reloads();
    const failures: string[] = [];
    if (reloads > 0) failures.push(`wrangler reloaded the Worker ${reloads} time(s) mid-run (sources under worker/ changed on disk), which drops every socket: run again`);
    if (missed > 0) failures.push(`${missed} frames missed`);
    if (!seqContiguous) failures.push(`push seqs not contiguous: ${seqs.length} distinct of ${total}, ${firstSeq}..${lastSeq}`);
    if (gaps > 0 || duplicates > 0) failures.push(`sockets saw ${gaps} seq gaps and ${duplicates} duplicates`);
    if (pushErrors.length > 0) failures.push(`${pushErrors.length} pushes failed, first: ${pushErrors[0]}`);
    if (closed.length > 0) failures.push(`${closed.length} sockets closed early, first: ${closed[0]}`);

    const result = {
      benchmark: "fanout-latency",
      at: new Date().toISOString(),
      config: { ...args },
      source: platform.source,
      extensions,
      sockets: sockets.length,
      socketOpenSeconds: openSeconds,
      updates: args.updates,
      warmup: args.warmup,
      latencyMs: lat,
      postRoundTripMs: post,
      perPushSpreadMs: spread,
      deliveries: delivered,
      deliveriesPerSecond: delivered / deliverySeconds,
      missed,
      seqContiguous,
      seqRange: [firstSeq, lastSeq],
      gaps,
      duplicates,
      pushes: { sent: total, seconds: pushSeconds, lateStarts, failed: pushErrors.length, noOp: noOpPushes, errors: pushErrors.slice(0, 10) },
      cpuSeconds: { server: cpu.server, client: clientCpu, otherProcesses: otherCpu, machineCores: availableParallelism() },
      otherFrames,
      socketsClosedEarly: closed.slice(0, 10),
      serverErrorLines: serverErrors.slice(0, 20),
      workerReloads: reloads,
      passed: failures.length === 0,
      failures,
    };
    const file = join(OUT_DIR, "fanout-latency.json");
    writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
    say(`results in ${file}`);
    if (failures.length > 0) {
      say(`FAIL: ${failures.join("; ")}`);
      return 1;
    }
    say("PASS: every frame delivered, seq contiguous");
    return 0;
  } finally {
    await closeAll(sockets);
    await platform.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
