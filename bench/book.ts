// The whole book under a feed: `--markets` markets (default 2,000) each moving
// once a second, `--viewers` book sockets (default 200) spread over
// `--events` event views (default 4, so every market is watched by
// viewers/events sockets). Reports p99 change-to-screen on the book socket
// (from just before the odds push to the `summary` frame carrying that price,
// measured on `--measured` sockets; the rest drain without parsing), the calls
// a second into the busiest object (book, shard, relay; counted in the
// objects), and the server's CPU per market change.
//
//   npx node bench/book.ts [--markets 2000] [--viewers 200] [--seconds 20] [--port 8910] [--inflight 64]
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { EdgebookApi } from "../client/sdk/api.ts";
import { parseArgs } from "./lib/args.ts";
import { inBatches } from "./lib/in-batches.ts";
import { describeSource, guardRun, isFrontProcess, isWorkerProcess, startServer } from "./lib/server.ts";
import { ms, summarize } from "./lib/stats.ts";

const args = parseArgs(process.argv.slice(2), {
  markets: 2000,
  viewers: 200,
  events: 4,
  measured: 20,
  seconds: 20,
  port: 8910,
  budget: 600,
  /** Pushes in flight at most; past it a move is skipped, as a feed that conflates would. */
  inflight: 64,
});
const say = (line: string) => process.stdout.write(`[book] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const eventName = (g: number) => `Group ${String.fromCharCode(65 + g)} fixtures`;

async function main(): Promise<number> {
  const guard = guardRun(args.budget, say);
  const platform = await startServer({ port: args.port, label: "book" });
  guard.watch(platform);
  say(`server up at ${platform.url}; ${describeSource(platform.source)}`);
  const sockets: WebSocket[] = [];
  try {
    const admin = new EdgebookApi(platform.url, undefined, { timeoutMs: 30_000 });
    const { token } = await admin.session("bench-trader", platform.adminKey);
    /** The objects' call counts (admin); a retry or two, as the feed keeps the server busy. */
    const bookStats = async (reset: boolean): Promise<any> => {
      for (let tries = 1; ; tries++) {
        try {
          const res = await fetch(`${platform.url}/api/book/stats${reset ? "?reset=1" : ""}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
          if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200)}`);
          return await res.json();
        } catch (err) {
          // An overloaded server may not answer: report the figures it could give.
          if (tries >= 3) return say(`stats unavailable: ${String(err)}`);
        }
      }
    };
    const ids = Array.from({ length: args.markets }, (_, i) => `book-${i}`);
    await inBatches(ids, 20, (id, i) =>
      admin.createMarket({ id, name: "Match odds", event: eventName(i % args.events), selections: [{ id: "home", name: "Home", odds: 2 }, { id: "away", name: "Away", odds: 3 }] }),
    );
    say(`${args.markets} markets created`);

    // Latency: when each (market, price) was pushed, and when a measured socket first saw it.
    const sentAt = new Map<string, number>();
    const samples: number[] = [];
    let frames = 0;
    await inBatches(Array.from({ length: args.viewers }, (_, i) => i), 25, (i) => {
      const ws = new WebSocket(`${platform.url.replace("http", "ws")}/api/book/ws?event=${encodeURIComponent(eventName(i % args.events))}`, { perMessageDeflate: false });
      sockets.push(ws);
      const measured = i < args.measured;
      ws.on("message", (data) => {
        frames++;
        if (!measured) return;
        const f = JSON.parse(String(data));
        if (f.type !== "summary") return;
        const t = sentAt.get(`${f.market.id}:${f.market.selections[0].odds}`);
        if (t !== undefined) samples.push(performance.now() - t);
      });
      return new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
    });
    say(`${args.viewers} book sockets open`);

    // Each market moves once a second, spread evenly over the second. The feed
    // is bounded: a market whose last push has not answered skips this move
    // (the next carries the newer price), and so does any move past
    // `--inflight` pushes in flight. Unbounded, a server that falls behind
    // gets an ever longer queue of requests, every answer times out, and the
    // run reports nothing but failures.
    let pushes = 0;
    let failures = 0;
    let skipped = 0;
    let step = 0;
    let running = true;
    const pending = new Set<string>();
    const errors = new Map<string, number>();
    const perTick = Math.ceil(args.markets / 20);
    const feed = (async () => {
      let next = performance.now();
      for (let tick = 0; running; tick++) {
        const slice = ids.slice((tick % 20) * perTick, (tick % 20 + 1) * perTick);
        const round = Math.floor(tick / 20);
        step = round;
        for (const id of slice) {
          if (pending.has(id) || pending.size >= args.inflight) {
            skipped++;
            continue;
          }
          const odds = (200 + (round % 400) + 1) / 100;
          pending.add(id);
          sentAt.set(`${id}:${odds}`, performance.now());
          admin.pushOdds(id, { home: odds }).then(
            () => pushes++,
            (err: unknown) => {
              failures++;
              const why = err instanceof Error ? err.message.slice(0, 120) : String(err);
              errors.set(why, (errors.get(why) ?? 0) + 1);
            },
          ).finally(() => pending.delete(id));
        }
        next += 50;
        await sleep(Math.max(0, next - performance.now()));
      }
    })();
    await sleep(3000);
    // The measured window starts now: counts and samples from before are dropped.
    await bookStats(true);
    samples.length = 0;
    const first = platform.sample();
    const cpu0 = first.cpuSeconds;
    const pushes0 = pushes;
    const skipped0 = skipped;
    const frames0 = frames;
    const t0 = performance.now();
    await sleep(args.seconds * 1000);
    const elapsed = (performance.now() - t0) / 1000;
    const changes = pushes - pushes0;
    const last = platform.sample();
    const cpu = last.cpuSeconds - cpu0;
    // Where the CPU went: workerd runs every object here, the start script's Node the front.
    const share = (test: (cmd: string) => boolean) => {
      const sum = (g: typeof last) => g.processes.filter((p) => test(p.cmd)).reduce((n, p) => n + p.cpuSeconds, 0);
      return (sum(last) - sum(first)) / elapsed;
    };
    const stats = await bookStats(false);
    running = false;
    await feed;
    const lat = summarize(samples);
    const peak = (list: { peak: number }[]) => Math.max(0, ...list.map((s) => s.peak));
    say(`window ${elapsed.toFixed(1)} s, round ${step}: ${(changes / elapsed).toFixed(0)} market changes/s accepted (${failures} pushes failed, ${((skipped - skipped0) / elapsed).toFixed(0)} moves/s skipped while pushes were in flight), ${((frames - frames0) / elapsed).toFixed(0)} frames/s received by the viewers`);
    say(`change-to-screen on the book socket (${lat.count} samples on ${args.measured} sockets): p50 ${ms(lat.p50)} ms, p99 ${ms(lat.p99)} ms, max ${ms(lat.max)} ms`);
    for (const [why, n] of errors) say(`push failed ${n}x: ${why}`);
    if (stats?.book) say(`busiest second: book ${stats.book.peak} calls, busiest shard ${peak(stats.shards)}, busiest relay ${peak(stats.relays)} (${stats.relays.length} relays)`);
    say(`server CPU: ${((cpu / Math.max(1, changes)) * 1e6).toFixed(0)} µs per market change (${cpu.toFixed(1)} CPU s over the window; workerd ${share(isWorkerProcess).toFixed(2)} of a core, front ${share(isFrontProcess).toFixed(2)})`);
    return failures > 0 ? 1 : 0;
  } finally {
    for (const ws of sockets) ws.terminate();
    await platform.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    say(`failed: ${err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err)}`);
    process.exit(1);
  },
);
