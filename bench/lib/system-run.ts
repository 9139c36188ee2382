// One run of every scenario against one system, on a freshly started server:
// (edgebook only: polling first, with no sockets open), open the subscribers
// (memory per connection), steady fan-out (latency, deliveries, CPU, bytes),
// goal burst, (edgebook only: reconnect storm, bets while broadcasting),
// saturation (its final step leaves a backlog, waited out), then the small
// fan-out to fewer viewers and (edgebook only) a resume storm from seq 0 and
// bets alone at full speed.
import { performance } from "node:perf_hooks";
import { fireBets, seatPunters, unseatPunters, verifyMoney } from "./bet-load.ts";
import { betsAlone, pacedSocketBets, resumeStorm } from "./edgebook-scenarios.ts";
import { type EdgebookSystem, startEdgebook } from "./edgebook-system.ts";
import { Arrivals, type FanoutResult, byteCount, fanoutProblems, runFanout } from "./fanout-run.ts";
import { runPolling } from "./http-poll.ts";
import { inBatches } from "./in-batches.ts";
import { startNodePeer } from "./node-peer-system.ts";
import { bookPushFor } from "./odds-walk.ts";
import { type Plan, SATURATION_P99_MS } from "./plan.ts";
import { runReconnectStorm } from "./reconnect-storm.ts";
import { startReference } from "./reference-system.ts";
import { isWorkerProcess } from "./server.ts";
import type { RunRow, Scenario } from "./results.ts";
import type { GroupSample } from "./process-group.ts";
import type { Subscriber } from "./subscriber.ts";
import type { SystemName, SystemUnderTest } from "./system.ts";

export type ServerName = Exclude<SystemName, "http-poll">;

/** Each server's port, from the run's base port. */
export const portFor = (name: ServerName, base: number): number => base + { edgebook: 0, "reference-do": 3, ws: 5, "socket.io": 6 }[name];

