// `npm start`: build the client, run the Worker on workerd (Miniflare's API)
// behind the front on 127.0.0.1:PORT, seed the demo book on the first start
// and run the demo feed. One process tree: workerd is this process's child in
// its group; Ctrl-C or SIGTERM stops it and waits for it (SIGKILL after 5 s).
// The browser tests and the benchmarks run this same script (scripts/server/launch.ts).
import { spawnSync } from "node:child_process";
import { ApiError, EdgebookApi } from "../client/sdk/index.ts";
import { DEMO_MARKETS } from "./demo-book.ts";
import { randomWalk } from "./feed/random-walk.ts";
import { localSecrets } from "./local-secrets.ts";
import { type RunningServer, StateLockedError, launch } from "./server/launch.ts";

const env = process.env;
const port = Number(env.PORT ?? 8787);
const origin = `http://127.0.0.1:${port}`;
const verbose = env.EDGEBOOK_VERBOSE === "1";
const demo = env.DEMO === "off" ? "off" : "on";

function say(line: string) {
  process.stdout.write(`[edgebook] ${line}\n`);
}

const secrets = localSecrets();
/** The named variables the environment sets; the Worker's defaults apply to the rest. */
const pick = (names: string[]) => Object.fromEntries(names.flatMap((n) => (env[n] ? [[n, env[n] as string]] : [])));
/** Worker variables and secrets: the environment's when set, else local defaults. */
const vars: Record<string, string> = {
  ADMIN_KEY: env.ADMIN_KEY || secrets.adminKey,
  SESSION_SECRET: env.SESSION_SECRET || secrets.sessionSecret,
  ALLOWED_ORIGINS: env.ALLOWED_ORIGINS || `${origin},http://localhost:${port}`,
  RATE_SOCKETS_PER_10S: env.RATE_SOCKETS_PER_10S || "300",
  RATE_SESSIONS_PER_10S: env.RATE_SESSIONS_PER_10S || "60",
  MAX_SOCKETS_PER_ACCOUNT: env.MAX_SOCKETS_PER_ACCOUNT || "8",
  LOG_LEVEL: env.LOG_LEVEL || "info",
  ...pick(["RATE_BETS_PER_10S", "RATE_TICKETS_PER_10S", "RATE_LOOKUPS_PER_10S", "ADMIN_FAILURES_PER_15M", "MAX_HELD_SOCKETS_PER_ADDRESS"]),
  ...(env.RELAY_AFTER ? { RELAY_AFTER: env.RELAY_AFTER } : {}),
};

if (env.EDGEBOOK_BUILD_CLIENT !== "0") {
  const built = spawnSync("node_modules/.bin/vite", ["build", "--logLevel", "warn"], { stdio: "inherit" });
  if (built.status !== 0) {
    say("client build failed");
    process.exit(1);
  }
}

// Quiet by default: the Worker's info lines (one per request) only with EDGEBOOK_VERBOSE=1.
const quiet = (line: string) => !verbose && (/"level":"info"/.test(line) || /^\s*$/.test(line));

let server: RunningServer | null = null;
let stopping = false;
const feedStop = new AbortController();
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    feedStop.abort();
    // A stop that hangs must not keep the process: exit (and take workerd with the group) after 8 s.
    setTimeout(() => process.exit(code), 8_000).unref();
    if (server) {
      await server.stop();
      say("stopped");
    }
  }
  process.exit(code);
}
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const onSignal = () => void stop(0);
for (const sig of SIGNALS) process.on(sig, onSignal);

try {
  server = await launch({
    port,
    config: env.EDGEBOOK_CONFIG,
    stateDir: env.EDGEBOOK_STATE,
    vars,
    inspectorPort: env.EDGEBOOK_INSPECT === "1" ? Number(env.INSPECTOR_PORT ?? port + 1000) : undefined,
    maxConnectionsPerAddress: env.MAX_CONNECTIONS_PER_ADDRESS ? Number(env.MAX_CONNECTIONS_PER_ADDRESS) : undefined,
    keep: (line) => !quiet(line),
  });
  // Miniflare's own signal handlers exit at once, without waiting for workerd: the stop above does it in order.
  for (const sig of SIGNALS) for (const l of process.listeners(sig)) if (l !== onSignal) process.off(sig, l);
} catch (err) {
  say(err instanceof StateLockedError ? err.message : `could not start: ${(err as Error).message}`);
  await stop(1);
}

say(`live at ${origin}`);
say(`passkeys: open http://localhost:${port}/ (WebAuthn refuses an IP address as the site)`);
if (env.EDGEBOOK_INSPECT === "1") say(`inspector on 127.0.0.1:${env.INSPECTOR_PORT ?? port + 1000}`);
say(`admin key: ${vars.ADMIN_KEY}   (trader console: ${origin}/#/trader)`);
say(
  `PORT=${port} ALLOWED_ORIGINS=${vars.ALLOWED_ORIGINS} DEMO=${demo} ` +
    `SESSION_SECRET=${env.SESSION_SECRET ? "(from environment)" : "(local, .wrangler/edgebook-local.json)"}`,
);

if (demo === "on" && !stopping) {
  const admin = new EdgebookApi(origin);
  await admin.session("demo-feed", vars.ADMIN_KEY);
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
