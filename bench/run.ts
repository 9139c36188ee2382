// `npm run bench`: Edgebook side by side with its peers (a reference Durable
// Object on workerd, Socket.IO, plain `ws`, HTTP polling), every scenario,
// each point repeated on a fresh server, medians reported. Writes
// bench/results.json and docs/benchmarks.md and prints the table and the
// targets. `--quick` (a few minutes, every system, one run each) writes
// to bench/out/ instead, so it never overwrites the published figures
// (add --publish to write them anyway).
//
//   npm run bench [-- --quick] [-- --repeats 3] [-- --subscribers 1000] [-- --budget 2400] [-- --base-port 8820]
//   npm run bench -- settle [--bets 5000]   (settlement alone: bench/settlement.ts)
//   npm run bench -- book [flags]           (the whole book alone: bench/book.ts)
//   npm run bench -- cashout [flags]        (live cash out values of 10,000 open bets: bench/cashout.ts)
//
// Exit status: 0 when every run delivered every frame in order and the money
// was right, 1 otherwise, 2 past the time budget.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "./lib/args.ts";
import { describeMachine } from "./lib/machine.ts";
import { FULL, type Plan, QUICK } from "./lib/plan.ts";
import { OUT_DIR, ROOT, type SourceInfo, describeSource } from "./lib/server.ts";
import { TASKSET, killAllGroupsNow, pinSelf, stopAllGroups } from "./lib/process-group.ts";
import { type RunRow, aggregate, median, targets } from "./lib/results.ts";
import { page, targetLines, textTable } from "./lib/report.ts";
import { type ServerName, runSystem } from "./lib/system-run.ts";
import { type CashOutFigures, emptyCashOut, readCashOut } from "./lib/report.ts";
import { cashOutBench } from "./cashout.ts";
import { spawnSync } from "node:child_process";

// `npm run bench -- settle [flags]`: the settlement benchmark alone (bench/settlement.ts), not the comparison.
// `npm run bench -- book [flags]`: the whole-book benchmark (bench/book.ts runs itself on import and exits).
if (process.argv[2] === "book") {
  process.argv.splice(2, 1);
  await import("./book.ts");
  // bench/book.ts exits the process when it is done; nothing of the comparison runs meanwhile.
  await new Promise<never>(() => {});
}
if (process.argv[2] === "cashout") {
  const { cashOutBench } = await import("./cashout.ts");
  process.exit(await cashOutBench(process.argv.slice(3)));
}
if (process.argv[2] === "settle") {
  const { settlementBench } = await import("./settlement.ts");
  process.exit(await settlementBench(process.argv.slice(3)));
}

const args = parseArgs(process.argv.slice(2), {
  quick: false,
  /** Write bench/results.json and docs/benchmarks.md even for --quick. */
  publish: false,
  /** Override the plan's repeats / subscribers (0: the plan's). */
  repeats: 0,
  subscribers: 0,
  /** Hard limit for the whole run, in seconds (0: 300 quick, 600 quick with --cashout, 2400 full). */
  budget: 0,
  /** The servers' ports: this one and the next eight. */
  basePort: 8820,
  /** Run the cash out benchmark in a quick run too (the full run always does). */
  cashout: false,
});

const say = (line: string) => process.stdout.write(`[bench] ${line}\n`);
const SERVERS: ServerName[] = ["edgebook", "reference-do", "socket.io", "ws"];
/** File descriptors the load generator needs: every socket, plus the pollers' and some slack. */
const FDS_NEEDED = (n: number) => 2 * n + 200;

function softFdLimit(): number {
  const r = spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8", timeout: 2_000 });
  const n = Number(r.stdout?.trim());
  return r.stdout?.trim() === "unlimited" ? Infinity : Number.isFinite(n) ? n : NaN;
}

