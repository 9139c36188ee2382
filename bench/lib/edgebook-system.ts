// The system under test: the hub as `npm start` runs it (workerd through
// Miniflare behind the front), on the public port users reach, with no proxy
// in this process. Odds go in through the SDK's EdgebookApi as the trader;
// viewers watch over raw sockets.
import { EdgebookApi } from "../../client/sdk/api.ts";
import { benchMarket, pushFor } from "./odds-walk.ts";
import { type BenchServer, describeSource, isFrontProcess, isWorkerProcess, startServer } from "./server.ts";
import { type Subscriber, openSubscriber } from "./subscriber.ts";
import { type SubscribeOptions, type SystemUnderTest, splitCpu } from "./system.ts";

export interface EdgebookSystem extends SystemUnderTest {
  platform: BenchServer;
  /** The trader's API client (an admin session). */
  admin: EdgebookApi;
  marketId: string;
  epoch: string;
  /** A viewer socket resuming after `since` (the contract's `?since=&epoch=`). */
  resume(since: number, opts: SubscribeOptions): Promise<Subscriber>;
}

export async function startEdgebook(opts: { port: number; cpus?: string; label: string; env?: Record<string, string> }): Promise<EdgebookSystem> {
  const platform = await startServer({ port: opts.port, cpus: opts.cpus, label: opts.label, env: opts.env });
  try {
    const base = platform.url;
    const admin = new EdgebookApi(base);
    await admin.session("bench-trader", platform.adminKey);
    const marketId = `bench-${Date.now().toString(36)}`;
    const market = await admin.createMarket(benchMarket(marketId));
    const wsUrl = `${base.replace(/^http/, "ws")}/api/markets/${marketId}/ws`;
    const subscribe = (o: SubscribeOptions, query = "", since?: number) =>
      openSubscriber({ url: wsUrl + query, dialect: "edgebook", onOdds: o.onOdds, timeoutMs: o.timeoutMs, since });
    return {
      name: "edgebook",
      ordered: true,
      describe: `npm start's server, clients on ${base}; ${describeSource(platform.source)}`,
      platform,
      admin,
      marketId,
      epoch: market.epoch,
      subscribe: (o) => subscribe(o),
      resume: (since, o) => subscribe(o, `?since=${since}&epoch=${encodeURIComponent(market.epoch)}`, since),
      publish: (k) => admin.pushOdds(marketId, pushFor(k)),
      sample: () => platform.sample(),
      cpuSplit: (s) => splitCpu(s, isWorkerProcess, isFrontProcess),
      health: () => {
        const errors = platform.errorLines();
        return errors.length > 0 ? [`${errors.length} error line(s) in ${platform.logFile}, first: ${errors[0].slice(0, 200)}`] : [];
      },
      stop: () => platform.stop(),
    };
  } catch (err) {
    await platform.stop();
    throw err;
  }
}
