// Live cash out at scale: `--bets` open bets (default 10,000) from `--punters`
// punters (default 100, a socket each) on one market, then `--pushes` odds
// pushes that move every selection (so every bet's value changes), one every
// `--gap-ms` (longer than the 250 ms value window, so none is conflated away).
// For each push: when a viewer's socket got the odds frame, and when the last
// of the bets' cash out values (the push's seq) reached its punter. The same
// pushes on a market with no bets give the odds frame's time without values,
// to show whether computing and sending the values delayed the viewers' frame.
//
//   npm run bench -- cashout [--bets 10000] [--punters 100] [--pushes 8] [--gap-ms 1000] [--port 9230]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { EdgebookApi } from "../client/sdk/api.ts";
import type { ServerFrame } from "../worker/protocol/schemas.ts";
import { parseArgs } from "./lib/args.ts";
import { fireBets, seatPunters, unseatPunters } from "./lib/bet-load.ts";
import { type MarketSocket, closeAll, openMarketSocket } from "./lib/market-socket.ts";
import { benchMarket, bookPushFor } from "./lib/odds-walk.ts";
import { OUT_DIR, describeSource, guardRun, startServer } from "./lib/server.ts";
import { ms, summarize, table } from "./lib/stats.ts";

const say = (line: string) => process.stdout.write(`[cashout] ${line}\n`);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** When each seq's odds frame arrived on one socket, and (for punters) its cash out values. */
class Arrivals {
  readonly odds = new Map<number, number>();
  readonly values = new Map<number, { count: number; last: number; first: number }>();
  /** Values of a seq that arrived before that seq's odds frame on the same socket. */
  early = 0;

  onFrame = (frame: ServerFrame, at: number) => {
    if (frame.type === "odds") this.odds.set(frame.seq, at);
    else if (frame.type === "cashout" && "seq" in frame) {
      const v = this.values.get(frame.seq) ?? { count: 0, last: at, first: at };
      v.count++;
      v.last = Math.max(v.last, at);
      v.first = Math.min(v.first, at);
      this.values.set(frame.seq, v);
      if (!this.odds.has(frame.seq)) this.early++;
    }
  };
}

interface PushRow {
  seq: number;
  viewerOddsMs: number;
  lastValueMs: number;
  values: number;
}

async function pushes(admin: EdgebookApi, marketId: string, n: number, gapMs: number, viewer: Arrivals, punters: Arrivals[], offset: number): Promise<PushRow[]> {
  const rows: PushRow[] = [];
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    const seq = await admin.pushOdds(marketId, bookPushFor(offset + k));
    await sleep(gapMs);
    const values = punters.map((p) => p.values.get(seq)).filter((v) => v !== undefined);
    rows.push({
      seq,
      viewerOddsMs: (viewer.odds.get(seq) ?? NaN) - t0,
      lastValueMs: values.length === 0 ? NaN : Math.max(...values.map((v) => v.last)) - t0,
      values: values.reduce((s, v) => s + v.count, 0),
    });
  }
  return rows;
}

