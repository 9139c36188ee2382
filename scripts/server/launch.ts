// The one way this project runs its server, for `npm start`, the browser and
// load tests and the benchmarks alike:
//
// - `launch()` (in the process of `npm start`): lock the state directory,
//   build the Worker as `wrangler deploy` would, run it on workerd through
//   Miniflare's API (Durable Objects on SQLite under the state directory,
//   assets, vars) and put the hardened front on the public port.
// - `spawnServer()` (for tests and benchmarks): run `scripts/start.ts` itself
//   as a process group of its own, wait until it answers, and stop it by
//   group (SIGTERM, then SIGKILL when it does not end).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Log, LogLevel, Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { FRONT_DEFAULTS, type Front, startFront } from "./front.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface LaunchOptions {
  /** The public port (the front's) on 127.0.0.1. */
  port: number;
  /** wrangler config to run; default wrangler.toml. */
  config?: string;
  /** Where Durable Object state lives (wrangler's `--persist-to`); default .wrangler/state. */
  stateDir?: string;
  /** Worker variables and secrets over the config's [vars]. */
  vars?: Record<string, string>;
  /** Open workerd's inspector on this port (127.0.0.1); none when absent. */
  inspectorPort?: number;
  maxConnectionsPerAddress?: number;
  /** Every line the runtime prints (the Worker's console included) that `keep` keeps, rate-bounded. */
  log?: (line: string) => void;
  /** Which lines to show at all: applied before the rate bound, so hidden lines never use up its budget. */
  keep?: (line: string) => boolean;
}

export interface RunningServer {
  url: string;
  /** Close the front, stop workerd (SIGKILL after 5 s) and release the state directory. */
  stop(): Promise<void>;
}

/** The state directory is held by another live server. */
export class StateLockedError extends Error {}

const LOCK_FILE = "edgebook.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Take the state directory: a lock file holding our pid and port, created
 * exclusively. A lock whose pid is gone is stale and taken over.
 */
export function lockState(stateDir: string, port: number): () => void {
  // Balances and sessions live here: readable by this user only.
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, port });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeFileSync(fd, mine);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, "utf8") === mine) unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    let holder: { pid?: number; port?: number } = {};
    try {
      holder = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      // Unreadable or half-written: treat as stale below unless it names a live pid.
    }
    if (typeof holder.pid === "number" && holder.pid !== process.pid && alive(holder.pid)) {
      throw new StateLockedError(`${resolve(stateDir)} is in use by another Edgebook server (pid ${holder.pid}, port ${holder.port}); stop it first or use another state directory`);
    }
    try {
      unlinkSync(file);
    } catch {
      // Another start took it over first; try again.
    }
  }
  throw new StateLockedError(`could not take the lock ${file}`);
}

/** The environment for wrangler's own commands: offline, on this Node. */
export function wranglerEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    PATH: `${dirname(process.execPath)}${delimiter}${base.PATH ?? ""}`,
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_HIDE_BANNER: "true",
  };
}

/**
 * Where the kernel can do it (Linux with util-linux's setpriv), run workerd
 * through scripts/server/workerd-tied.sh so it dies with this process even when
 * only this process is killed with SIGKILL; elsewhere it is still a child in
 * this process group, ended by a kill of the group.
 */
function tieRuntimeToThisProcess(): void {
  if (process.platform !== "linux" || process.env.MINIFLARE_WORKERD_PATH) return;
  const setpriv = spawnSync("sh", ["-c", "command -v setpriv"], { encoding: "utf8", timeout: 2_000 });
  if (setpriv.status !== 0) return;
  try {
    // The same workerd binary Miniflare would run.
    const workerd = (createRequire(createRequire(import.meta.url).resolve("miniflare"))("workerd") as { default: string }).default;
    process.env.EDGEBOOK_WORKERD = workerd;
    process.env.MINIFLARE_WORKERD_PATH = join(ROOT, "scripts", "server", "workerd-tied.sh");
  } catch {
    // Miniflare finds workerd itself.
  }
}

/** Bundle the Worker exactly as `wrangler deploy` would, into `outDir`; the entry module's path. */
function buildWorker(config: string, outDir: string): string {
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", "--dry-run", "--outdir", outDir, "-c", config], {
    cwd: ROOT,
    env: wranglerEnv(),
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`building the Worker failed:\n${(r.stderr || r.stdout || String(r.error)).slice(-4000)}`);
  const entry = readdirSync(outDir).find((f) => f.endsWith(".js"));
  if (!entry) throw new Error(`no Worker bundle in ${outDir}`);
  return join(outDir, entry);
}

