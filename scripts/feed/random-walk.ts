// The demo feed: a random walk on the odds ladder for each market, with an
// occasional suspension (a goal, a VAR check), and the feed heartbeat that
// keeps a market's watchdog quiet. Bounded by the caller's AbortSignal.
import { stepOdds } from "../../worker/protocol/ladder.ts";
import type { EdgebookApi } from "../../client/sdk/index.ts";

export interface WalkOptions {
  markets: string[];
  /** Mean time between odds moves on one market. */
  everyMs?: number;
  heartbeatMs?: number;
  suspendChance?: number;
  signal: AbortSignal;
  log?: (line: string) => void;
  random?: () => number;
}

const DEMO_REASON = "demo:";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

/** `admin` is an SDK client holding an admin session. */
export async function randomWalk(admin: EdgebookApi, opts: WalkOptions): Promise<void> {
  const rnd = opts.random ?? Math.random;
  const every = opts.everyMs ?? 3000;
  const log = opts.log ?? (() => {});
  const beats = (async () => {
    while (!opts.signal.aborted) {
      await Promise.allSettled(opts.markets.map((id) => admin.feedHeartbeat(id)));
      await sleep(opts.heartbeatMs ?? 5000, opts.signal);
    }
  })();
  const walkers = opts.markets.map(async (id) => {
    await sleep(rnd() * every, opts.signal);
    while (!opts.signal.aborted) {
      try {
        const market = await admin.market(id);
        if (market.status === "settled" || market.status === "voided") return;
        // Reopen what the watchdog suspended, and a demo incident left open by a stop mid-incident.
        if (market.status === "suspended" && (market.reason?.startsWith("feed lost") || market.reason?.startsWith(DEMO_REASON))) {
          await admin.setStatus(id, { status: "open" });
        } else if (market.status === "open" && rnd() < (opts.suspendChance ?? 0.04)) {
          await admin.setStatus(id, { status: "suspended", reason: `${DEMO_REASON} incident` });
          log(`${id}: suspended`);
          await sleep(2000 + rnd() * 3000, opts.signal);
          await admin.setStatus(id, { status: "open" });
          log(`${id}: open`);
        } else if (market.status === "open") {
          const odds: Record<string, number> = {};
          for (const s of market.selections) {
            if (rnd() < 0.6) odds[s.id] = stepOdds(Math.round(s.odds * 100), rnd() < 0.5 ? -1 : 1) / 100;
          }
          if (Object.keys(odds).length > 0) await admin.pushOdds(id, odds);
        }
      } catch (err) {
        log(`${id}: ${(err as Error).message}`);
      }
      await sleep(every * (0.5 + rnd()), opts.signal);
    }
  });
  await Promise.all([beats, ...walkers]);
}