export async function cashOutBench(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { bets: 10_000, punters: 100, pushes: 8, gapMs: 1000, inflight: 8, perSocketRate: 18, stake: 1000, port: 9230, budget: 600 });
  const guard = guardRun(args.budget, say);
  const platform = await startServer({ port: args.port, label: "cashout", env: { RATE_SESSIONS_PER_10S: "100000", RATE_TICKETS_PER_10S: "100000" } });
  guard.watch(platform);
  say(`server up at ${platform.url}; ${describeSource(platform.source)}`);
  let seated: Awaited<ReturnType<typeof seatPunters>> | null = null;
  const sockets: MarketSocket[] = [];
  try {
    const admin = new EdgebookApi(platform.url, undefined, { timeoutMs: 60_000 });
    await admin.session("bench-trader", platform.adminKey);
    const marketId = `cashout-${Date.now().toString(36)}`;
    const emptyId = `${marketId}-empty`;
    await admin.createMarket(benchMarket(marketId));
    await admin.createMarket(benchMarket(emptyId));
    seated = await seatPunters(platform.url, marketId, { punters: args.punters, http: false }, "cashout-punter");
    say(`${seated.punters.length} punters with a socket each; placing ${args.bets} bets`);
    const load = await fireBets(seated, { ...args, http: false });
    say(`placed: ${JSON.stringify(load.byStatus)} in ${load.seconds.toFixed(1)} s`);
    // Answers the bench gave up waiting for may still be taken: the hub's book says how many bets are open.
    let open = 0;
    for (const deadline = performance.now() + 60_000; performance.now() < deadline; await sleep(500)) {
      const book = await admin.exposure(marketId);
      open = book.selections.reduce((n, s) => n + s.bets, 0);
      if (book.pendingBets === 0 && open >= load.accepted) break;
    }
    say(`${open} open bets on the market`);

    // Each punter's socket now counts the odds frames and cash out values it gets, by seq.
    // The punters' sockets were opened with the bet load's own frame handler: listen beside it.
    const arrivals = seated.punters.map((p) => {
      const a = new Arrivals();
      p.socket!.ws.on("message", (data: Buffer) => {
        const at = performance.now();
        const text = data.toString();
        if (text !== "pong") a.onFrame(JSON.parse(text) as ServerFrame, at);
      });
      return a;
    });
    const viewer = new Arrivals();
    const emptyViewer = new Arrivals();
    sockets.push(await openMarketSocket(platform.url, marketId, { onFrame: viewer.onFrame }));
    sockets.push(await openMarketSocket(platform.url, emptyId, { onFrame: emptyViewer.onFrame }));
    await sleep(500);

    const cpu0 = platform.sample().cpuSeconds;
    const loaded = await pushes(admin, marketId, args.pushes, args.gapMs, viewer, arrivals, 0);
    const cpu = platform.sample().cpuSeconds - cpu0;
    const control = await pushes(admin, emptyId, args.pushes, args.gapMs, emptyViewer, [], 0);

    const odds = summarize(loaded.map((r) => r.viewerOddsMs));
    const values = summarize(loaded.map((r) => r.lastValueMs));
    const bare = summarize(control.map((r) => r.viewerOddsMs));
    const early = arrivals.reduce((s, a) => s + a.early, 0);
    const sent = loaded.map((r) => r.values);
    console.log("");
    console.log(
      table(
        ["market", "open bets", "pushes", "viewer odds frame p50 ms", "max ms", "all values sent p50 ms", "max ms", "values per push", "values before their odds frame"],
        [
          ["with bets", open, loaded.length, ms(odds.p50), ms(odds.max), ms(values.p50), ms(values.max), `${Math.min(...sent)}..${Math.max(...sent)}`, early],
          ["no bets", 0, control.length, ms(bare.p50), ms(bare.max), "-", "-", "-", "-"],
        ],
      ),
    );
    console.log("");
    say(`server CPU for the ${loaded.length} pushes with bets: ${cpu.toFixed(2)} s; socket extensions: ${seated.extensions.join(", ")}`);
    const failures: string[] = [];
    // A bet whose value rounds to the same cents after a push is rightly sent nothing (rare at the default stake).
    if (sent.some((n) => n === 0 || n > open)) failures.push(`a push sent ${Math.min(...sent)}..${Math.max(...sent)} values for ${open} open bets`);
    if (early > 0) failures.push(`${early} values reached a socket before their odds frame`);
    const file = join(OUT_DIR, "cashout.json");
    const result = { benchmark: "cashout", at: new Date().toISOString(), config: args, source: platform.source, open, loaded, control, odds, values, bare, early, serverCpuSeconds: cpu, serverErrorLines: platform.errorLines().slice(0, 20), failures };
    writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
    say(`results in ${file}`);
    if (failures.length > 0) {
      say(`FAIL: ${failures.join("; ")}`);
      return 1;
    }
    return 0;
  } finally {
    await closeAll(sockets);
    if (seated) await unseatPunters(seated);
    await platform.stop();
  }
}

if (import.meta.main) {
  cashOutBench(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      say(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
