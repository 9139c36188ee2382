// A server under test as a process group: started in its own group (and on
// its own core where `taskset` exists), measured from /proc (CPU time and
// resident memory summed over the group), and stopped by group, never by name.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { TASKSET, groupAlive, stopGroup } from "../../scripts/server/launch.ts";

export { TASKSET, groupAlive, stopGroup };

/** USER_HZ: 100 on every mainstream Linux build. */
const CLOCK_TICKS = 100;
const PAGE_BYTES = (() => {
  const r = spawnSync("getconf", ["PAGESIZE"], { encoding: "utf8", timeout: 2_000 });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 4096;
})();

export interface ProcessSample {
  pid: number;
  /** The command line, joined by spaces (for telling wrangler's two workerd processes apart). */
  cmd: string;
  cpuSeconds: number;
  rssBytes: number;
}

export interface GroupSample {
  cpuSeconds: number;
  rssBytes: number;
  processes: ProcessSample[];
}

/** Every live process whose process group is `pgid`, from /proc (Linux only; empty elsewhere). */
export function sampleGroup(pgid: number): GroupSample {
  const processes: ProcessSample[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return { cpuSeconds: NaN, rssBytes: NaN, processes };
  }
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may hold spaces.
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15, rss 24 (pages).
      if (Number(f[2]) !== pgid) continue;
      const cmd = readFileSync(`/proc/${e}/cmdline`, "utf8").split("\0").join(" ").trim();
      processes.push({ pid: Number(e), cmd, cpuSeconds: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS, rssBytes: Number(f[21]) * PAGE_BYTES });
    } catch {
      // The process ended while we looked.
    }
  }
  return {
    cpuSeconds: processes.reduce((s, p) => s + p.cpuSeconds, 0),
    rssBytes: processes.reduce((s, p) => s + p.rssBytes, 0),
    processes,
  };
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Every group this process started and has not stopped yet: stopped on exit, whatever the exit. */
const started = new Set<number>();

export function trackGroup(pgid: number): void {
  started.add(pgid);
}

export function untrackGroup(pgid: number): void {
  started.delete(pgid);
}

/** Stop every group still running (by its own id; never by name). */
export async function stopAllGroups(): Promise<void> {
  await Promise.all([...started].map((g) => stopGroup(g)));
  started.clear();
}

/** Last resort on a hard exit: SIGKILL every group still tracked, synchronously. */
export function killAllGroupsNow(): void {
  for (const g of started) signalGroup(g, "SIGKILL");
}

/**
 * Spawn `command` as the leader of a new process group, pinned to `cpus` with
 * `taskset -c` where taskset exists (taskset execs the command, so the pid and
 * the group stay the command's own).
 */
export function spawnGroup(
  command: string,
  args: string[],
  opts: { cpus?: string; cwd?: string; env?: NodeJS.ProcessEnv; stdio: ("ignore" | number)[] },
): ChildProcess {
  const pinned = opts.cpus !== undefined && TASKSET !== null;
  const child = spawn(pinned ? TASKSET! : command, pinned ? ["-c", opts.cpus!, command, ...args] : args, {
    cwd: opts.cwd,
    env: opts.env,
    // Its own group: workerd is a grandchild of wrangler, and only killing the group stops it.
    detached: true,
    stdio: opts.stdio,
  });
  if (child.pid !== undefined) trackGroup(child.pid);
  return child;
}

/** Pin this process (every thread) to `cpus`; false where taskset is missing or refused. */
export function pinSelf(cpus: string): boolean {
  if (TASKSET === null) return false;
  const r = spawnSync(TASKSET, ["-a", "-p", "-c", cpus, String(process.pid)], { encoding: "utf8", timeout: 5_000 });
  return r.status === 0;
}
