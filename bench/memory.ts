// Where a socket's memory goes: the hub (as `npm start` runs it) against the
// bare reference object, each with workerd's inspector open (bench-only). Both
// get the comparison's memory measurement (warm sockets, a frame to all, RSS;
// the rest of the sockets, a frame to all, RSS), and then what the RSS figure
// cannot tell: the isolates' JavaScript heap before and after a full garbage
// collection, RSS after it, and by heap snapshots, which kinds of objects the
// added sockets keep alive.
//
//   npx node bench/memory.ts [--sockets 1000] [--system both|edgebook|reference-do] [--port 8840] [--snapshot]
//
// --snapshot: a heap snapshot of the Worker's isolate before and after the
// sockets open (after a collection each time), summarised by constructor.
import { parseArgs } from "node:util";
import { startEdgebook } from "./lib/edgebook-system.ts";
import { inBatches } from "./lib/in-batches.ts";
import { killAllGroupsNow, stopAllGroups, type GroupSample } from "./lib/process-group.ts";
import { startReference } from "./lib/reference-system.ts";
import { isFrontProcess, isWorkerProcess } from "./lib/server.ts";
import { type Subscriber, closeSubscribers } from "./lib/subscriber.ts";
import { WARM_SOCKETS as WARM, oneFrameToAll } from "./lib/system-run.ts";
import { type InspectorSession, connectInspector, inspectorTargets } from "./lib/workerd-profile.ts";

