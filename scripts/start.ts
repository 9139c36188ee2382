// `npm start`: build the client, run `wrangler dev` quietly on 127.0.0.1,
// seed the demo book on the first start and run the demo feed. Ctrl-C stops
// everything this started (wrangler runs in its own process group).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { ApiError, EdgebookApi } from "../client/sdk/index.ts";
import { DEMO_MARKETS } from "./demo-book.ts";
import { randomWalk } from "./feed/random-walk.ts";
import { localSecrets } from "./local-secrets.ts";
import { startPeerAddressProxy } from "./peer-address-proxy.ts";
import { wranglerEnv } from "./wrangler-env.ts";

const env = process.env;
const port = Number(env.PORT ?? 8787);
// wrangler listens on an inner port; the peer-address proxy owns the public one.
const innerPort = Number(env.INNER_PORT ?? port + 20000);
const origin = `http://127.0.0.1:${port}`;
const secrets = localSecrets();
const settings = {
  PORT: String(port),
  ADMIN_KEY: env.ADMIN_KEY || secrets.adminKey,
  SESSION_SECRET: env.SESSION_SECRET || secrets.sessionSecret,
  ALLOWED_ORIGINS: env.ALLOWED_ORIGINS || `${origin},http://localhost:${port}`,
  DEMO: env.DEMO === "off" ? "off" : "on",
  RATE_SOCKETS_PER_10S: env.RATE_SOCKETS_PER_10S || "300",
  RATE_SESSIONS_PER_10S: env.RATE_SESSIONS_PER_10S || "60",
  MAX_SOCKETS_PER_ACCOUNT: env.MAX_SOCKETS_PER_ACCOUNT || "8",
  LOG_LEVEL: env.LOG_LEVEL || "info",
};
const verbose = env.EDGEBOOK_VERBOSE === "1";

function say(line: string) {
  process.stdout.write(`[edgebook] ${line}\n`);
}

const built = spawnSync("node_modules/.bin/vite", ["build", "--logLevel", "warn"], { stdio: "inherit" });
if (built.status !== 0) {
  say("client build failed");
  process.exit(1);
}

// Secrets reach the Worker through an env file, not the command line (which `ps` shows).
mkdirSync(".wrangler", { recursive: true });
const envFile = ".wrangler/edgebook-dev.env";
const workerVars = ["ADMIN_KEY", "SESSION_SECRET", "ALLOWED_ORIGINS", "RATE_SOCKETS_PER_10S", "RATE_SESSIONS_PER_10S", "MAX_SOCKETS_PER_ACCOUNT", "LOG_LEVEL"] as const;
writeFileSync(envFile, workerVars.map((k) => `${k}=${settings[k]}`).join("\n") + "\n", { mode: 0o600 });

const proxy = startPeerAddressProxy(port, innerPort);
proxy.on("error", (err) => {
  say(`cannot listen on 127.0.0.1:${port}: ${err.message}`);
  stop(1);
});

const wrangler: ChildProcess = spawn(
  "node_modules/.bin/wrangler",
  ["dev", "--ip", "127.0.0.1", "--port", String(innerPort), "--inspector-port", String(env.INSPECTOR_PORT ?? port + 1000), "--env-file", envFile, "--show-interactive-dev-session=false"],
  {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: wranglerEnv(env),
  },
);

// Quiet by default: request lines and the Worker's info logs only with EDGEBOOK_VERBOSE=1.
const quiet = (line: string) =>
  !verbose && (/"level":"info"/.test(line) || /\[wrangler:info\]/.test(line) || /^\s*$/.test(line) || /Ready on|⎔|Your Worker has access|env\.|Binding|Durable Object|Environment Variable|Using vars|Using secrets|Starting local server|▲|Reloading/.test(line));
for (const stream of [wrangler.stdout, wrangler.stderr]) {
  if (!stream) continue;
  createInterface({ input: stream }).on("line", (line) => {
    if (!quiet(line)) process.stdout.write(`${line}\n`);
  });
}

const feedStop = new AbortController();
let stopping = false;
function stop(code: number) {
  if (stopping) return;
  stopping = true;
  feedStop.abort();
  proxy.close();
  try {
    if (wrangler.pid) process.kill(-wrangler.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
  setTimeout(() => process.exit(code), 300).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
wrangler.on("exit", (code) => {
  if (!stopping) {
    say(`wrangler exited (${code}); stopping`);
    stop(code ?? 1);
  }
});

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !stopping) {
    try {
      const r = await fetch(`${origin}/api/health`);
      if (r.ok) return;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server did not answer /api/health within 60 s");
}

try {
  await waitForHealth();
} catch (err) {
  say((err as Error).message);
  stop(1);
}

say(`live at ${origin}`);
say(`admin key: ${settings.ADMIN_KEY}   (trader console: ${origin}/#/trader)`);
say(
  `PORT=${port} ALLOWED_ORIGINS=${settings.ALLOWED_ORIGINS} DEMO=${settings.DEMO} ` +
    `SESSION_SECRET=${env.SESSION_SECRET ? "(from environment)" : "(local, .wrangler/edgebook-local.json)"}`,
);

if (settings.DEMO === "on" && !stopping) {
  const admin = new EdgebookApi(origin);
  await admin.session("demo-feed", settings.ADMIN_KEY);
  for (const market of DEMO_MARKETS) {
    try {
      await admin.createMarket(market);
      say(`seeded demo market ${market.id}`);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "MARKET_EXISTS")) say(`seeding ${market.id}: ${(err as Error).message}`);
    }
  }
  say("demo feed running: odds move every few seconds (DEMO=off for an empty book). Ctrl-C stops.");
  void randomWalk(admin, {
    markets: DEMO_MARKETS.map((m) => m.id),
    everyMs: 2500,
    signal: feedStop.signal,
    log: verbose ? say : undefined,
  });
}
