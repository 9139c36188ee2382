// The Node peers (bench/peers/): Socket.IO and plain `ws`, each its own Node
// process in its own process group, pinned like the hub, fed through the same
// POST-an-odds-change path the hub's trader uses.
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { pushFor } from "./odds-walk.ts";
import { OUT_DIR, ROOT } from "./server.ts";
import { groupAlive, sampleGroup, spawnGroup, stopGroup, untrackGroup } from "./process-group.ts";
import { openSocketIoClient, openSubscriber } from "./subscriber.ts";
import { type SystemUnderTest, postJson, waitHealthy } from "./system.ts";

export async function startNodePeer(kind: "ws" | "socket.io", opts: { port: number; cpus?: string; label: string }): Promise<SystemUnderTest> {
  mkdirSync(OUT_DIR, { recursive: true });
  const script = join(ROOT, "bench", "peers", kind === "ws" ? "ws-server.ts" : "socketio-server.ts");
  const logFile = join(OUT_DIR, `${opts.label}.log`);
  const logFd = openSync(logFile, "w");
  const child = spawnGroup(process.execPath, [script, "--port", String(opts.port)], { cpus: opts.cpus, cwd: ROOT, stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start the ${kind} peer`);
  const stop = async () => {
    await stopGroup(pid);
    untrackGroup(pid);
  };
  const url = `http://127.0.0.1:${opts.port}`;
  try {
    await waitHealthy(`${url}/health`, 15_000, () => groupAlive(pid) && child.exitCode === null);
  } catch (err) {
    await stop();
    throw err;
  }
  const wsBase = url.replace(/^http/, "ws");
  return {
    name: kind,
    ordered: true,
    describe: `Node ${process.version} ${kind === "ws" ? "ws 8" : "socket.io 4.8.4"} on ${url}`,
    subscribe: (o) =>
      kind === "ws"
        ? openSubscriber({ url: `${wsBase}/ws`, dialect: "plain", onOdds: o.onOdds, timeoutMs: o.timeoutMs })
        : o.official
          ? openSocketIoClient(url, { onOdds: o.onOdds, timeoutMs: o.timeoutMs })
          : openSubscriber({ url: `${wsBase}/socket.io/?EIO=4&transport=websocket`, dialect: "socket.io", onOdds: o.onOdds, timeoutMs: o.timeoutMs }),
    publish: async (k) => (await postJson<{ seq: number }>(`${url}/publish`, JSON.stringify({ odds: pushFor(k) }))).seq,
    sample: () => sampleGroup(pid),
    health: () => (child.exitCode !== null ? [`the ${kind} peer exited (${child.exitCode})`] : []),
    stop,
  };
}
