// Fan-out on its own: one server (edgebook, or any system of the comparison),
// `--subscribers` sockets on one market, `--updates` odds changes at `--rate`
// a second; the same measurement `npm run bench` makes (bench/lib/fanout-run.ts):
// push-to-receive p50/p99, deliveries a second, server CPU per delivery.
// Fails (exit 1) on a missed frame or, where the server numbers the changes, a gap.
//
//   npx node bench/fanout.ts [--system edgebook] [--subscribers 200] [--updates 200] [--rate 20] [--port 8830]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Arrivals, fanoutProblems, runFanout } from "./lib/fanout-run.ts";
import { inBatches } from "./lib/in-batches.ts";
import { startEdgebook } from "./lib/edgebook-system.ts";
import { startNodePeer } from "./lib/node-peer-system.ts";
import { killAllGroupsNow, stopAllGroups } from "./lib/process-group.ts";
import { startReference } from "./lib/reference-system.ts";
import { OUT_DIR } from "./lib/server.ts";
import { closeSubscribers } from "./lib/subscriber.ts";
import { describeFanout, type ServerName } from "./lib/system-run.ts";
import type { SystemUnderTest } from "./lib/system.ts";

const { values } = parseArgs({
  options: {
    system: { type: "string", default: "edgebook" },
    subscribers: { type: "string", default: "200" },
    updates: { type: "string", default: "200" },
    rate: { type: "string", default: "20" },
    warmup: { type: "string", default: "10" },
    inflight: { type: "string", default: "32" },
    port: { type: "string", default: "8830" },
    /** `taskset -c` list for the server (e.g. 0); unpinned when absent. */
    cpus: { type: "string" },
    /** Hard limit for the whole run, in seconds. */
    budget: { type: "string", default: "120" },
  },
  strict: true,
});
const num = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number`);
  return n;
};
const system = values.system as ServerName;
const say = (line: string) => process.stdout.write(`[fanout] ${line}\n`);

function start(): Promise<SystemUnderTest> {
  const opts = { port: num("port"), cpus: values.cpus, label: `fanout-${system.replace(".", "")}` };
  if (system === "edgebook") return startEdgebook(opts);
  if (system === "reference-do") return startReference(opts);
  if (system === "ws" || system === "socket.io") return startNodePeer(system, opts);
  throw new Error(`--system is one of edgebook, reference-do, ws, socket.io`);
}

async function main(): Promise<number> {
  const bail = (code: number, why: string) => {
    say(why);
    setTimeout(() => process.exit(code), 8_000).unref();
    void stopAllGroups().finally(() => process.exit(code));
  };
  setTimeout(() => bail(2, `run exceeded its ${num("budget")} s budget; stopping`), num("budget") * 1000).unref();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => bail(130, `${sig}: stopping`));
  process.on("exit", killAllGroupsNow);

  const sys = await start();
  say(sys.describe);
  const arrivals = new Arrivals();
  const subscribers = await inBatches(Array.from({ length: num("subscribers") }, (_, i) => i), 25, () => sys.subscribe({ onOdds: arrivals.add, timeoutMs: 30_000 }));
  try {
    // The hub sends the viewer count at most once a second: let the last one go out before measuring.
    await new Promise((r) => setTimeout(r, 1500));
    const r = await runFanout({ system: sys, subscribers, arrivals, updates: num("updates"), rate: num("rate"), warmup: num("warmup"), inflight: num("inflight"), firstK: 0, drainMs: 30_000, byteSub: subscribers[0] });
    say(`${system}, ${r.subscribers} subscribers, ${r.rate} changes/s, ${r.updates} measured: ${describeFanout(r)}`);
    if (r.serverCpuSplit) say(`server CPU by process: workerd ${r.serverCpuSplit.worker.toFixed(2)} s, front (start script's Node) ${r.serverCpuSplit.proxy.toFixed(2)} s, other ${r.serverCpuSplit.other.toFixed(2)} s`);
    const file = join(OUT_DIR, `fanout-${system.replace(".", "")}.json`);
    writeFileSync(file, JSON.stringify({ benchmark: "fanout", system, describe: sys.describe, date: new Date().toISOString(), result: r }, null, 2) + "\n");
    say(`results in ${file}`);
    const problems = [...fanoutProblems(r), ...sys.health()];
    for (const p of problems) say(`PROBLEM: ${p}`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await closeSubscribers(subscribers);
    await sys.stop();
  }
}

main().then(
  async (code) => {
    await stopAllGroups();
    process.exit(code);
  },
  async (err) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    await stopAllGroups();
    process.exit(1);
  },
);
