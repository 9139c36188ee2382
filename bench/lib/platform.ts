// A throwaway local platform for one benchmark run: `wrangler dev` on an inner
// port with fresh storage, over a snapshot of the Worker's sources, behind the
// same peer-address proxy `npm start` uses (or without it), with per-address
// limits raised so the load generator (one address) is not throttled. Wrangler
// runs in its own process group and is stopped by group.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startPeerAddressProxy } from "../../scripts/peer-address-proxy.ts";
import type { GroupSample } from "./process-group.ts";
import { startWranglerDev } from "./wrangler-dev.ts";

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
  /**
   * Run a copy of worker/ and wrangler.toml taken at start (default), not the
   * live tree: wrangler dev watches its sources, and an edit mid-run would
   * reload the Worker and drop every socket. false runs in the repository.
   */
  snapshot?: boolean;
  /**
   * Put the peer-address proxy in front (default). Without it, `url` is wrangler's
   * own port: wrangler dev sets CF-Connecting-IP to the peer itself, and no frame
   * crosses this process's event loop on the way to a client.
   */
  proxy?: boolean;
  /** `taskset -c` CPU list for wrangler's whole process group. */
  cpus?: string;
  /** wrangler's --log-level; its default (info) logs every request. */
  logLevel?: "info" | "warn" | "error";
}

export interface SourceInfo {
  /** The commit checked out, and the files under worker/ (plus wrangler.toml) that differ from it. */
  commit: string;
  uncommitted: string[];
  /** Where wrangler ran: a snapshot copy, or the repository itself. */
  ranFrom: "snapshot" | "repository";
}

export interface Platform {
  /** Where clients go: the proxy, or wrangler itself when started without the proxy. */
  url: string;
  /** wrangler's own port. */
  innerUrl: string;
  adminKey: string;
  source: SourceInfo;
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
  /** CPU and resident memory of every process in wrangler's group, from /proc. */
  sample(): GroupSample;
  /** The Worker's own entry, behind wrangler's dev proxy (which production does not have). */
  workerEntryUrl(): Promise<string>;
  stop(): Promise<void>;
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
  const withProxy = opts.proxy ?? true;
  const innerPort = opts.innerPort ?? port + 1;
  const inspectorPort = opts.inspectorPort ?? port + 2;
  const innerUrl = `http://127.0.0.1:${innerPort}`;
  const url = withProxy ? `http://127.0.0.1:${port}` : innerUrl;
  const adminKey = `bench-${randomBytes(12).toString("base64url")}`;

  mkdirSync(OUT_DIR, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "edgebook-bench-"));
  const snapshot = opts.snapshot ?? true;
  const source = sourceInfo(snapshot);
  let cwd = ROOT;
  try {
    if (snapshot) cwd = snapshotSources(join(work, "src"));
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  // The [assets] directory must exist for wrangler to start; an empty one serves no page, which a benchmark never asks for.
  mkdirSync(join(cwd, "dist", "client"), { recursive: true });
  const envFile = join(work, "worker.env");
  const vars: Record<string, string> = {
    ADMIN_KEY: adminKey,
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    ALLOWED_ORIGINS: url,
    RATE_SOCKETS_PER_10S: "1000000",
    RATE_SESSIONS_PER_10S: "100000",
    MAX_SOCKETS_PER_ACCOUNT: "10000",
    // No line per request: under wrangler dev each one crosses to wrangler's Node process
    // over the inspector and costs it milliseconds, a dev-only cost the reference object never pays.
    LOG_LEVEL: "warn",
    ...opts.env,
  };
  // Secrets go in a file, not on the command line where `ps` would show them.
  writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });

  const proxy = withProxy ? startPeerAddressProxy(port, innerPort) : null;
  const proxyError = new Promise<never>((_, reject) => proxy?.once("error", (err) => reject(new Error(`proxy on ${port}: ${err.message}`))));
  proxyError.catch(() => {});
  let wrangler: Awaited<ReturnType<typeof startWranglerDev>>;
  try {
    wrangler = await Promise.race([
      startWranglerDev({
        cwd,
        port: innerPort,
        inspectorPort,
        persistTo: join(work, "state"),
        envFile,
        logFile: join(OUT_DIR, `${opts.label ?? "bench"}-wrangler.log`),
        cpus: opts.cpus,
        logLevel: opts.logLevel,
        readyUrl: `${url}/api/health`,
        readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
      }),
      proxyError,
    ]);
  } catch (err) {
    if (proxy) await closeProxy(proxy);
    rmSync(work, { recursive: true, force: true });
    throw err;
  }

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      if (proxy) await closeProxy(proxy);
      await wrangler.stop();
      rmSync(work, { recursive: true, force: true });
    })();
    return stopped;
  };
  return {
    url,
    innerUrl,
    adminKey,
    source,
    logFile: wrangler.logFile,
    reloads: wrangler.reloads,
    errorLines: wrangler.errorLines,
    cpuSeconds: () => wrangler.sample().cpuSeconds,
    sample: wrangler.sample,
    workerEntryUrl: () => wrangler.workerEntryUrl("/api/health"),
    stop,
  };
}

