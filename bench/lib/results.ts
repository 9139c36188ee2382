// The comparison's results: one row per (scenario, system) and run, the
// medians over repeated runs, and the three targets read off them.
import type { SystemName } from "./system.ts";

export const SCENARIOS = [
  "fanout",
  "fanout-small",
  "goal-burst",
  "saturation",
  "bets-while-broadcasting",
  "bytes-per-update",
  "reconnect-storm",
  "resume-storm",
  "bets",
  "memory-per-connection",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

type Num = number | null;

/** A row as bench/results.json holds it; null where a figure does not apply. */
export interface Row {
  scenario: Scenario;
  system: SystemName;
  subscribers: Num;
  /** Odds changes a second offered (saturation: the best step's). */
  updatesPerSec: Num;
  p50Ms: Num;
  p99Ms: Num;
  deliveriesPerSec: Num;
  cpuUsPerDelivery: Num;
  bytesPerUpdate: Num;
  memPerConnKB: Num;
  /** Bets accepted a second (bets-while-broadcasting only). */
  betsPerSec: Num;
  /** How many runs the medians are over. */
  runs: number;
  /** Scenario-specific figures (medians where numeric). */
  extra: Record<string, Num | string | boolean>;
  /** Anything that went wrong in any run: missed frames, gaps, failed publishes, money. */
  problems: string[];
}

export type RunRow = Omit<Row, "runs">;

const NUMERIC: (keyof RunRow)[] = ["subscribers", "updatesPerSec", "p50Ms", "p99Ms", "deliveriesPerSec", "cpuUsPerDelivery", "bytesPerUpdate", "memPerConnKB", "betsPerSec"];

export function median(values: number[]): number | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** One row per (scenario, system): the median of every numeric figure over the runs. */
export function aggregate(runs: RunRow[]): Row[] {
  const groups = new Map<string, RunRow[]>();
  for (const r of runs) {
    const key = `${r.scenario}\u0000${r.system}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    for (const rs of [...groups.values()].filter((g) => g[0].scenario === scenario)) {
      const row: Row = { ...rs[0], runs: rs.length, extra: {}, problems: [...new Set(rs.flatMap((r) => r.problems))] };
      for (const k of NUMERIC) {
        const vals = rs.map((r) => r[k]).filter((x): x is number => typeof x === "number");
        (row as unknown as Record<string, Num>)[k] = vals.length > 0 ? median(vals) : null;
      }
      const keys = new Set(rs.flatMap((r) => Object.keys(r.extra)));
      for (const k of keys) {
        const vals = rs.map((r) => r.extra[k]);
        const nums = vals.filter((x): x is number => typeof x === "number");
        row.extra[k] = nums.length > 0 ? median(nums) : (vals.find((x) => x !== undefined) ?? null);
      }
      rows.push(row);
    }
  }
  return rows;
}

export interface Target {
  name: string;
  /** The figure compared with `limit`: lower is better for "max", higher for "min". */
  ratio: number | null;
  limit: number;
  kind: "max" | "min";
  /** What the figure is in: "x" (a ratio, the default), " bets/s", " ms". */
  unit?: string;
  /** The limit itself misses ("< limit" rather than "<= limit"). */
  strict?: boolean;
  met: boolean | null;
  detail: string;
}

const find = (rows: Row[], scenario: Scenario, system: SystemName) => rows.find((r) => r.scenario === scenario && r.system === system);

const div = (a: Num | undefined, b: Num | undefined) => (typeof a === "number" && typeof b === "number" && b > 0 ? a / b : null);
const met = (r: number | null, ok: (r: number) => boolean) => (r === null ? null : ok(r));
const f = (n: Num | undefined, d = 1) => (typeof n === "number" ? n.toFixed(d) : "-");

/** The hub's fan-out p99 against Socket.IO's at the same size: no worse is the target. */
function p99Target(hub: Row | undefined, sio: Row | undefined): Target {
  const ratio = div(hub?.p99Ms, sio?.p99Ms);
  return {
    name: `p99 push-to-receive, hub vs Socket.IO (fan-out, ${hub?.subscribers ?? "-"} subscribers, ${hub?.updatesPerSec ?? "-"} updates/s)`,
    ratio,
    limit: 1,
    kind: "max",
    met: met(ratio, (r) => r <= 1),
    detail: `${f(hub?.p99Ms)} ms vs ${f(sio?.p99Ms)} ms`,
  };
}

export function targets(rows: Row[]): Target[] {
  const hub = find(rows, "fanout", "edgebook");
  const ref = find(rows, "fanout", "reference-do");
  const sio = find(rows, "fanout", "socket.io");
  const hubSmall = find(rows, "fanout-small", "edgebook");
  const sioSmall = find(rows, "fanout-small", "socket.io");
  const hubMem = find(rows, "memory-per-connection", "edgebook");
  const refMem = find(rows, "memory-per-connection", "reference-do");
  const bets = find(rows, "bets", "edgebook");
  const storm = find(rows, "resume-storm", "edgebook");
  const hubBytes = find(rows, "bytes-per-update", "edgebook");
  const pollBytes = find(rows, "bytes-per-update", "http-poll");
  const cpu = div(hub?.cpuUsPerDelivery, ref?.cpuUsPerDelivery);
  const cpuWorker = div(hub?.extra.workerCpuUsPerDelivery as Num, ref?.extra.workerCpuUsPerDelivery as Num);
  const mem = div(hubMem?.memPerConnKB, refMem?.memPerConnKB);
  const bytes = div(pollBytes?.bytesPerUpdate, hubBytes?.bytesPerUpdate);
  const cpuPerBet = (bets?.extra.cpuMsPerBet as Num | undefined) ?? null;
  const moneyRight = bets?.extra.moneyRight === true;
  return [
    {
      name: "CPU per delivery, hub vs the bare reference object (fan-out)",
      ratio: cpu,
      limit: 1.25,
      kind: "max",
      met: met(cpu, (r) => r <= 1.25),
      detail: `${f(hub?.cpuUsPerDelivery, 2)} vs ${f(ref?.cpuUsPerDelivery, 2)} µs per delivery over the server's whole process tree (both behind npm start's front); the inner path, workerd alone: ${f(hub?.extra.workerCpuUsPerDelivery as Num, 2)} vs ${f(ref?.extra.workerCpuUsPerDelivery as Num, 2)} µs (ratio ${f(cpuWorker, 2)})`,
    },
    p99Target(hubSmall, sioSmall),
    p99Target(hub, sio),
    {
      name: "Memory per socket, hub vs the bare reference object",
      ratio: mem,
      limit: 1.5,
      kind: "max",
      met: met(mem, (r) => r <= 1.5),
      detail: `${f(hubMem?.memPerConnKB)} vs ${f(refMem?.memPerConnKB)} KB per socket over the process tree (workerd alone: ${f(hubMem?.extra.workerProcessKBPerConn as Num)} vs ${f(refMem?.extra.workerProcessKBPerConn as Num)} KB)`,
    },
    {
      name: `Bets a second on one market (${bets?.extra.punters ?? "-"} punters), money checked after`,
      ratio: bets?.betsPerSec ?? null,
      limit: 1000,
      kind: "min",
      unit: " bets/s",
      met: bets ? (bets.betsPerSec ?? 0) >= 1000 && moneyRight : null,
      detail: `${f(bets?.betsPerSec, 0)} accepted a second; money ${bets ? (moneyRight ? "right" : "WRONG") : "-"}; round trip p50 ${f(bets?.p50Ms)} ms, p99 ${f(bets?.p99Ms)} ms`,
    },
    {
      name: "CPU per bet over the whole process tree",
      ratio: cpuPerBet,
      limit: 1,
      kind: "max",
      unit: " ms",
      met: met(cpuPerBet, (r) => r <= 1),
      detail: `${f(cpuPerBet, 2)} ms per accepted bet (workerd alone ${f(bets?.extra.workerCpuMsPerBet as Num, 2)} ms)`,
    },
    {
      name: `Other viewers' p99 during a resume storm of ${storm?.extra.stormSockets ?? "-"} sockets from seq 0`,
      ratio: storm?.p99Ms ?? null,
      limit: 100,
      kind: "max",
      unit: " ms",
      strict: true,
      met: met(storm?.p99Ms ?? null, (r) => r < 100),
      detail: `p99 ${f(storm?.p99Ms)} ms, p50 ${f(storm?.p50Ms)} ms for ${storm?.subscribers ?? "-"} viewers at ${storm?.updatesPerSec ?? "-"} updates/s; the storm's sockets served by ${storm?.extra.replays ?? "-"} replays and ${storm?.extra.snapshots ?? "-"} snapshots (seq ${storm?.extra.seqAtStorm ?? "-"} when it came)`,
    },
    {
      name: "Bytes per odds update, polling vs the hub's socket",
      ratio: bytes,
      limit: 10,
      kind: "min",
      met: met(bytes, (r) => r >= 10),
      detail: `${f(pollBytes?.bytesPerUpdate, 0)} bytes per poll (request + response, headers included) vs ${f(hubBytes?.bytesPerUpdate, 1)} bytes per odds frame (payload + WebSocket header)`,
    },
  ];
}