async function main(): Promise<number> {
  const started = performance.now();
  const plan: Plan = { ...(args.quick ? QUICK : FULL) };
  if (args.repeats > 0) plan.repeats = args.repeats;
  if (args.subscribers > 0) plan.subscribers = args.subscribers;
  const budget = args.budget || (plan.quick ? (args.cashout ? 600 : 300) : 2400);
  const publish = !plan.quick || args.publish;

  // Hard limits: a budget, Ctrl-C, a kill. Each stops every server group this process started.
  const bail = (code: number, why: string) => {
    say(why);
    const backstop = setTimeout(() => process.exit(code), 8_000);
    backstop.unref();
    void stopAllGroups().finally(() => process.exit(code));
  };
  setTimeout(() => bail(2, `run exceeded its ${budget} s budget; stopping`), budget * 1000).unref();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => bail(130, `${sig}: stopping`));
  process.on("exit", killAllGroupsNow);

  const machine = describeMachine();
  const pinned = TASKSET !== null && pinSelf("1");
  say(`${plan.quick ? "quick" : "full"} comparison: ${plan.subscribers} subscribers, ${plan.repeats} run(s) per point; ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGB} GB; load average ${machine.loadAverage.join(" ")}`);
  say(pinned ? "servers pinned to core 0, this load generator to core 1 (taskset)" : `not pinned: ${TASKSET === null ? "no taskset on this machine" : "taskset refused"}`);
  const fds = softFdLimit();
  if (fds < FDS_NEEDED(plan.subscribers)) {
    say(`ulimit -n is ${fds}; ${plan.subscribers} subscribers need about ${FDS_NEEDED(plan.subscribers)}: raise it (ulimit -n ${FDS_NEEDED(plan.subscribers)}) and run again`);
    return 1;
  }
  if (machine.cores < 2) say("one core: server and load generator share it; figures will be pessimistic");

  const runs: RunRow[] = [];
  const details: Record<string, unknown>[] = [];
  let source: SourceInfo | null = null;
  for (let repeat = 0; repeat < plan.repeats; repeat++) {
    // Rotate the order each run, so drifting background load falls on every system alike.
    const order = SERVERS.map((_, i) => SERVERS[(i + repeat) % SERVERS.length]);
    for (const name of order) {
      try {
        const rows = await runSystem(name, { plan, repeat, serverCpus: pinned ? "0" : undefined, basePort: args.basePort, say, details });
        runs.push(...rows);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        say(`[${name} run ${repeat + 1}] FAILED: ${message}`);
        details.push({ system: name, repeat, error: message });
        runs.push({ scenario: "fanout", system: name, subscribers: null, updatesPerSec: null, p50Ms: null, p99Ms: null, deliveriesPerSec: null, cpuUsPerDelivery: null, bytesPerUpdate: null, memPerConnKB: null, betsPerSec: null, extra: {}, problems: [`run failed: ${message.split("\n")[0]}`] });
      }
      await stopAllGroups();
    }
  }
  // The hub is built afresh each run: say so if the code changed between runs.
  const sources = [...new Map(details.filter((d) => d.scenario === "source").map((d) => [JSON.stringify(d.source), d.source as SourceInfo])).values()];
  source = sources[0] ?? null;
  if (sources.length > 1) say(`WARNING: worker/ changed between runs; the runs measured ${sources.length} different versions: ${sources.map(describeSource).join(" / ")}`);

  const rows = aggregate(runs);
  const ts = targets(rows);
  // Live cash out at scale (the full run; --cashout adds it to a quick one): 10,000 open bets' values per odds push.
  let cashout: CashOutFigures | null = null;
  if (!plan.quick || args.cashout) {
    const bets = plan.quick ? 2000 : 10_000;
    say(`cash out: ${bets} open bets, values per odds push (bench/cashout.ts)`);
    try {
      const code = await cashOutBench(["--bets", String(bets), "--port", String(args.basePort + 8)]);
      cashout = readCashOut(code);
    } catch (err) {
      say(`cash out benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
      cashout = { ...emptyCashOut(), failures: [`the benchmark failed: ${err instanceof Error ? err.message : String(err)}`] };
    }
    await stopAllGroups();
  }
  const date = new Date().toISOString();
  const otherLoad = median(
    details
      .filter((d) => d.scenario === "fanout" && typeof d.otherCpuSeconds === "number" && typeof d.seconds === "number")
      .map((d) => (d.otherCpuSeconds as number) / (d.seconds as number)),
  );
  const extensions = rows
    .filter((r) => r.scenario === "fanout" && r.system !== "http-poll")
    .map((r) => `${r.system} ${r.extra.extensions ?? "?"}`)
    .join(", ");
  const wallSeconds = (performance.now() - started) / 1000;

  console.log("");
  console.log(textTable(rows));
  console.log("");
  for (const line of targetLines(ts)) say(line);

  const results = {
    machine,
    date,
    quick: plan.quick,
    plan,
    pinned,
    source,
    runs: rows.map((r) => ({
      scenario: r.scenario,
      system: r.system,
      subscribers: r.subscribers,
      p50Ms: round(r.p50Ms, 2),
      p99Ms: round(r.p99Ms, 2),
      deliveriesPerSec: round(r.deliveriesPerSec, 0),
      cpuUsPerDelivery: round(r.cpuUsPerDelivery, 3),
      bytesPerUpdate: round(r.bytesPerUpdate, 1),
      memPerConnKB: round(r.memPerConnKB, 2),
      updatesPerSec: r.updatesPerSec,
      betsPerSec: round(r.betsPerSec, 1),
      repeats: r.runs,
      extra: Object.fromEntries(Object.entries(r.extra).map(([k, v]) => [k, typeof v === "number" ? round(v, 3) : v])),
      problems: r.problems,
    })),
    targets: ts,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, "comparison-details.json"), JSON.stringify({ date, plan, details }, null, 2) + "\n");
  const resultsFile = publish ? join(ROOT, "bench", "results.json") : join(OUT_DIR, "results-quick.json");
  const pageFile = publish ? join(ROOT, "docs", "benchmarks.md") : join(OUT_DIR, "benchmarks-quick.md");
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + "\n");
  const command = `npm run bench${plan.quick ? " -- --quick" : ""}`;
  writeFileSync(pageFile, page({ rows, targets: ts, machine, date, plan, pinned, source, otherLoad, wallSeconds, command, extensions, cashout }));
  say(`results in ${resultsFile} and ${pageFile}; per-run detail in ${join(OUT_DIR, "comparison-details.json")}; took ${wallSeconds.toFixed(0)} s`);
  if (source) say(describeSource(source));

  const problems = rows.filter((r) => r.scenario !== "saturation" && r.problems.length > 0);
  for (const r of problems) say(`PROBLEM in ${r.scenario} / ${r.system}: ${r.problems.join("; ")}`);
  if (cashout && !cashout.ok) say(`PROBLEM in cash out: ${cashout.failures.join("; ")}`);
  return problems.length > 0 || (cashout !== null && !cashout.ok) ? 1 : 0;
}

function round(n: number | null, digits: number): number | null {
  if (n === null || !Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main().then(
  async (code) => {
    await stopAllGroups();
    process.exit(code);
  },
  async (err: unknown) => {
    say(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await stopAllGroups();
    process.exit(1);
  },
);
