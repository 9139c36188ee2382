// One `wrangler dev` process group for a benchmark: offline, fresh storage,
// its own ports, its log under bench/out, optionally pinned to a core, ready
// when a URL answers, stopped by group.
import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { wranglerEnv } from "../../scripts/wrangler-env.ts";
import { type GroupSample, sampleGroup, spawnGroup, stopGroup, untrackGroup } from "./process-group.ts";

export interface WranglerOptions {
  /** Where wrangler runs (its node_modules/.bin/wrangler is used). */
  cwd: string;
  /** `-c <config>`, relative to cwd; wrangler.toml in cwd when absent. */
  config?: string;
  port: number;
  inspectorPort: number;
  persistTo: string;
  envFile?: string;
  logFile: string;
  /** `taskset -c` list for the whole group. */
  cpus?: string;
  /** A URL that answers 2xx (or any status when `anyStatus`) once the Worker is up. */
  readyUrl: string;
  readyAnyStatus?: boolean;
  readyTimeoutMs?: number;
  /**
   * wrangler's --log-level. At "info" (its default) wrangler logs every request,
   * which costs its Node process about 0.7 ms of CPU per request here, inside the
   * measured group; "warn" keeps errors and warnings only.
   */
  logLevel?: "info" | "warn" | "error";
}

export interface WranglerDev {
  pid: number;
  logFile: string;
  sample(): GroupSample;
  /** Times wrangler rebuilt and restarted the Worker since it was ready: a reload drops every socket. */
  reloads(): number;
  /** Log lines since ready that look like Worker errors. */
  errorLines(): string[];
  /**
   * The Worker's own entry port, behind wrangler's dev proxy: the URL that
   * answers `path` with the same status as the public port does.
   */
  workerEntryUrl(path: string): Promise<string>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startWranglerDev(opts: WranglerOptions): Promise<WranglerDev> {
  const logFd = openSync(opts.logFile, "w");
  const args = [
    "dev",
    ...(opts.config ? ["-c", opts.config] : []),
    "--ip", "127.0.0.1",
    "--port", String(opts.port),
    "--inspector-port", String(opts.inspectorPort),
    "--persist-to", opts.persistTo,
    ...(opts.envFile ? ["--env-file", opts.envFile] : []),
    "--show-interactive-dev-session=false",
    ...(opts.logLevel ? ["--log-level", opts.logLevel] : []),
  ];
  const child = spawnGroup(join(opts.cwd, "node_modules", ".bin", "wrangler"), args, {
    cwd: opts.cwd,
    cpus: opts.cpus,
    stdio: ["ignore", logFd, logFd],
    env: wranglerEnv(),
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start wrangler");

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= stopGroup(pid).then(() => untrackGroup(pid));
    return stopped;
  };
  try {
    await waitReady(opts, child);
  } catch (err) {
    await stop();
    const tail = readFileSync(opts.logFile, "utf8").split("\n").slice(-20).join("\n");
    throw new Error(`${(err as Error).message}\n--- ${opts.logFile} (tail) ---\n${tail}`);
  }
  const readyAt = statSync(opts.logFile).size;
  const logSinceReady = () => readFileSync(opts.logFile).subarray(readyAt).toString("utf8");
  return {
    pid,
    logFile: opts.logFile,
    sample: () => sampleGroup(pid),
    reloads: () => logSinceReady().split("Reloading local server").length - 1,
    errorLines: () =>
      logSinceReady()
        .split("\n")
        .filter((l) => /"level":"error"|✘|\[ERROR\]|Uncaught|uncaught/.test(l)),
    workerEntryUrl: (path) => findWorkerEntry(pid, opts.port, path),
    stop,
  };
}

/**
 * wrangler dev puts a proxy (a second workerd) in front of the Worker; production
 * has no such hop. The Worker's workerd listens on an ephemeral loopback entry
 * port of its own (and on a few internal ones): find its listening sockets from
 * /proc, and keep the one that answers like the public port.
 */
async function findWorkerEntry(pgid: number, publicPort: number, path: string): Promise<string> {
  const worker = sampleGroup(pgid).processes.find((p) => isWorkerProcess(p.cmd));
  if (!worker) throw new Error("no Worker process in wrangler's group");
  const expected = (await fetch(`http://127.0.0.1:${publicPort}${path}`, { signal: AbortSignal.timeout(5_000) })).status;
  for (const port of listeningPorts(worker.pid)) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
      await r.arrayBuffer();
      if (r.status === expected) return `http://127.0.0.1:${port}`;
    } catch {
      // Not an HTTP entry.
    }
  }
  throw new Error(`none of the Worker's ports answers ${path} with ${expected}`);
}

/** TCP ports a process listens on, in the order it opened them (by file descriptor). */
function listeningPorts(pid: number): number[] {
  const inodes = new Map<string, number>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.set(m[1], Number(fd));
    } catch {
      // Closed meanwhile.
    }
  }
  const found: { fd: number; port: number }[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let lines: string[] = [];
    try {
      lines = readFileSync(table, "utf8").split("\n").slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      // local_address is f[1] as HEXIP:HEXPORT, st is f[3] (0A = LISTEN), inode is f[9].
      if (f.length < 10 || f[3] !== "0A" || !inodes.has(f[9])) continue;
      found.push({ fd: inodes.get(f[9])!, port: parseInt(f[1].split(":")[1], 16) });
    }
  }
  return found.sort((a, b) => a.fd - b.fd).map((x) => x.port);
}

async function waitReady(opts: WranglerOptions, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler exited before it was ready (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const r = await fetch(opts.readyUrl, { signal: AbortSignal.timeout(2_000) });
      await r.arrayBuffer();
      if (r.ok || opts.readyAnyStatus) return;
    } catch {
      // Not up yet.
    }
    await sleep(200);
  }
  throw new Error(`no answer from ${opts.readyUrl} within ${opts.readyTimeoutMs ?? 60_000} ms`);
}

/**
 * Which of wrangler's processes runs the Worker under test. wrangler dev runs two
 * workerd processes: one behind the public port (wrangler's dev proxy, which
 * forwards every request and pumps every WebSocket frame) and one with the
 * Worker itself on an ephemeral entry port (`entry=127.0.0.1:0`).
 */
export function isWorkerProcess(cmd: string): boolean {
  return /workerd/.test(cmd) && /--socket-addr=entry=127\.0\.0\.1:0(\s|$)/.test(cmd);
}

export function isProxyProcess(cmd: string): boolean {
  return /workerd/.test(cmd) && /--socket-addr=entry=127\.0\.0\.1:[1-9]/.test(cmd);
}
