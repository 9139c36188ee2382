// The comparison's report: the results table (for the terminal and for
// docs/benchmarks.md), the targets with their ratios, and the page itself,
// regenerated whole by every `npm run bench`.
import type { Machine } from "./machine.ts";
import type { Plan } from "./plan.ts";
import type { Row, Target } from "./results.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OUT_DIR, type SourceInfo } from "./server.ts";

const num = (n: number | null | undefined, digits: number) => (typeof n === "number" && Number.isFinite(n) ? n.toFixed(digits) : "-");
const int = (n: number | null | undefined) => (typeof n === "number" && Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "-");
const pct = (n: unknown) => (typeof n === "number" ? `${Math.round(n * 100)}%` : "-");

function notes(r: Row): string {
  const x = r.extra;
  const out: string[] = [];
  switch (r.scenario) {
    case "fanout":
      if (r.system === "http-poll") out.push(`staleness (publish to first poll showing it); mean ${num(x.meanStalenessMs as number, 0)} ms; deliveries = poll answers`);
      else if (typeof x.workerCpuUsPerDelivery === "number") out.push(`Worker process alone ${num(x.workerCpuUsPerDelivery, 2)} µs/delivery`);
      if (typeof x.clientUtilisation === "number") out.push(`load generator ${pct(x.clientUtilisation)}`);
      break;
    case "goal-burst":
      out.push(`max ${num(x.maxMs as number, 1)} ms`);
      break;
    case "saturation":
      if (x.saturated === false) out.push(`never reached p99 100 ms within ${x.stepsTried} steps`);
      else if (typeof x.firstFailingRate === "number")
        out.push(
          `next step ${x.firstFailingRate}/s: p99 ${num(x.firstFailingP99Ms as number, 0)} ms, server core ${pct(x.firstFailingServerUtilisation)}, load generator ${pct(x.firstFailingClientUtilisation)}`,
        );
      break;
    case "bets-while-broadcasting":
      out.push(`bet round trip p50 ${num(x.betRoundTripP50Ms as number, 1)} ms, p99 ${num(x.betRoundTripP99Ms as number, 1)} ms; ${x.punters} punters; money ${x.moneyRight ? "right" : "WRONG"}`);
      break;
    case "bytes-per-update":
      if (r.system === "http-poll")
        out.push(`one poll: request ${num(x.requestBytes as number, 0)} + response ${num(x.responseBytes as number, 0)}; mean staleness ${num(x.meanStalenessMs as number, 0)} ms at a ${x.pollIntervalMs} ms interval`);
      else out.push(`payload ${num(x.payloadPerUpdate as number, 1)} + header ${num(x.headerPerUpdate as number, 1)}`);
      if (typeof x.wholeBookBytesPerUpdate === "number") out.push(`whole-book change ${num(x.wholeBookBytesPerUpdate, 1)}`);
      break;
    case "reconnect-storm":
      out.push(`all live ${int(x.allLiveMs as number)} ms after the drop; ${int(x.replays as number)} replays, ${int(x.snapshots as number)} snapshots, ${int(x.upToDate as number)} up to date`);
      break;
    case "fanout-small":
      if (typeof x.workerCpuUsPerDelivery === "number") out.push(`Worker process alone ${num(x.workerCpuUsPerDelivery, 2)} µs/delivery`);
      break;
    case "resume-storm":
      out.push(`${int(x.stormSockets as number)} sockets resumed from seq 0 at seq ${int(x.seqAtStorm as number)}: ${int(x.replays as number)} replays, ${int(x.snapshots as number)} snapshots, slowest first frame ${int(x.slowestFirstFrameMs as number)} ms`);
      break;
    case "bets":
      out.push(
        `${x.punters} punters; ${num(x.cpuMsPerBet as number, 2)} ms CPU per bet (workerd ${num(x.workerCpuMsPerBet as number, 2)}); round trip p50/p99 in p50/p99 columns; money ${x.moneyRight ? "right" : "WRONG"}; ${int(x.rateLimited as number)} rate-limited`,
      );
      break;
    case "memory-per-connection":
      if (typeof x.workerProcessKBPerConn === "number") out.push(`Worker process alone ${num(x.workerProcessKBPerConn, 1)} KB`);
      break;
  }
  if (r.problems.length > 0) out.push(`PROBLEMS: ${r.problems.join("; ")}`);
  return out.join("; ");
}

const HEAD = ["scenario", "system", "subs", "updates/s", "p50 ms", "p99 ms", "deliveries/s", "CPU µs/delivery", "bytes/update", "KB/conn", "bets/s", "notes"];

