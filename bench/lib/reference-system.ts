// The floor on workerd: bench/reference/, a Worker and one Durable Object that
// relays a prebuilt string to its hibernatable sockets, run by the same
// launcher as the hub (own port, fresh storage, own process group). The load
// generator builds the odds frame itself, numbered by k, exactly as the hub
// would send it.
import { pushFor } from "./odds-walk.ts";
import { isFrontProcess, isWorkerProcess, startServer } from "./server.ts";
import { openSubscriber } from "./subscriber.ts";
import { type SystemUnderTest, postJson, splitCpu } from "./system.ts";

export async function startReference(opts: { port: number; cpus?: string; label: string; env?: Record<string, string> }): Promise<SystemUnderTest> {
  // The Worker answers 404 outside its two routes: any answer means it is up.
  const server = await startServer({ port: opts.port, cpus: opts.cpus, label: opts.label, env: opts.env, config: "bench/reference/wrangler.toml", readyPath: "/ready", anyStatus: true });
  const url = server.url;
  let seq = 0;
  return {
    name: "reference-do",
    // The load generator numbers the frames; concurrent POSTs may reach the object in another order.
    ordered: false,
    describe: `bench/reference/wrangler.toml on npm start's server, clients on ${url}`,
    subscribe: (o) => openSubscriber({ url: `${url.replace(/^http/, "ws")}/ws`, dialect: "plain", onOdds: o.onOdds, timeoutMs: o.timeoutMs }),
    publish: async (k) => {
      const mine = ++seq;
      await postJson(`${url}/publish`, JSON.stringify({ type: "odds", seq: mine, ts: Date.now(), odds: pushFor(k) }));
      return mine;
    },
    sample: () => server.sample(),
    cpuSplit: (s) => splitCpu(s, isWorkerProcess, isFrontProcess),
    health: () => {
      const errors = server.errorLines();
      return errors.length > 0 ? [`${errors.length} error line(s) in ${server.logFile}`] : [];
    },
    stop: () => server.stop(),
  };
}
