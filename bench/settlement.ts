// Settlement of a big market: `--bets` accepted bets (default 5,000) from
// `--punters` punters (default 50), each with a socket on the market, then one
// settle. Reports how long until the settle answered (every bet marked won or
// lost in the hub) and until every bet was paid and its final `bet` frame had
// reached its punter's socket, the contract's "every bet final within 5 s".
// Then checks the money: each balance is the opening 100000 less its stakes
// plus what its won bets paid. Exit 1 on a missing frame, a wrong balance or a
// final time over `--target-ms`.
//
//   npm run bench -- settle [--bets 5000] [--punters 50] [--port 9010] [--target-ms 5000]
//   npx node bench/settlement.ts [same flags]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { EdgebookApi } from "../client/sdk/api.ts";
import type { BetReplyFrame } from "../worker/protocol/schemas.ts";
import { parseArgs } from "./lib/args.ts";
import { OPENING_BALANCE, fireBets, seatPunters, unseatPunters } from "./lib/bet-load.ts";
import { inBatches } from "./lib/in-batches.ts";
import { benchMarket } from "./lib/odds-walk.ts";
import { OUT_DIR, describeSource, guardRun, startServer } from "./lib/server.ts";
import { ms, table } from "./lib/stats.ts";

const FINAL = new Set(["won", "lost", "void"]);
const say = (line: string) => process.stdout.write(`[settle] ${line}\n`);

/** Every final `bet` frame on one punter's socket, whatever its id. */
class FinalFrames extends Map<string, (reply: BetReplyFrame, at: number) => void> {
  readonly seen: { at: number; payout: number }[] = [];

  override get(): (reply: BetReplyFrame, at: number) => void {
    return (reply, at) => {
      if (FINAL.has(reply.status)) this.seen.push({ at, payout: reply.status === "won" ? (reply.bet?.payout ?? 0) : 0 });
    };
  }
}

export async function settlementBench(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { bets: 5000, punters: 50, inflight: 8, perSocketRate: 18, stake: 100, port: 9010, targetMs: 5000, budget: 300 });
  const guard = guardRun(args.budget, say);
  // Many punters open their sessions from this one address: lift the per-address session budget for the run.
  const platform = await startServer({ port: args.port, label: "settlement", env: { RATE_SESSIONS_PER_10S: "100000" } });
  guard.watch(platform);
  say(`server up at ${platform.url}; ${describeSource(platform.source)}`);
  let seated: Awaited<ReturnType<typeof seatPunters>> | null = null;
  try {
    const admin = new EdgebookApi(platform.url, undefined, { timeoutMs: 60_000 });
    await admin.session("bench-trader", platform.adminKey);
    const marketId = `settle-${Date.now().toString(36)}`;
    await admin.createMarket(benchMarket(marketId));
    seated = await seatPunters(platform.url, marketId, { punters: args.punters, http: false }, "settle-punter");
    const { punters } = seated;
    say(`${punters.length} punters with a socket each; placing ${args.bets} bets`);
    const load = await fireBets(seated, { ...args, http: false });
    say(`placed: ${JSON.stringify(load.byStatus)} in ${load.seconds.toFixed(1)} s`);
    const accepted = load.accepted;

    const frames = punters.map((p) => {
      const f = new FinalFrames();
      p.waiting = f;
      return f;
    });
    const cpu0 = platform.sample().cpuSeconds;
    const t0 = performance.now();
    await admin.settle(marketId, { winner: "home" });
    const answeredMs = performance.now() - t0;
    // Bounded wait for every accepted bet's final frame.
    const deadline = t0 + 60_000;
    const count = () => frames.reduce((n, f) => n + f.seen.length, 0);
    while (count() < accepted && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const finals = count();
    const times = frames.flatMap((f) => f.seen.map((s) => s.at - t0));
    const lastMs = finals === 0 ? NaN : Math.max(...times);
    const firstMs = finals === 0 ? NaN : Math.min(...times);
    const cpu = platform.sample().cpuSeconds - cpu0;

    const balances = await inBatches(punters, 10, (p) => p.api.me());
    const wrong = punters
      .map((p, i) => ({ punter: p.name, balance: balances[i].balance, expected: OPENING_BALANCE - p.stakeAccepted + frames[i].seen.reduce((s, x) => s + x.payout, 0) }))
      .filter((x) => x.balance !== x.expected);

    console.log("");
    console.log(
      table(
        ["bets", "punters", "settle answered ms", "first final ms", "all final ms", "final frames", "server CPU s", "money"],
        [[accepted, punters.length, ms(answeredMs), ms(firstMs), ms(lastMs), finals, cpu.toFixed(2), wrong.length === 0 ? "pass" : "FAIL"]],
      ),
    );
    console.log("");
    const failures: string[] = [];
    if (accepted !== args.bets) failures.push(`only ${accepted} of ${args.bets} bets were accepted`);
    if (finals !== accepted) failures.push(`${accepted - finals} bets got no final frame within 60 s`);
    if (wrong.length > 0) failures.push(`balances wrong for ${wrong.length} punters, first: ${JSON.stringify(wrong[0])}`);
    if (!(lastMs <= args.targetMs)) failures.push(`the last bet was final after ${ms(lastMs)} ms, over the ${args.targetMs} ms target`);
    const file = join(OUT_DIR, "settlement.json");
    const result = { benchmark: "settlement", at: new Date().toISOString(), config: args, source: platform.source, accepted, answeredMs, firstFinalMs: firstMs, allFinalMs: lastMs, finals, serverCpuSeconds: cpu, wrong: wrong.slice(0, 10), serverErrorLines: platform.errorLines().slice(0, 20), failures };
    writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
    say(`results in ${file}`);
    if (failures.length > 0) {
      say(`FAIL: ${failures.join("; ")}`);
      return 1;
    }
    say(`PASS: ${accepted} bets settled, every one final and paid within ${ms(lastMs)} ms (target ${args.targetMs} ms)`);
    return 0;
  } finally {
    if (seated) await unseatPunters(seated);
    await platform.stop();
  }
}

if (import.meta.main) {
  settlementBench(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      say(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
