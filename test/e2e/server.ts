// The platform for browser tests: the built page and the Worker under
// `wrangler dev`, behind the same peer-address proxy `npm start` uses, with
// storage in a directory the test owns so a restart keeps every market and
// balance. wrangler runs in its own process group and is stopped by group.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startPeerAddressProxy } from "../../scripts/peer-address-proxy.ts";
import { wranglerEnv } from "../../scripts/wrangler-env.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface ServerOptions {
  port: number;
  stateDir: string;
  vars: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DevServer {
  readonly url: string;
  readonly #opts: ServerOptions;
  #child: ChildProcess | null = null;
  #proxy: Server | null = null;

  constructor(opts: ServerOptions) {
    this.#opts = opts;
    this.url = `http://127.0.0.1:${opts.port}`;
  }

  async start(): Promise<void> {
    const { port, stateDir, vars } = this.#opts;
    mkdirSync(stateDir, { recursive: true });
    const envFile = join(stateDir, "worker.env");
    writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });
    const child = spawn(
      join(ROOT, "node_modules", ".bin", "wrangler"),
      ["dev", "--ip", "127.0.0.1", "--port", String(port + 1), "--inspector-port", String(port + 2), "--persist-to", join(stateDir, "state"), "--env-file", envFile, "--show-interactive-dev-session=false"],
      {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", "ignore", "inherit"],
        env: wranglerEnv(),
      },
    );
    this.#child = child;
    this.#proxy ??= startPeerAddressProxy(port, port + 1);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`wrangler exited (${child.exitCode})`);
      try {
        if ((await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2000) })).ok) return;
      } catch {
        // Not up yet.
      }
      await sleep(200);
    }
    throw new Error("wrangler did not become ready in 60 s");
  }

  /** Stop wrangler (its whole process group); the proxy stays, as a load balancer would. */
  async stopWorker(): Promise<void> {
    const pid = this.#child?.pid;
    this.#child = null;
    if (!pid) return;
    const alive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    for (let i = 0; i < 30 && alive(); i++) await sleep(100);
    if (alive()) process.kill(-pid, "SIGKILL");
  }

  async stop(): Promise<void> {
    await this.stopWorker();
    const proxy = this.#proxy;
    this.#proxy = null;
    if (proxy) {
      proxy.closeAllConnections();
      await new Promise<void>((done) => proxy.close(() => done()));
    }
  }
}
