// The floor on workerd: bench/reference/, a Worker and one Durable Object that
// relays a prebuilt string to its hibernatable sockets, on its own wrangler dev
// (own ports, fresh --persist-to, own process group). The load generator
// builds the odds frame itself, numbered by k, exactly as the hub would send it.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pushFor } from "./odds-walk.ts";
import { OUT_DIR, ROOT } from "./platform.ts";
import { openSubscriber } from "./subscriber.ts";
import { type SystemUnderTest, postJson, splitWranglerCpu } from "./system.ts";
import { isProxyProcess, isWorkerProcess, startWranglerDev } from "./wrangler-dev.ts";

export async function startReference(opts: { port: number; cpus?: string; label: string; viaDevProxy?: boolean }): Promise<SystemUnderTest> {
  mkdirSync(OUT_DIR, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "edgebook-bench-ref-"));
  const publicUrl = `http://127.0.0.1:${opts.port}`;
  let wrangler: Awaited<ReturnType<typeof startWranglerDev>>;
  let url: string;
  try {
    wrangler = await startWranglerDev({
      cwd: ROOT,
      config: "bench/reference/wrangler.toml",
      port: opts.port,
      inspectorPort: opts.port + 1,
      persistTo: join(work, "state"),
      logFile: join(OUT_DIR, `${opts.label}-wrangler.log`),
      cpus: opts.cpus,
      logLevel: "warn",
      // The Worker answers 404 outside its two routes: any answer means it is up.
      readyUrl: `${publicUrl}/ready`,
      readyAnyStatus: true,
    });
    // The same path to the Worker as the hub's: its own entry, or through the dev proxy.
    try {
      url = opts.viaDevProxy ? publicUrl : await wrangler.workerEntryUrl("/ready");
    } catch (err) {
      await wrangler.stop();
      throw err;
    }
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  let seq = 0;
  return {
    name: "reference-do",
    // The load generator numbers the frames; concurrent POSTs may reach the object in another order.
    ordered: false,
    describe: `wrangler dev -c bench/reference/wrangler.toml, clients on ${url}`,
    subscribe: (o) => openSubscriber({ url: `${url.replace(/^http/, "ws")}/ws`, dialect: "plain", onOdds: o.onOdds, timeoutMs: o.timeoutMs }),
    publish: async (k) => {
      const mine = ++seq;
      await postJson(`${url}/publish`, JSON.stringify({ type: "odds", seq: mine, ts: Date.now(), odds: pushFor(k) }));
      return mine;
    },
    sample: () => wrangler.sample(),
    cpuSplit: (s) => splitWranglerCpu(s, isWorkerProcess, isProxyProcess),
    health: () => {
      const reloads = wrangler.reloads();
      const errors = wrangler.errorLines();
      return [...(reloads > 0 ? [`wrangler reloaded the Worker ${reloads} time(s)`] : []), ...(errors.length > 0 ? [`${errors.length} error line(s) in ${wrangler.logFile}`] : [])];
    },
    stop: async () => {
      await wrangler.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
