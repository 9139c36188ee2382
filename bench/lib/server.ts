// A server for one benchmark run: exactly what `npm start` runs (the shared
// launcher: workerd through Miniflare behind the front), as its own process
// group on fresh storage, optionally pinned to a core, with per-address limits
// raised so the load generator (one address) is not throttled. Measured from
// /proc, stopped by group.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, spawnServer } from "../../scripts/server/launch.ts";
import { type GroupSample, sampleGroup, stopGroup, trackGroup, untrackGroup } from "./process-group.ts";

export { ROOT };
export const OUT_DIR = join(ROOT, "bench", "out");

export interface BenchServerOptions {
  port: number;
  /** Name for the server's log under bench/out. */
  label: string;
  /** wrangler config to run (default wrangler.toml). */
  config?: string;
  /** Extra or overriding Worker variables. */
  env?: Record<string, string>;
  /** `taskset -c` CPU list for the server's whole process group. */
  cpus?: string;
  readyPath?: string;
  anyStatus?: boolean;
}

export interface SourceInfo {
  /** The commit checked out, and the files under worker/ (plus wrangler.toml) that differ from it. */
  commit: string;
  uncommitted: string[];
}

export interface BenchServer {
  url: string;
  adminKey: string;
  /** The start script's pid, leader of the server's process group. */
  pid: number;
  source: SourceInfo;
  logFile: string;
  /** Lines of the server's log that look like Worker errors (log.error, uncaught). */
  errorLines(): string[];
  /** CPU and resident memory of every process in the server's group (the start script and workerd). */
  sample(): GroupSample;
  stop(): Promise<void>;
}

export async function startServer(opts: BenchServerOptions): Promise<BenchServer> {
  mkdirSync(OUT_DIR, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "edgebook-bench-"));
  const adminKey = `bench-${randomBytes(12).toString("base64url")}`;
  const url = `http://127.0.0.1:${opts.port}`;
  const logFile = join(OUT_DIR, `${opts.label}-server.log`);
  const source = sourceInfo();
  let server: Awaited<ReturnType<typeof spawnServer>>;
  try {
    server = await spawnServer({
      port: opts.port,
      stateDir: join(work, "state"),
      config: opts.config,
      buildClient: false,
      cpus: opts.cpus,
      logFile,
      readyPath: opts.readyPath,
      anyStatus: opts.anyStatus,
      vars: {
        ADMIN_KEY: adminKey,
        SESSION_SECRET: randomBytes(32).toString("base64url"),
        ALLOWED_ORIGINS: url,
        RATE_SOCKETS_PER_10S: "1000000",
        RATE_SESSIONS_PER_10S: "100000",
        MAX_SOCKETS_PER_ACCOUNT: "10000",
        MAX_HELD_SOCKETS_PER_ADDRESS: "1000000",
        // No line per request: the benchmark measures the server, not its log.
        LOG_LEVEL: "warn",
        ...opts.env,
      },
      env: { MAX_CONNECTIONS_PER_ADDRESS: "100000" },
    });
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  trackGroup(server.pid);
  let stopped: Promise<void> | null = null;
  return {
    url,
    adminKey,
    pid: server.pid,
    source,
    logFile,
    errorLines: () =>
      readFileSync(logFile, "utf8")
        .split("\n")
        .filter((l) => /"level":"error"|✘|\[ERROR\]|Uncaught|uncaught/.test(l)),
    sample: () => sampleGroup(server.pid),
    stop: () =>
      (stopped ??= (async () => {
        await server.stop();
        await stopGroup(server.pid);
        untrackGroup(server.pid);
        rmSync(work, { recursive: true, force: true });
      })()),
  };
}

/** Which process of the server's group does what: workerd runs the Worker, the start script's Node the front. */
export const isWorkerProcess = (cmd: string) => /workerd/.test(cmd);
export const isFrontProcess = (cmd: string) => /scripts\/start\.ts/.test(cmd);

function sourceInfo(): SourceInfo {
  const git = (...a: string[]) => spawnSync("git", a, { cwd: ROOT, encoding: "utf8", timeout: 5_000 }).stdout ?? "";
  return {
    commit: git("rev-parse", "HEAD").trim() || "unknown",
    uncommitted: git("status", "--porcelain", "--", "worker", "wrangler.toml").split("\n").filter(Boolean).map((l) => l.slice(3)),
  };
}

/** One line naming the code under test. */
export function describeSource(s: SourceInfo): string {
  const dirty = s.uncommitted.length > 0 ? ` with ${s.uncommitted.length} uncommitted file(s) under worker/` : "";
  return `code under test: ${s.commit.slice(0, 10)}${dirty}, built once at start`;
}

/**
 * The run's guard rails: a hard time limit, and Ctrl-C or a kill. Either one
 * stops the server (so no group outlives the benchmark) and exits, with a
 * backstop in case stopping hangs.
 */
export function guardRun(budgetSeconds: number, say: (line: string) => void): { watch(server: BenchServer): void } {
  let server: BenchServer | null = null;
  const bail = (code: number) => {
    const backstop = setTimeout(() => process.exit(code), 8_000);
    backstop.unref();
    void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  const limit = setTimeout(() => {
    say(`run exceeded its ${budgetSeconds} s budget; stopping`);
    bail(2);
  }, budgetSeconds * 1000);
  limit.unref();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => bail(130));
  return {
    watch: (s) => {
      server = s;
    },
  };
}