/**
 * Lines from the runtime, at most `perSecond` a second: past that they are
 * counted and dropped, and the count is reported once the second is over.
 * Nothing is buffered.
 */
function boundedLog(write: (line: string) => void, perSecond = 200): (line: string) => void {
  let windowStart = 0;
  let written = 0;
  let dropped = 0;
  return (line) => {
    const now = Date.now();
    if (now - windowStart >= 1_000) {
      if (dropped > 0) write(`(${dropped} log lines dropped)`);
      windowStart = now;
      written = 0;
      dropped = 0;
    }
    if (written++ < perSecond) write(line);
    else dropped++;
  };
}

class LineLog extends Log {
  readonly #write: (line: string) => void;
  constructor(write: (line: string) => void) {
    super(LogLevel.WARN);
    this.#write = write;
  }
  override log(message: string): void {
    this.#write(message);
  }
}

/** Direct children of this process running `name`, from /proc (Linux; empty elsewhere). */
function childPids(name: RegExp): number[] {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return pids;
  }
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && name.test(stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")))) pids.push(Number(e));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

export async function launch(opts: LaunchOptions): Promise<RunningServer> {
  const config = resolve(ROOT, opts.config ?? "wrangler.toml");
  const stateDir = resolve(ROOT, opts.stateDir ?? ".wrangler/state");
  const bounded = boundedLog(opts.log ?? ((line) => process.stdout.write(`${line}\n`)));
  const keep = opts.keep;
  const log = keep ? (line: string) => void (keep(line) && bounded(line)) : bounded;
  const unlock = lockState(stateDir, opts.port);
  // However this process ends, the lock goes with it (a kill -9 leaves a stale lock, taken over at the next start).
  process.once("exit", unlock);
  const buildDir = mkdtempSync(join(tmpdir(), "edgebook-build-"));
  // New at every start and known only to this process and the Worker: workerd's
  // entry on loopback refuses any /api request that did not come through the front.
  const frontKey = randomBytes(32).toString("base64url");
  let mf: Miniflare | null = null;
  let front: Front | null = null;
  const cleanup = async () => {
    await front?.close();
    if (mf) await disposeRuntime(mf);
    rmSync(buildDir, { recursive: true, force: true });
    unlock();
  };
  try {
    const fromConfig = unstable_getMiniflareWorkerOptions(config);
    // The [assets] directory must exist before the runtime starts (an empty one serves no page).
    const assets = fromConfig.workerOptions.assets as { directory?: string } | undefined;
    if (assets?.directory) mkdirSync(assets.directory, { recursive: true });
    const scriptPath = buildWorker(config, buildDir);
    // The front's /api requests go straight to the Worker: with assets, its `api` export (the default
    // one would be the asset router's); without, its default export.
    const apiEntrypoint = assets ? "api" : "default";
    tieRuntimeToThisProcess();
    // The bundle is one module; module rules only matter to an unbundled entry.
    const { modulesRules: _rules, ...workerOptions } = fromConfig.workerOptions;
    mf = new Miniflare(
      convertV4MiniflareOptions({
        host: "127.0.0.1",
        port: 0,
        ...(opts.inspectorPort !== undefined ? { inspectorPort: opts.inspectorPort, inspectorHost: "127.0.0.1" } : {}),
        // Request.cf stays the built-in placeholder: nothing is fetched from the internet.
        cf: false,
        log: new LineLog(log),
        handleStructuredLogs: ({ message }) => log(message),
        logRequests: false,
        // The same layout as `wrangler dev --persist-to <stateDir>`.
        resourcePersistencePath: join(stateDir, "v3"),
        workers: [
          {
            ...workerOptions,
            name: readConfigName(config),
            modules: true,
            scriptPath,
            modulesRoot: buildDir,
            bindings: { ...(workerOptions.bindings as Record<string, string>), ...opts.vars, FRONT_KEY: frontKey },
            unsafeDirectSockets: [{ host: "127.0.0.1", port: 0, entrypoint: apiEntrypoint }],
          },
        ],
      }),
    );
    const entry = await mf.ready;
    const direct = await mf.unsafeGetDirectURL(readConfigName(config), apiEntrypoint);
    front = await startFront({
      ...FRONT_DEFAULTS,
      port: opts.port,
      host: "127.0.0.1",
      upstreamPort: Number(entry.port),
      apiPort: Number(direct.port),
      frontKey,
      maxConnectionsPerAddress: opts.maxConnectionsPerAddress ?? FRONT_DEFAULTS.maxConnectionsPerAddress,
    });
  } catch (err) {
    await cleanup();
    throw err;
  }
  let stopped: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${opts.port}`,
    stop: () => (stopped ??= cleanup()),
  };
}

function readConfigName(config: string): string {
  const m = /^name\s*=\s*"([^"]+)"/m.exec(readFileSync(config, "utf8"));
  return m?.[1] ?? "worker";
}

/** Stop workerd; if Miniflare does not manage within 5 s, SIGKILL it ourselves. */
async function disposeRuntime(mf: Miniflare): Promise<void> {
  const disposed = mf.dispose().catch(() => {});
  const timedOut = await Promise.race([disposed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 5_000).unref())]);
  if (!timedOut) return;
  for (const pid of childPids(/workerd/)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone.
    }
  }
}

// ---------------------------------------------------------------------------
// The server as a process group: what tests and benchmarks run.

export interface SpawnOptions {
  port: number;
  /** State directory (a fresh temporary one in tests and benchmarks). */
  stateDir: string;
  /** Worker variables and secrets, passed in the environment (never on the command line). */
  vars?: Record<string, string>;
  config?: string;
  /** Build the web client first (as `npm start` does); default true. */
  buildClient?: boolean;
  /** A path that answers once the Worker is up; default /api/health. Any status counts when `anyStatus`. */
  readyPath?: string;
  anyStatus?: boolean;
  readyTimeoutMs?: number;
  /** `taskset -c` CPU list for the whole group. */
  cpus?: string;
  /** Where the server's output goes: a file, or this process's stderr (default). */
  logFile?: string;
  /** More environment for the start script (EDGEBOOK_INSPECT, MAX_CONNECTIONS_PER_ADDRESS, ...). */
  env?: Record<string, string>;
}

export interface SpawnedServer {
  url: string;
  /** The start script's pid, which leads the process group. */
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM the group, then SIGKILL what is left after `graceMs`; bounded either way. */
export async function stopGroup(pgid: number, graceMs = 5_000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pgid, s);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pgid)) signal("SIGKILL");
  for (let i = 0; i < 40 && groupAlive(pgid); i++) await sleep(50);
}

/** Where `taskset` lives, or null. */
export const TASKSET: string | null = (() => {
  const r = spawnSync("sh", ["-c", "command -v taskset"], { encoding: "utf8", timeout: 2_000 });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
})();

export async function spawnServer(opts: SpawnOptions): Promise<SpawnedServer> {
  const url = `http://127.0.0.1:${opts.port}`;
  const script = join(ROOT, "scripts", "start.ts");
  const pinned = opts.cpus !== undefined && TASKSET !== null;
  const logFd = opts.logFile ? openSync(opts.logFile, "w") : null;
  const child = spawn(pinned ? TASKSET! : process.execPath, pinned ? ["-c", opts.cpus!, process.execPath, script] : [script], {
    cwd: ROOT,
    // Its own process group, so the whole server is stopped (or killed) as one.
    detached: true,
    stdio: ["ignore", logFd ?? "inherit", logFd ?? "inherit"],
    env: {
      ...process.env,
      ...opts.vars,
      ...opts.env,
      PORT: String(opts.port),
      EDGEBOOK_STATE: opts.stateDir,
      DEMO: "off",
      EDGEBOOK_BUILD_CLIENT: opts.buildClient === false ? "0" : "1",
      ...(opts.config ? { EDGEBOOK_CONFIG: opts.config } : {}),
    },
  });
  if (logFd !== null) closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start the server");
  let stopped: Promise<void> | null = null;
  const stop = () => (stopped ??= stopGroup(pid));
  try {
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited before it was ready (${child.exitCode ?? child.signalCode})`);
      try {
        const r = await fetch(`${url}${opts.readyPath ?? "/api/health"}`, { signal: AbortSignal.timeout(2_000) });
        await r.arrayBuffer();
        if (r.ok || opts.anyStatus) break;
      } catch {
        // Not up yet.
      }
      if (Date.now() > deadline) throw new Error(`no answer from ${url} within ${opts.readyTimeoutMs ?? 60_000} ms`);
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid, child, stop };
}
