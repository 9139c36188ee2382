// The system under test: the hub on `wrangler dev` (a snapshot of worker/),
// reached on wrangler's own port with no proxy in this process, so a frame's
// path is the same as the reference object's. Odds go in through the SDK's
// EdgebookApi as the trader; viewers watch over raw sockets.
import { EdgebookApi } from "../../client/sdk/api.ts";
import { benchMarket, pushFor } from "./odds-walk.ts";
import { type Platform, describeSource, startPlatform } from "./platform.ts";
import { type Subscriber, openSubscriber } from "./subscriber.ts";
import { type SubscribeOptions, type SystemUnderTest, splitWranglerCpu } from "./system.ts";
import { isProxyProcess, isWorkerProcess } from "./wrangler-dev.ts";

export interface EdgebookSystem extends SystemUnderTest {
  platform: Platform;
  /** The trader's API client (an admin session). */
  admin: EdgebookApi;
  marketId: string;
  epoch: string;
  /** A viewer socket resuming after `since` (the contract's `?since=&epoch=`). */
  resume(since: number, opts: SubscribeOptions): Promise<Subscriber>;
}

export async function startEdgebook(opts: { port: number; cpus?: string; label: string; env?: Record<string, string>; viaDevProxy?: boolean }): Promise<EdgebookSystem> {
  const platform = await startPlatform({
    port: opts.port,
    innerPort: opts.port,
    inspectorPort: opts.port + 1,
    proxy: false,
    cpus: opts.cpus,
    label: opts.label,
    env: opts.env,
    // Not wrangler's per-request log lines: a dev-only cost, the same for the reference object.
    logLevel: "warn",
  });
  try {
    // Clients go to the Worker's own entry unless asked to cross wrangler's dev proxy too.
    const base = opts.viaDevProxy ? platform.url : await platform.workerEntryUrl();
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
      describe: `wrangler dev, clients on ${base} (${opts.viaDevProxy ? "through wrangler's dev proxy" : "the Worker's own entry"}); ${describeSource(platform.source)}`,
      platform,
      admin,
      marketId,
      epoch: market.epoch,
      subscribe: (o) => subscribe(o),
      resume: (since, o) => subscribe(o, `?since=${since}&epoch=${encodeURIComponent(market.epoch)}`, since),
      publish: (k) => admin.pushOdds(marketId, pushFor(k)),
      sample: () => platform.sample(),
      cpuSplit: (s) => splitWranglerCpu(s, isWorkerProcess, isProxyProcess),
      health: () => {
        const reloads = platform.reloads();
        const errors = platform.errorLines();
        return [
          ...(reloads > 0 ? [`wrangler reloaded the Worker ${reloads} time(s)`] : []),
          ...(errors.length > 0 ? [`${errors.length} error line(s) in ${platform.logFile}, first: ${errors[0].slice(0, 200)}`] : []),
        ];
      },
      stop: () => platform.stop(),
    };
  } catch (err) {
    await platform.stop();
    throw err;
  }
}