/**
 * Copy what wrangler bundles into `dir` and return `dir`: worker/, wrangler.toml,
 * and the packages that end up in the bundle (the runtime dependencies, and
 * wrangler for its middleware templates) as real copies; every other package
 * is a link. The bundler watches every file it read and the package.json and
 * tsconfig.json of every folder above them, so a linked hono would tie the
 * bundle to the repository's own package.json: an edit there, or a tool writing
 * into node_modules, would reload the Worker mid-run.
 */
function snapshotSources(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, "worker"), join(dir, "worker"), { recursive: true });
  for (const file of ["wrangler.toml", "package.json", "tsconfig.json"]) {
    if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(dir, file));
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const copied = new Set(["wrangler", ...Object.keys(pkg.dependencies ?? {})]);
  const fill = (from: string, to: string, scope: string) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) {
      if (entry.startsWith(".")) continue;
      if (entry.startsWith("@")) fill(join(from, entry), join(to, entry), `${entry}/`);
      else if (copied.has(scope + entry)) cpSync(join(from, entry), join(to, entry), { recursive: true });
      else symlinkSync(join(from, entry), join(to, entry));
    }
  };
  fill(join(ROOT, "node_modules"), join(dir, "node_modules"), "");
  mkdirSync(join(dir, "node_modules", ".bin"));
  symlinkSync(join("..", "wrangler", "bin", "wrangler.js"), join(dir, "node_modules", ".bin", "wrangler"));
  return dir;
}

function sourceInfo(snapshot: boolean): SourceInfo {
  const git = (...a: string[]) => spawnSync("git", a, { cwd: ROOT, encoding: "utf8", timeout: 5_000 }).stdout ?? "";
  return {
    commit: git("rev-parse", "HEAD").trim() || "unknown",
    uncommitted: git("status", "--porcelain", "--", "worker", "wrangler.toml").split("\n").filter(Boolean).map((l) => l.slice(3)),
    ranFrom: snapshot ? "snapshot" : "repository",
  };
}

/** One line naming the code under test. */
export function describeSource(s: SourceInfo): string {
  const dirty = s.uncommitted.length > 0 ? ` with ${s.uncommitted.length} uncommitted file(s) under worker/` : "";
  return `code under test: ${s.commit.slice(0, 10)}${dirty}, run from a ${s.ranFrom}`;
}

/**
 * The run's guard rails: a hard time limit, and Ctrl-C or a kill. Either one
 * stops the platform (so no wrangler group outlives the benchmark) and exits,
 * with a backstop in case stopping hangs.
 */
export function guardRun(budgetSeconds: number, say: (line: string) => void): { watch(platform: Platform): void } {
  let platform: Platform | null = null;
  const bail = (code: number) => {
    const backstop = setTimeout(() => process.exit(code), 5_000);
    backstop.unref();
    void (platform?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  const limit = setTimeout(() => {
    say(`run exceeded its ${budgetSeconds} s budget; stopping`);
    bail(2);
  }, budgetSeconds * 1000);
  limit.unref();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => bail(130));
  return {
    watch: (p) => {
      platform = p;
    },
  };
}