function cells(r: Row): string[] {
  return [
    r.scenario,
    r.system,
    int(r.subscribers),
    int(r.updatesPerSec),
    num(r.p50Ms, 1),
    num(r.p99Ms, 1),
    int(r.deliveriesPerSec),
    num(r.cpuUsPerDelivery, 2),
    num(r.bytesPerUpdate, 1),
    num(r.memPerConnKB, 1),
    num(r.betsPerSec, 0),
    notes(r),
  ];
}

export function markdownTable(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [`| ${HEAD.join(" | ")} |`, `|${HEAD.map((_, i) => (i < 2 || i === HEAD.length - 1 ? "---" : "---:")).join("|")}|`, ...rows.map((r) => `| ${cells(r).map(esc).join(" | ")} |`)].join("\n");
}

/** Fixed-width for the terminal; the notes column last and unpadded. */
export function textTable(rows: Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")).join("\n");
}

export function targetLines(ts: Target[]): string[] {
  return ts.map((t) => {
    const verdict = t.met === null ? "NOT MEASURED" : t.met ? "MET" : "MISSED";
    const unit = t.unit ?? "x";
    const want = `${t.kind === "max" ? (t.strict ? "<" : "<=") : ">="} ${t.limit}${unit}`;
    return `${verdict}: ${t.name}: ${t.ratio === null ? "-" : `${t.ratio.toFixed(2)}${unit}`} (target ${want}); ${t.detail}`;
  });
}

/** The cash out benchmark's figures (bench/out/cashout.json), for the page. */
export interface CashOutFigures {
  ok: boolean;
  failures: string[];
  openBets: number;
  pushes: number;
  viewerOddsP50Ms: number;
  viewerOddsMaxMs: number;
  allValuesP50Ms: number;
  allValuesMaxMs: number;
  bareOddsP50Ms: number;
  bareOddsMaxMs: number;
  early: number;
  serverCpuSeconds: number;
}

/** No figures: the benchmark did not finish. */
export function emptyCashOut(): CashOutFigures {
  return { ok: false, failures: [], openBets: NaN, pushes: 0, viewerOddsP50Ms: NaN, viewerOddsMaxMs: NaN, allValuesP50Ms: NaN, allValuesMaxMs: NaN, bareOddsP50Ms: NaN, bareOddsMaxMs: NaN, early: 0, serverCpuSeconds: NaN };
}

/** What bench/cashout.ts wrote, after it ran with exit `code`; null when it wrote nothing. */
export function readCashOut(code: number): CashOutFigures | null {
  let r: Record<string, any>;
  try {
    r = JSON.parse(readFileSync(join(OUT_DIR, "cashout.json"), "utf8"));
  } catch {
    return null;
  }
  return {
    ok: code === 0,
    failures: r.failures ?? [],
    openBets: r.open,
    pushes: r.loaded?.length ?? 0,
    viewerOddsP50Ms: r.odds?.p50,
    viewerOddsMaxMs: r.odds?.max,
    allValuesP50Ms: r.values?.p50,
    allValuesMaxMs: r.values?.max,
    bareOddsP50Ms: r.bare?.p50,
    bareOddsMaxMs: r.bare?.max,
    early: r.early ?? 0,
    serverCpuSeconds: r.serverCpuSeconds,
  };
}

function cashOutSection(c: CashOutFigures | null): string {
  if (!c) return "Not run (a quick run without `--cashout`, or the benchmark wrote nothing).";
  return `\`bench/cashout.ts\` (run by the full \`npm run bench\`; alone: \`npm run bench -- cashout\`): ${int(c.openBets)} open bets from 100 punters
on one market (a socket each), then ${c.pushes} odds pushes that move every selection, one a second.

| | viewer's odds frame p50 / max | all cash out values sent p50 / max |
|---|---|---|
| market with ${int(c.openBets)} open bets | ${num(c.viewerOddsP50Ms, 1)} / ${num(c.viewerOddsMaxMs, 1)} ms | ${num(c.allValuesP50Ms, 1)} / ${num(c.allValuesMaxMs, 1)} ms |
| market with no bets | ${num(c.bareOddsP50Ms, 1)} / ${num(c.bareOddsMaxMs, 1)} ms | - |

Times are from the push's POST to arrival at the load generator. The values
are computed after the odds frame has gone out, a slice of bets a turn, so the
viewers' frame waits only for the push itself: the odds frame's delay from the
values is the difference between the two rows' first column. ${c.early} values reached a socket before
their own odds frame; server CPU for the pushes with bets ${num(c.serverCpuSeconds, 2)} s.${c.ok ? "" : ` PROBLEMS: ${c.failures.join("; ")}`}`;
}

