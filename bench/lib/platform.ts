// A throwaway local platform for one benchmark run: `wrangler dev` on an inner
// port with fresh storage, behind the same peer-address proxy `npm start` uses,
// with per-address limits raised so the load generator (one address) is not
// throttled. Wrangler runs in its own process group and is stopped by group.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startPeerAddressProxy } from "../../scripts/peer-address-proxy.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const OUT_DIR = join(ROOT, "bench", "out");

export interface PlatformOptions {
  /** The public port (the proxy's). */
  port: number;
  /** wrangler's own port; default port + 1. */
  innerPort?: number;
  /** wrangler's inspector; default port + 2. Each concurrent wrangler needs its own. */
  inspectorPort?: number;
  /** Extra or overriding Worker variables for the env file. */
  env?: Record<string, string>;
  /** Name for the wrangler log under bench/out. */
  label?: string;
  /** How long to wait for /api/health. */
  readyTimeoutMs?: number;
}

export interface Platform {
  url: string;
  adminKey: string;
  /** wrangler's combined stdout and stderr. */
  logFile: string;
  /** Lines of the wrangler log that look like Worker errors (log.error, uncaught). */
  errorLines(): string[];
  /**
   * Times wrangler rebuilt and restarted the Worker since it was ready. wrangler dev
   * watches the sources: an edit under worker/ during a run reloads the Worker and
   * drops every socket (1006), which a benchmark must not mistake for a server fault.
   */
  reloads(): number;
  /** CPU seconds (user + system) used so far by wrangler's process group: wrangler, workerd, esbuild. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 3_000;

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler exited before it was ready (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) return;
    } catch {
      // Not up yet.
    }
    await sleep(200);
  }
  throw new Error(`no answer from ${url}/api/health within ${timeoutMs} ms`);
}

function closeProxy(proxy: Server): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, 1_000);
    timer.unref();
    proxy.close(() => {
      clearTimeout(timer);
      done();
    });
    proxy.closeAllConnections();
  });
}

export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const { port } = opts;
  const innerPort = opts.innerPort ?? port + 1;
  const inspectorPort = opts.inspectorPort ?? port + 2;
  const url = `http://127.0.0.1:${port}`;
  const adminKey = `bench-${randomBytes(12).toString("base64url")}`;

  // The [assets] directory must exist for wrangler to start; an empty one serves no page, which a benchmark never asks for.
  mkdirSync(join(ROOT, "dist", "client"), { recursive: true });
  mkdirSync(OUT_DIR, { recursive: true });

  const work = mkdtempSync(join(tmpdir(), "edgebook-bench-"));
  const persistDir = join(work, "state");
  const envFile = join(work, "worker.env");
  const vars: Record<string, string> = {
    ADMIN_KEY: adminKey,
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    ALLOWED_ORIGINS: url,
    RATE_SOCKETS_PER_10S: "1000000",
    RATE_SESSIONS_PER_10S: "100000",
    MAX_SOCKETS_PER_ACCOUNT: "10000",
    ...opts.env,
  };
  // Secrets go in a file, not on the command line where `ps` would show them.
  writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });

  const logFile = join(OUT_DIR, `${opts.label ?? "bench"}-wrangler.log`);
  const logFd = openSync(logFile, "w");
  const child = spawn(
    join(ROOT, "node_modules", ".bin", "wrangler"),
    [
      "dev",
      "--ip", "127.0.0.1",
      "--port", String(innerPort),
      "--inspector-port", String(inspectorPort),
      "--persist-to", persistDir,
      "--env-file", envFile,
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: ROOT,
      // Its own process group: workerd is a grandchild, and only killing the group stops it.
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" },
    },
  );
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start wrangler");

  const proxy = startPeerAddressProxy(port, innerPort);
  const proxyError = new Promise<never>((_, reject) => proxy.once("error", (err) => reject(new Error(`proxy on ${port}: ${err.message}`))));
  proxyError.catch(() => {});

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      await closeProxy(proxy);
      signalGroup(pid, "SIGTERM");
      const deadline = Date.now() + STOP_GRACE_MS;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
      for (let i = 0; i < 20 && groupAlive(pid); i++) await sleep(100);
      rmSync(work, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await Promise.race([waitForHealth(url, child, opts.readyTimeoutMs ?? 60_000), proxyError]);
  } catch (err) {
    await stop();
    const tail = readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n");
    throw new Error(`${(err as Error).message}\n--- ${logFile} (tail) ---\n${tail}`);
  }

  const readyAt = statSync(logFile).size;
  const logSinceReady = () => readFileSync(logFile).subarray(readyAt).toString("utf8");
  return {
    url,
    adminKey,
    logFile,
    reloads: () => logSinceReady().split("Reloading local server").length - 1,
    errorLines: () =>
      logSinceReady()
        .split("\n")
        .filter((l) => /"level":"error"|✘|\[ERROR\]|Uncaught|uncaught/.test(l)),
    cpuSeconds: () => groupCpuSeconds(pid),
    stop,
  };
}

/** Sum utime + stime over every live process in the group, from /proc (Linux only; NaN elsewhere). */
function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return NaN;
  }
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may hold spaces.
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks / CLOCK_TICKS;
}

/** USER_HZ: 100 on every mainstream Linux build. */
const CLOCK_TICKS = 100;

/** Stop the platform on Ctrl-C or a kill, so no wrangler group outlives the benchmark. */
export function stopOnSignal(platform: Platform): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      const hard = setTimeout(() => process.exit(130), 5_000);
      hard.unref();
      void platform.stop().finally(() => process.exit(130));
    });
  }
}