export interface RunContext {
  plan: Plan;
  repeat: number;
  /** `taskset -c` list for the servers (undefined: not pinned). */
  serverCpus: string | undefined;
  /** The servers' ports start here. */
  basePort: number;
  say: (line: string) => void;
  /** Everything measured, for bench/out/comparison-details.json. */
  details: Record<string, unknown>[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Sockets opened before the memory baseline, so the first socket's one-off costs stay out. */
export const WARM_SOCKETS = 10;

async function start(name: ServerName, ctx: RunContext): Promise<SystemUnderTest> {
  const label = `comparison-${name.replace(".", "")}`;
  const opts = { port: portFor(name, ctx.basePort), cpus: ctx.serverCpus, label };
  if (name === "edgebook") return startEdgebook(opts);
  if (name === "reference-do") return startReference(opts);
  return startNodePeer(name, opts);
}

function row(scenario: Scenario, system: SystemName, fields: Partial<RunRow>): RunRow {
  return {
    scenario,
    system,
    subscribers: null,
    updatesPerSec: null,
    p50Ms: null,
    p99Ms: null,
    deliveriesPerSec: null,
    cpuUsPerDelivery: null,
    bytesPerUpdate: null,
    memPerConnKB: null,
    betsPerSec: null,
    extra: {},
    problems: [],
    ...fields,
  };
}

function fanoutRow(scenario: Scenario, system: SystemName, r: FanoutResult, extra: RunRow["extra"] = {}): RunRow {
  return row(scenario, system, {
    subscribers: r.subscribers,
    updatesPerSec: r.rate,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    deliveriesPerSec: r.deliveriesPerSec,
    cpuUsPerDelivery: r.cpuUsPerDelivery,
    extra: {
      maxMs: r.latencyMs.max,
      workerCpuUsPerDelivery: r.workerCpuUsPerDelivery,
      serverUtilisation: r.serverUtilisation,
      clientUtilisation: r.clientUtilisation,
      otherCpuSeconds: r.otherCpuSeconds,
      publishP50Ms: r.publishMs.p50,
      lateStarts: r.lateStarts,
      ...extra,
    },
    problems: fanoutProblems(r),
  });
}

export function describeFanout(r: FanoutResult): string {
  const f = (n: number | null, d = 1) => (n === null || !Number.isFinite(n) ? "-" : n.toFixed(d));
  return (
    `p50 ${f(r.latencyMs.p50)} ms, p99 ${f(r.latencyMs.p99)} ms, max ${f(r.latencyMs.max)} ms; ${Math.round(r.deliveriesPerSec)} deliveries/s; ` +
    `server ${f(r.cpuUsPerDelivery, 2)} µs/delivery${r.workerCpuUsPerDelivery !== null ? ` (Worker process ${f(r.workerCpuUsPerDelivery, 2)})` : ""}, ` +
    `server core ${f(r.serverUtilisation * 100, 0)}% busy, load generator ${f(r.clientUtilisation * 100, 0)}%, others ${f(r.otherCpuSeconds, 1)} CPU-s` +
    (fanoutProblems(r).length > 0 ? `; PROBLEMS: ${fanoutProblems(r).join("; ")}` : "")
  );
}

/** Resident memory by role; workerd is separated out for the workerd systems. */
function workerRss(sys: SystemUnderTest, s: GroupSample): number | null {
  if (!sys.cpuSplit) return null;
  return s.processes.filter((p) => isWorkerProcess(p.cmd)).reduce((n, p) => n + p.rssBytes, 0);
}

export async function runSystem(name: ServerName, ctx: RunContext): Promise<RunRow[]> {
  const { plan, say } = ctx;
  const tag = `[${name} run ${ctx.repeat + 1}]`;
  const log = (line: string) => say(`${tag} ${line}`);
  const rows: RunRow[] = [];
  const t0 = performance.now();
  const sys = await start(name, ctx);
  log(`up in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${sys.describe}`);
  if (name === "edgebook") ctx.details.push({ system: name, repeat: ctx.repeat, scenario: "source", source: (sys as EdgebookSystem).platform.source });
  let subs: Subscriber[] = [];
  let k = 0;
  try {
    // Polling first, while no socket is open, so the poll's CPU is the poll's alone.
    if (name === "edgebook") {
      const poll = await runPolling({ system: sys as EdgebookSystem, pollers: plan.pollers, intervalMs: plan.pollIntervalMs, rate: plan.rate, seconds: plan.pollSeconds, firstK: k });
      k += Math.ceil(plan.pollSeconds * plan.rate) + 1;
      ctx.details.push({ system: "http-poll", repeat: ctx.repeat, scenario: "poll", ...poll });
      const problems = poll.errors.length > 0 ? [`${poll.errors.length} poll or publish errors, first: ${poll.errors[0]}`] : [];
      const extra = {
        meanStalenessMs: poll.stalenessMs.mean,
        pollIntervalMs: plan.pollIntervalMs,
        pollRoundTripP50Ms: poll.pollRoundTripMs.p50,
        workerCpuUsPerDelivery: poll.workerCpuUsPerPoll,
        clientUtilisation: poll.clientUtilisation,
        requestBytes: poll.requestBytes,
        responseBytes: poll.responseBytes,
      };
      rows.push(
        row("fanout", "http-poll", {
          subscribers: poll.pollers,
          updatesPerSec: plan.rate,
          p50Ms: poll.stalenessMs.p50,
          p99Ms: poll.stalenessMs.p99,
          deliveriesPerSec: poll.pollsPerSec,
          cpuUsPerDelivery: poll.cpuUsPerPoll,
          extra,
          problems,
        }),
        row("bytes-per-update", "http-poll", { bytesPerUpdate: poll.bytesPerPoll, p50Ms: poll.stalenessMs.p50, p99Ms: poll.stalenessMs.p99, extra, problems }),
      );
      log(
        `http-poll: ${poll.pollers} pollers every ${plan.pollIntervalMs} ms, ${Math.round(poll.pollsPerSec)} polls/s; staleness p50 ${poll.stalenessMs.p50.toFixed(0)} ms, ` +
          `mean ${poll.stalenessMs.mean.toFixed(0)} ms, p99 ${poll.stalenessMs.p99.toFixed(0)} ms; ${poll.cpuUsPerPoll.toFixed(1)} µs server CPU per poll; ` +
          `${poll.bytesPerPoll.toFixed(0)} bytes per poll (request ${poll.requestBytes.toFixed(0)}, response ${poll.responseBytes.toFixed(0)})`,
      );
      await sleep(1000);
    }

    // Subscribers, and memory per connection: RSS before and after all but a few warm-up sockets open.
    const arrivals = new Arrivals();
    const open = (i: number) => sys.subscribe({ onOdds: arrivals.add, timeoutMs: 30_000, official: name === "socket.io" && i === 0 });
    const opening = performance.now();
    subs = await inBatches(Array.from({ length: Math.min(WARM_SOCKETS, plan.subscribers) }, (_, i) => i), plan.openConcurrency, (i) => open(i));
    // Memory of sockets in use: each has had a frame before either sample (a socket's
    // first send allocates its buffers, and the hub sends a snapshot where the bare object sends nothing).
    await oneFrameToAll(sys, subs, k++);
    await sleep(300);
    const mem0 = sys.sample();
    subs.push(...(await inBatches(Array.from({ length: plan.subscribers - subs.length }, (_, i) => i + WARM_SOCKETS), plan.openConcurrency, (i) => open(i))));
    const openSeconds = (performance.now() - opening) / 1000;
    await oneFrameToAll(sys, subs, k++);
    // The hub sends the viewer count at most once a second: let the last one go out before measuring.
    await sleep(1500);
    const mem1 = sys.sample();
    const added = subs.length - WARM_SOCKETS;
    const extensions = [...new Set(subs.filter((s) => s.ws !== null).map((s) => s.extensions || "none"))].join(", ");
    const w0 = workerRss(sys, mem0);
    const w1 = workerRss(sys, mem1);
    rows.push(
      row("memory-per-connection", name, {
        subscribers: subs.length,
        memPerConnKB: (mem1.rssBytes - mem0.rssBytes) / added / 1024,
        extra: { workerProcessKBPerConn: w0 !== null && w1 !== null ? (w1 - w0) / added / 1024 : null, serverRssMB: mem1.rssBytes / 1e6, openSeconds },
      }),
    );
    log(`${subs.length} subscribers open in ${openSeconds.toFixed(1)} s (extensions negotiated: ${extensions}); server RSS +${((mem1.rssBytes - mem0.rssBytes) / 1e6).toFixed(1)} MB = ${((mem1.rssBytes - mem0.rssBytes) / added / 1024).toFixed(1)} KB per socket`);

    // (1) Steady fan-out, and (5) bytes per update on the last (raw) subscriber.
    const byteSub = subs[subs.length - 1];
    // The subscribers as they stand: the reconnect storm replaces them.
    const base = (): FanoutBase => ({ system: sys, subscribers: subs, arrivals, inflight: plan.inflight });
    // A server that cannot keep up runs behind: wait (bounded) for the backlog rather than count it missed.
    const fan = await runFanout({ ...base(), updates: plan.fanoutUpdates, rate: plan.rate, warmup: plan.warmup, firstK: k, drainMs: 30_000, byteSub });
    k += plan.warmup + plan.fanoutUpdates;
    ctx.details.push({ system: name, repeat: ctx.repeat, scenario: "fanout", ...fan });
    rows.push(fanoutRow("fanout", name, fan, { extensions }));
    log(`fan-out ${subs.length} x ${plan.rate}/s: ${describeFanout(fan)}`);
    const bytesExtra: RunRow["extra"] = { payloadPerUpdate: fan.payloadPerUpdate, headerPerUpdate: fan.bytesPerUpdate !== null && fan.payloadPerUpdate !== null ? fan.bytesPerUpdate - fan.payloadPerUpdate : null };
    if (name === "edgebook") Object.assign(bytesExtra, await wholeBookBytes(sys as EdgebookSystem, byteSub));
    rows.push(row("bytes-per-update", name, { bytesPerUpdate: fan.bytesPerUpdate, extra: bytesExtra }));
    log(`bytes per odds update on the wire: ${fan.bytesPerUpdate?.toFixed(1) ?? "-"} (payload ${fan.payloadPerUpdate?.toFixed(1) ?? "-"})` + (bytesExtra.wholeBookBytesPerUpdate ? `; a whole-book change: ${(bytesExtra.wholeBookBytesPerUpdate as number).toFixed(1)}` : ""));
    await sleep(500);

    // (2) The goal burst: burstUpdates changes inside one second.
    const burst = await runFanout({ ...base(), updates: plan.burstUpdates, rate: plan.burstUpdates, warmup: 0, firstK: k, drainMs: 30_000 });
    k += plan.burstUpdates;
    ctx.details.push({ system: name, repeat: ctx.repeat, scenario: "goal-burst", ...burst });
    rows.push(fanoutRow("goal-burst", name, burst));
    log(`goal burst ${plan.burstUpdates} updates in 1 s: ${describeFanout(burst)}`);
    await sleep(1000);

    if (name === "edgebook") {
      const eb = sys as EdgebookSystem;
      // (6) Reconnect storm.
      const storm = await runReconnectStorm({ system: eb, subscribers: subs, rate: plan.rate, firstK: k, timeoutMs: 30_000, onOdds: arrivals.add });
      k += storm.result.published + 40;
      subs = storm.resumed;
      const s = storm.result;
      ctx.details.push({ system: name, repeat: ctx.repeat, scenario: "reconnect-storm", ...s });
      const problems = [
        ...(s.failed > 0 ? [`${s.failed} sockets failed to resume, first: ${s.firstError}`] : []),
        ...(s.gaps + s.duplicates > 0 ? [`${s.gaps} gaps and ${s.duplicates} duplicates after resuming`] : []),
        ...(s.behind > 0 ? [`${s.behind} resumed sockets never caught up`] : []),
      ];
      rows.push(
        row("reconnect-storm", "edgebook", {
          subscribers: s.sockets,
          updatesPerSec: plan.rate,
          p50Ms: s.liveMs.p50,
          p99Ms: s.liveMs.p99,
          extra: { allLiveMs: s.allLiveMs, replays: s.replays, snapshots: s.snapshots, upToDate: s.upToDate, resumed: s.resumed, serverCpuSeconds: s.serverCpuSeconds },
          problems,
        }),
      );
      log(
        `reconnect storm: ${s.sockets} dropped, ${s.resumed} resumed, all live ${s.allLiveMs.toFixed(0)} ms after the drop (per socket p50 ${s.liveMs.p50.toFixed(0)} ms, p99 ${s.liveMs.p99.toFixed(0)} ms); ` +
          `${s.replays} by replay, ${s.snapshots} by snapshot, ${s.upToDate} had missed nothing` +
          (problems.length ? `; PROBLEMS: ${problems.join("; ")}` : ""),
      );
      await sleep(1500);

      // (4) Bets while broadcasting.
      rows.push(await betsWhileBroadcasting(eb, ctx, base(), k, log));
      k += Math.ceil(plan.rate * plan.betSeconds) + 1;
      await sleep(1000);
    }

    // (3) Saturation: its final step leaves a backlog, drained before going on.
    const sat = await saturate(name, ctx, base(), k, log);
    rows.push(sat.row);
    k = sat.k;
    await sleep(plan.quick ? 2000 : 5000);

    // (7) The small fan-out: all but `smallSubscribers` viewers close; the same steady stream to the rest.
    for (const s of subs.splice(plan.smallSubscribers)) s.terminate();
    await sleep(1500);
    const small = await runFanout({ ...base(), updates: plan.fanoutUpdates, rate: plan.rate, warmup: plan.warmup, firstK: k, drainMs: 30_000 });
    k += plan.warmup + plan.fanoutUpdates;
    ctx.details.push({ system: name, repeat: ctx.repeat, scenario: "fanout-small", ...small });
    rows.push(fanoutRow("fanout-small", name, small));
    log(`fan-out ${subs.length} x ${plan.rate}/s: ${describeFanout(small)}`);
    await sleep(500);

    if (name === "edgebook") {
      const eb = sys as EdgebookSystem;
      // (8) A resume storm from seq 0 while the small fan-out's viewers keep watching.
      const storm = await resumeStorm(eb, { subscribers: subs, arrivals, inflight: plan.inflight, rate: plan.rate, seconds: plan.stormSeconds, storm: plan.stormSockets, firstK: k });
      k += Math.ceil(plan.rate * plan.stormSeconds);
      ctx.details.push({ system: name, repeat: ctx.repeat, scenario: "resume-storm", ...storm });
      rows.push({
        ...fanoutRow("resume-storm", "edgebook", storm.fan, {
          stormSockets: storm.stormSockets,
          replays: storm.replays,
          snapshots: storm.snapshots,
          seqAtStorm: storm.seqAtStorm,
          slowestFirstFrameMs: storm.slowestFirstFrameMs,
        }),
        problems: [...fanoutProblems(storm.fan), ...(storm.failed > 0 ? [`${storm.failed} storm sockets failed to open`] : [])],
      });
      log(`resume storm: ${storm.stormSockets} sockets from seq 0 at seq ${storm.seqAtStorm} (${storm.replays} replays, ${storm.snapshots} snapshots, slowest ${storm.slowestFirstFrameMs.toFixed(0)} ms); the others meanwhile: ${describeFanout(storm.fan)}`);
      await sleep(1000);

      // (9) Bets alone: the market's acceptance rate and CPU per bet, the money checked after.
      const b = await betsAlone(eb, { punters: plan.betPunters, seconds: plan.betsAloneSeconds, inflight: plan.betInflight, prefix: `bench-r${ctx.repeat}-alone` });
      ctx.details.push({ system: name, repeat: ctx.repeat, scenario: "bets", ...b });
      rows.push(
        row("bets", "edgebook", {
          subscribers: subs.length,
          betsPerSec: b.acceptedPerSec,
          p50Ms: b.roundTripP50Ms,
          p99Ms: b.roundTripP99Ms,
          extra: { punters: b.punters, cpuMsPerBet: b.cpuMsPerBet, workerCpuMsPerBet: b.workerCpuMsPerBet, moneyRight: b.moneyRight, rateLimited: b.rateLimited, accepted: b.accepted },
          problems: [
            ...(b.moneyRight ? [] : [`balances wrong for ${b.mismatches} punters`]),
            ...(b.unanswered > 0 ? [`${b.unanswered} bets unanswered`] : []),
            ...(b.errors.length > 0 ? [`${b.errors.length} bet errors, first: ${b.errors[0]}`] : []),
          ],
        }),
      );
      log(
        `bets alone: ${b.accepted} accepted in ${b.seconds.toFixed(1)} s = ${b.acceptedPerSec.toFixed(0)}/s by ${b.punters} punters; ${b.cpuMsPerBet.toFixed(2)} ms server CPU per bet ` +
          `(workerd ${b.workerCpuMsPerBet?.toFixed(2) ?? "-"}); round trip p50 ${b.roundTripP50Ms.toFixed(1)} ms, p99 ${b.roundTripP99Ms.toFixed(1)} ms; ${b.rateLimited} rate-limited; money ${b.moneyRight ? "right" : "WRONG"}`,
      );
    }
    for (const line of sys.health()) log(`server: ${line}`);
    for (const r of rows) r.problems.push(...sys.health());
    return rows;
  } finally {
    for (const s of subs) s.terminate();
    await sys.stop();
  }
}

/** Publish change k and wait (5 s bound) until every open subscriber has it. */
/** Publish change k and wait (bounded) until every open subscriber has it. */
export async function oneFrameToAll(sys: SystemUnderTest, subs: Subscriber[], k: number): Promise<void> {
  const seq = await sys.publish(k);
  const until = performance.now() + 5_000;
  while (performance.now() < until && subs.some((s) => s.closed === null && s.lastSeq < seq)) await sleep(10);
}

/** Bytes on the wire for a change that moves every selection (a bigger frame than the one-selection steady stream). */
async function wholeBookBytes(sys: EdgebookSystem, byteSub: Subscriber): Promise<RunRow["extra"]> {
  const before = byteCount(byteSub);
  let lastSeq = -1;
  for (let i = 0; i < 10; i++) lastSeq = await sys.admin.pushOdds(sys.marketId, bookPushFor(i));
  const until = performance.now() + 3_000;
  while (byteSub.lastSeq < lastSeq && performance.now() < until) await sleep(10);
  const after = byteCount(byteSub);
  const frames = after.frames - before.frames;
  return frames > 0 ? { wholeBookBytesPerUpdate: (after.read - before.read) / frames, wholeBookPayload: (after.payload - before.payload) / frames } : {};
}

type FanoutBase = Pick<Parameters<typeof runFanout>[0], "system" | "subscribers" | "arrivals" | "inflight">;

async function betsWhileBroadcasting(sys: EdgebookSystem, ctx: RunContext, base: FanoutBase, k: number, log: (l: string) => void): Promise<RunRow> {
  const { plan } = ctx;
  const table = await seatPunters(sys.platform.url, sys.marketId, { punters: plan.punters, http: false }, `bench-r${ctx.repeat}-punter`);
  try {
    const opts = pacedSocketBets(plan.punters, plan.betInflight, plan.betSeconds);
    const [fan, bets] = await Promise.all([
      runFanout({ ...base, updates: Math.ceil(plan.rate * plan.betSeconds), rate: plan.rate, warmup: 0, firstK: k, drainMs: 30_000 }),
      fireBets(table, opts),
    ]);
    const money = await verifyMoney(table.punters);
    ctx.details.push({ system: "edgebook", repeat: ctx.repeat, scenario: "bets-while-broadcasting", fanout: fan, bets: { ...bets, outcomes: undefined }, money });
    const unanswered = bets.byStatus.unanswered ?? 0;
    const problems = [
      ...fanoutProblems(fan),
      ...(money.pass ? [] : [`balances wrong for ${money.mismatches.length} punters`]),
      ...(unanswered > 0 ? [`${unanswered} bets unanswered`] : []),
      ...(bets.errors.length > 0 ? [`${bets.errors.length} bet errors, first: ${bets.errors[0]}`] : []),
    ];
    log(
      `bets while broadcasting: ${bets.accepted} accepted in ${bets.seconds.toFixed(1)} s = ${bets.acceptedPerSec.toFixed(0)}/s by ${plan.punters} punters ` +
        `(round trip p50 ${bets.roundTripMs.accepted.p50.toFixed(1)} ms, p99 ${bets.roundTripMs.accepted.p99.toFixed(1)} ms; ${bets.rateLimited} rate-limited; ` +
        `client pacing allows about ${bets.pacingCapPerSec?.toFixed(0) ?? "-"}/s; money ${money.pass ? "right" : "WRONG"}); odds meanwhile: ${describeFanout(fan)}`,
    );
    const r = fanoutRow("bets-while-broadcasting", "edgebook", fan, {
      betRoundTripP50Ms: bets.roundTripMs.accepted.p50,
      betRoundTripP99Ms: bets.roundTripMs.accepted.p99,
      punters: plan.punters,
      rateLimited: bets.rateLimited,
      pacingCapPerSec: bets.pacingCapPerSec,
      moneyRight: money.pass,
    });
    // The server's CPU here is shared with the bets, so no per-delivery figure.
    return { ...r, betsPerSec: bets.acceptedPerSec, cpuUsPerDelivery: null, problems };
  } finally {
    await unseatPunters(table);
  }
}

async function saturate(name: ServerName, ctx: RunContext, base: FanoutBase, firstK: number, log: (l: string) => void): Promise<{ row: RunRow; k: number }> {
  let k = firstK;
  const { plan } = ctx;
  const steps: FanoutResult[] = [];
  const passes = (r: FanoutResult) => r.latencyMs.p99 < SATURATION_P99_MS && fanoutProblems(r).length === 0;
  const step = async (rate: number) => {
    const updates = Math.max(1, Math.round(rate * plan.saturationSeconds));
    const r = await runFanout({ ...base, updates, rate, warmup: 0, firstK: k, drainMs: plan.quick ? 3_000 : 5_000 });
    k += updates;
    steps.push(r);
    log(`saturation step ${rate} updates/s x ${r.subscribers}: ${describeFanout(r)}`);
    return r;
  };
  let lastPass: FanoutResult | null = null;
  let failedAt: FanoutResult | null = null;
  for (const rate of plan.saturationRates) {
    const r = await step(rate);
    if (!passes(r)) {
      failedAt = r;
      break;
    }
    lastPass = r;
    await sleep(300);
  }
  // One step between the last pass and the first failure, unless the failure left frames undelivered (a backlog would skew it).
  if (lastPass && failedAt && failedAt.missed === 0) {
    const between = Math.round(Math.sqrt(lastPass.rate * failedAt.rate));
    if (between > lastPass.rate && between < failedAt.rate) {
      await sleep(1000);
      const r = await step(between);
      if (!passes(r) && r.rate < failedAt.rate) failedAt = r;
    }
  }
  ctx.details.push({ system: name, repeat: ctx.repeat, scenario: "saturation", steps });
  const best = steps.filter(passes).sort((a, b) => b.deliveriesPerSec - a.deliveriesPerSec)[0];
  const extra: RunRow["extra"] = {
    stepsTried: steps.length,
    firstFailingRate: failedAt?.rate ?? null,
    firstFailingP99Ms: failedAt?.latencyMs.p99 ?? null,
    firstFailingDeliveriesPerSec: failedAt?.deliveriesPerSec ?? null,
    firstFailingClientUtilisation: failedAt?.clientUtilisation ?? null,
    firstFailingServerUtilisation: failedAt?.serverUtilisation ?? null,
    saturated: failedAt !== null,
  };
  if (!best) return { row: row("saturation", name, { subscribers: base.subscribers.length, extra, problems: ["no step stayed under the p99 limit"] }), k };
  // The failing step's lost frames are the point of the scenario, not a fault.
  return { row: { ...fanoutRow("saturation", name, best, extra), problems: [] }, k };
}