export interface PageInput {
  rows: Row[];
  targets: Target[];
  machine: Machine;
  date: string;
  plan: Plan;
  pinned: boolean;
  source: SourceInfo | null;
  /** CPU-seconds per second used by processes other than the servers and the load generator, over the measured windows (median). */
  otherLoad: number | null;
  wallSeconds: number;
  command: string;
  /** The WebSocket extensions the servers agreed to, per system. */
  extensions: string;
  cashout: CashOutFigures | null;
}

export function page(p: PageInput): string {
  const m = p.machine;
  const dirty = p.source && p.source.uncommitted.length > 0 ? ` plus uncommitted changes to ${p.source.uncommitted.join(", ")}` : "";
  return `# Benchmarks: Edgebook side by side with its peers

Generated by \`${p.command}\` on ${p.date}; do not edit by hand, run it again.
Raw figures: \`bench/results.json\` (per-run detail in \`bench/out/comparison-details.json\`, not committed).

**Machine:** ${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB memory, ${m.kernel}, Node ${m.node}.
**Code under test:** ${p.source ? `${p.source.commit.slice(0, 12)}${dirty}` : "unknown"}.
**Run:** ${p.plan.quick ? "quick" : "full"}; every figure is the median of ${p.plan.repeats} run(s), each on a freshly started server;
${p.plan.subscribers} subscribers; ${p.pinned ? "servers pinned to core 0 and the load generator to core 1 with `taskset`" : "nothing pinned (no `taskset` on this machine)"};
load average at start ${m.loadAverage.join(", ")}; other processes used ${p.otherLoad === null ? "-" : p.otherLoad.toFixed(2)} CPU-seconds per second during the steady fan-out (median); the whole run took ${Math.round(p.wallSeconds)} s.

## Targets

${targetLines(p.targets)
  .map((l) => `- ${l}`)
  .join("\n")}

## Results

${markdownTable(p.rows)}

## Live cash out at scale

${cashOutSection(p.cashout)}

## What is measured

Every system gets the same load from one Node process (the load generator) on
127.0.0.1, with raw \`ws\` sockets that decline permessage-deflate (the
extensions each server agreed to: ${p.extensions}). Odds changes are published the
way the hub's trader publishes them, an HTTP POST per change, open-loop at the
given rate (up to 32 in flight). The frame every system sends is the hub's
\`{"type":"odds","seq","ts","odds":{...}}\` with one selection moved.

- **edgebook**: the hub as \`npm start\` runs it (the Worker built as \`wrangler deploy\`
  builds it, on workerd through Miniflare, fresh storage), reached on its public
  port through the front that sets the client address; changes go through
  \`POST /api/markets/:id/odds\` with the SDK's \`EdgebookApi\`, so every one is
  authenticated, validated and written to SQLite before it is sent (with
  \`LOG_LEVEL=warn\`: no log line per request, see the caveats).
- **reference-do**: \`bench/reference/\`, a Worker and one Durable Object that
  relays the POSTed string, prebuilt by the load generator, to its hibernatable
  sockets, run and reached the same way: the floor for a broadcast on workerd.
- **socket.io**: Socket.IO 4.8.4 on Node, WebSocket transport only,
  \`io.to(room).emit("odds", frame)\`. Subscribers speak engine.io v4 over raw
  \`ws\` (one per run uses the official socket.io-client, to show it is the same protocol).
- **ws**: a plain \`ws\` server: \`JSON.stringify\` once, the same string to every client.
- **http-poll**: clients asking \`GET /api/markets/:id\` (the SDK's \`EdgebookApi\`)
  once a second each, at spread phases, against the same hub, with no socket open.

Scenarios:

1. **fanout**: ${p.plan.subscribers} subscribers, ${p.plan.rate} changes a second,
   ${p.plan.fanoutUpdates} measured after ${p.plan.warmup} warm-up. *p50/p99*: from just
   before the publishing POST left the load generator to the frame's \`message\`
   event on each socket (one clock, \`performance.now()\`), over every delivery.
   *deliveries/s*: frames received over the time from the first measured publish to
   the last frame. *CPU µs/delivery*: the server's CPU time (user + system, from
   \`/proc\`, summed over its process group: for the workerd systems that is the
   start script's Node process (the front) and workerd; for the Node peers
   their own process) over the same window, divided by deliveries. It includes
   handling the POSTs. For **http-poll** the row reads differently: p50/p99 are the
   staleness (publish to the first poll answer that shows the change),
   deliveries/s are poll answers a second and CPU is per poll answer.
2. **goal-burst**: ${p.plan.burstUpdates} changes inside one second to the same subscribers.
3. **saturation**: the update rate steps through ${p.plan.saturationRates.join(", ")} a second
   (${p.plan.saturationSeconds} s each) at ${p.plan.subscribers} subscribers and stops at the first step whose
   p99 reaches 100 ms or that loses a frame; the row is the step with the most
   deliveries a second under that limit. The notes say how busy the server's core
   and the load generator were at the failing step: where the load generator is
   near 100%, the ceiling is the client's, not the server's.
4. **bets-while-broadcasting** (edgebook only): ${p.plan.punters} punters, each with a
   socket and ${p.plan.betInflight} bets in flight (paced under the hub's 20 frames a second per
   socket), bet for ${p.plan.betSeconds} s while the odds go on at ${p.plan.rate}/s to every subscriber.
   p50/p99 are the odds deliveries meanwhile; bets/s are accepted bets; the money
   is checked after.
5. **bytes-per-update**: bytes read from one subscriber's TCP socket
   (\`net.Socket.bytesRead\`) during the steady fan-out, per frame: WebSocket
   header plus payload. For http-poll: one poll's request plus response, headers
   included, counted on the socket of a poller that goes through \`node:http\`
   (a minimal request: a browser adds a User-Agent, Accept-* and cookies, so
   this is polling's lower bound).
6. **reconnect-storm** (edgebook only): every subscriber's TCP connection is dropped at
   once (no close frame) and every one reconnects at once with
   \`?since=<its last seq>&epoch=<epoch>\` while changes go on at ${p.plan.rate}/s. p50/p99
   are drop-to-live per socket (live = the first frame after the upgrade: a
   replay, or the viewer count when it missed nothing); the note gives the time
   until the last one was live. Every resumed socket is checked for gaps.
7. **memory-per-connection**: the server's resident memory (RSS from \`/proc\`,
   summed over the process group) after the subscribers opened, less before,
   divided by the sockets (${WARM_NOTE}). Both samples are taken after one
   change has reached every open socket, so each socket is measured as it is in
   use (a socket's first send allocates its buffers; the hub sends a snapshot on
   opening, the bare object nothing).
8. **fanout-small**: after saturation (and a pause for its backlog), all but
   ${p.plan.smallSubscribers} subscribers close and the steady fan-out of scenario 1 runs
   again to the rest: the second size the targets compare with Socket.IO.
9. **resume-storm** (edgebook only): during a ${p.plan.stormSeconds} s steady fan-out to those
   ${p.plan.smallSubscribers}, ${p.plan.stormSockets} new sockets resume from \`since=0\` of the current epoch
   at once (by then the log holds every change of the run, thousands after
   saturation). p50/p99 are the other viewers' deliveries meanwhile; the note
   says how the storm was served (replay or snapshot).
10. **bets** (edgebook only): ${p.plan.betPunters} punters, each with a socket and ${p.plan.betInflight} bets in
   flight (paced under the hub's 20 frames a second per socket), bet on one market
   for ${p.plan.betsAloneSeconds} s with no odds moving; bets/s are accepted bets, p50/p99 the bet
   round trip (send to final answer), CPU per bet the server's whole process
   tree over the accepted bets; every punter's balance is checked after.

The inner path (workerd alone, without the front) is the "Worker process alone"
figure of each row: the same run's CPU of the workerd process only.

## Caveats

- Two cores: the server and the load generator each have one, and other work on
  the machine shares them; the notes give the load generator's share. The
  ws and Socket.IO peers are fast enough that in saturation the load generator
  (one Node process receiving every frame) runs out before they do.
- workerd on one machine is not Cloudflare's network. Every request and frame
  to a Worker crosses the front in the start script's Node process (it sets the
  client address from the TCP peer), which production does not have; the hub
  runs with \`LOG_LEVEL=warn\` (no line per request), as the reference object logs
  nothing. The "Worker process alone" figures leave out everything but workerd.
- The Node peers have no storage, no authentication and no event log; the
  reference object has none either. The hub does all of that per change; the
  reference-do comparison shows what it costs per delivery.
- Hibernation: the hub and the reference object accept their sockets with the
  Hibernation API, but nothing here is idle long enough for either to hibernate.
`;
}

const WARM_NOTE = "ten warm-up sockets are opened first and not counted, so the first socket's one-off costs stay out";