const { values } = parseArgs({
  options: {
    sockets: { type: "string", default: "1000" },
    system: { type: "string", default: "both" },
    port: { type: "string", default: "8840" },
    snapshot: { type: "boolean", default: false },
    budget: { type: "string", default: "300" },
  },
  strict: true,
});
const SOCKETS = Number(values.sockets);
const PORT = Number(values.port);
const say = (line: string) => process.stdout.write(`[memory] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

setTimeout(() => {
  say(`past the ${values.budget} s budget; stopping`);
  void stopAllGroups().finally(() => process.exit(2));
}, Number(values.budget) * 1000).unref();
process.on("exit", killAllGroupsNow);

interface Heap {
  used: number;
  total: number;
}

interface Isolates {
  sessions: { title: string; s: InspectorSession }[];
  heap(): Promise<Heap>;
  collect(): Promise<void>;
  /** Self size by constructor (objects, closures, strings...), of the first isolate. */
  census(): Promise<Map<string, { count: number; bytes: number }>>;
  close(): void;
}

async function attach(port: number, base: string): Promise<Isolates> {
  // The Worker's own isolate (the hub and every other object live in it); Miniflare's helpers are left out.
  const targets = (await inspectorTargets(port)).filter((t) => /core:user:/.test(t.title));
  if (targets.length === 0) throw new Error("no core:user isolate on the inspector");
  const sessions = await Promise.all(targets.map(async (t) => ({ title: t.title, s: await connectInspector(t.url) })));
  return {
    sessions,
    async heap() {
      let used = 0;
      let total = 0;
      for (const { s } of sessions) {
        const h = (await s.send("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
        used += h.usedSize;
        total += h.totalSize;
      }
      return { used, total };
    },
    async collect() {
      // An idle isolate may leave the inspector's command waiting until it next runs: a request nudges it.
      for (const { s } of sessions) await nudged(s.send("HeapProfiler.collectGarbage"), base);
    },
    async census() {
      const s = sessions[0].s;
      const chunks: string[] = [];
      s.on("HeapProfiler.addHeapSnapshotChunk", (p) => chunks.push((p as { chunk: string }).chunk));
      await s.send("HeapProfiler.enable");
      await s.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      return summarise(JSON.parse(chunks.join("")) as Snapshot);
    },
    close() {
      for (const { s } of sessions) s.close();
    },
  };
}

/** Wait for `p`, sending a harmless request to the server every 200 ms meanwhile. */
async function nudged<T>(p: Promise<T>, base: string): Promise<T> {
  let done = false;
  const result = p.finally(() => {
    done = true;
  });
  while (!done) {
    await Promise.race([result.catch(() => {}), sleep(200)]);
    if (!done) await fetch(`${base}/api/health`).then((r) => r.arrayBuffer(), () => null);
  }
  return result;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

function summarise(snap: Snapshot): Map<string, { count: number; bytes: number }> {
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const fType = fields.indexOf("type");
  const fName = fields.indexOf("name");
  const fSize = fields.indexOf("self_size");
  const types = snap.snapshot.meta.node_types[0];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + fType]];
    const name = type === "object" || type === "native" || type === "closure" ? snap.strings[snap.nodes[i + fName]] : "";
    const key = `${type}${name ? ` ${name.slice(0, 60)}` : ""}`;
    const e = out.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += snap.nodes[i + fSize];
    out.set(key, e);
  }
  return out;
}

function rssBy(s: GroupSample): { worker: number; front: number; total: number } {
  let worker = 0;
  let front = 0;
  for (const p of s.processes) {
    if (isWorkerProcess(p.cmd)) worker += p.rssBytes;
    else if (isFrontProcess(p.cmd)) front += p.rssBytes;
  }
  return { worker, front, total: s.rssBytes };
}

const kb = (bytes: number, n: number) => `${(bytes / n / 1024).toFixed(1)} KB`;

async function probe(name: "edgebook" | "reference-do", port: number): Promise<void> {
  const inspectorPort = port + 1000;
  const env = { EDGEBOOK_INSPECT: "1", INSPECTOR_PORT: String(inspectorPort) };
  const sys = name === "edgebook" ? await startEdgebook({ port, label: "memory-edgebook", env }) : await startReference({ port, label: "memory-reference", env });
  const iso = await attach(inspectorPort, `http://127.0.0.1:${port}`);
  say(`${name}: isolates ${iso.sessions.map((x) => x.title).join(", ")}`);
  let subs: Subscriber[] = [];
  try {
    let k = 0;
    const open = () => sys.subscribe({ timeoutMs: 30_000 });
    subs = await inBatches(Array.from({ length: WARM }), 50, () => open());
    await oneFrameToAll(sys, subs, k++);
    await sleep(300);
    const r0 = rssBy(sys.sample());
    const h0 = await iso.heap();
    await iso.collect();
    const h0gc = await iso.heap();
    const c0 = values.snapshot ? await iso.census() : null;
    const r0gc = rssBy(sys.sample());

    subs.push(...(await inBatches(Array.from({ length: SOCKETS - WARM }), 50, () => open())));
    await oneFrameToAll(sys, subs, k++);
    await sleep(1500);
    const added = subs.length - WARM;
    const r1 = rssBy(sys.sample());
    const h1 = await iso.heap();
    await iso.collect();
    await sleep(300);
    const h1gc = await iso.heap();
    const r1gc = rssBy(sys.sample());
    say(`${name}: ${added} sockets added`);
    say(`  RSS per socket (as the comparison measures): ${kb(r1.total - r0.total, added)} (workerd ${kb(r1.worker - r0.worker, added)}, front ${kb(r1.front - r0.front, added)})`);
    say(`  JS heap used per socket: ${kb(h1.used - h0.used, added)} before a collection, ${kb(h1gc.used - h0gc.used, added)} after (heap reserved ${kb(h1.total - h0.total, added)})`);
    say(`  RSS per socket after a collection: ${kb(r1gc.total - r0gc.total, added)} (workerd ${kb(r1gc.worker - r0gc.worker, added)}, front ${kb(r1gc.front - r0gc.front, added)})`);
    say(`  workerd outside the JS heap (RSS less heap reserved) per socket: ${kb(r1gc.worker - r0gc.worker - (h1gc.total - h0gc.total), added)}`);
    if (c0) {
      const c1 = await iso.census();
      const rows = [...c1.entries()]
        .map(([key, v]) => ({ key, count: v.count - (c0.get(key)?.count ?? 0), bytes: v.bytes - (c0.get(key)?.bytes ?? 0) }))
        .filter((r) => r.bytes > 0)
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 20);
      say(`  kept alive per socket, by kind (heap snapshots after collections):`);
      for (const r of rows) say(`    ${(r.bytes / added).toFixed(0).padStart(7)} B  ${(r.count / added).toFixed(2).padStart(6)} each  ${r.key}`);
    }
  } finally {
    iso.close();
    await closeSubscribers(subs);
    await sys.stop();
  }
}

const which = values.system === "both" ? (["edgebook", "reference-do"] as const) : [values.system as "edgebook" | "reference-do"];
try {
  for (const [i, name] of which.entries()) await probe(name, PORT + i * 2);
  await stopAllGroups();
  process.exit(0);
} catch (err) {
  say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await stopAllGroups();
  process.exit(1);
}
