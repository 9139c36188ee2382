// Bet throughput: M punters on one market fire B bets in total, each punter
// over its own socket (or over HTTP with --http) with a few bets in flight.
// Reports accepted bets per second and the bet round trip (send to final
// answer), then checks the money: every punter's balance must equal the
// opening 100000 less the stakes of its accepted bets. Exit 1 on any mismatch.
//
//   npx node bench/bets-throughput.ts [--punters 20] [--bets 2000] [--inflight 8] [--http] [--port 8795] [--profile]
//
// --profile: open workerd's inspector on port+1, take a CPU profile of the
// Worker's isolate over the bets, print the top self-time functions and keep
// the raw .cpuprofile in bench/out (the profiler's own cost is in the CPU figures).
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { EdgebookApi } from "../client/sdk/api.ts";
import { parseArgs } from "./lib/args.ts";
import { fireBets, seatPunters, unseatPunters, verifyMoney, type BetTable } from "./lib/bet-load.ts";
import { machineBusySeconds } from "./lib/machine-cpu.ts";
import { benchMarket } from "./lib/odds-walk.ts";
import { startWorkerdProfile } from "./lib/workerd-profile.ts";
import { OUT_DIR, describeSource, guardRun, startServer } from "./lib/server.ts";
import { ms, table } from "./lib/stats.ts";

const args = parseArgs(process.argv.slice(2), {
  punters: 20,
  bets: 2000,
  /** Bets each punter keeps in flight. */
  inflight: 8,
  /**
   * Bet frames a socket may have answered within the last second before it sends
   * another (the hub answers RATE_LIMITED past 20 a second); 0 for no pacing.
   * Not applied with --http.
   */
  perSocketRate: 18,
  stake: 100,
  http: false,
  port: 8795,
  profile: false,
  /** Hard limit for the whole run, in seconds. */
  budget: 120,
});

const say = (line: string) => process.stdout.write(`[bets] ${line}\n`);

async function main(): Promise<number> {
  const guard = guardRun(args.budget, say);

  const inspect: Record<string, string> = args.profile ? { EDGEBOOK_INSPECT: "1", INSPECTOR_PORT: String(args.port + 1) } : {};
  const platform = await startServer({ port: args.port, label: "bets", env: inspect });
  guard.watch(platform);
  say(`platform up at ${platform.url}; ${describeSource(platform.source)}`);
  let seated: BetTable | null = null;
  try {
    const admin = new EdgebookApi(platform.url);
    await admin.session("bench-trader", platform.adminKey);
    const marketId = `bets-${Date.now().toString(36)}`;
    await admin.createMarket(benchMarket(marketId));
    seated = await seatPunters(platform.url, marketId, args);
    const { punters } = seated;
    say(args.http ? `${punters.length} punters over HTTP` : `${punters.length} punters with a socket each; extensions: ${seated.extensions.join(", ")}`);

    const cpuBefore = { server: platform.sample().cpuSeconds, client: process.cpuUsage(), machine: machineBusySeconds() };
    const profile = args.profile ? await startWorkerdProfile(args.port + 1) : null;
    const load = await fireBets(seated, args);
    const cpu = { server: platform.sample().cpuSeconds - cpuBefore.server, client: process.cpuUsage(cpuBefore.client), machine: machineBusySeconds() - cpuBefore.machine };
    if (profile) {
      const file = join(OUT_DIR, "bets-workerd.cpuprofile");
      for (const line of await profile.stop(file)) say(`profile ${line}`);
      say(`profile written to ${file}`);
    }
    const clientCpu = (cpu.client.user + cpu.client.system) / 1e6;
    const otherCpu = cpu.machine - cpu.server - clientCpu;
    const { outcomes, seconds, accepted, byStatus, byReason, rateLimited, pendingFirst, errors } = load;
    const rtAccepted = load.roundTripMs.accepted;

    // Money: every answer is final, so the wallets must already agree; a short bounded retry covers a refund left to the alarm.
    const money = await verifyMoney(punters);
    const serverErrors = platform.errorLines();
    const otherFrames: Record<string, number> = {};
    for (const p of punters) for (const [t, n] of Object.entries(p.otherFrames)) otherFrames[t] = (otherFrames[t] ?? 0) + n;
    const closed = punters.filter((p) => p.closed !== null).map((p) => p.closed);

    console.log("");
    console.log(
      table(
        ["mode", "punters", "bets", "accepted", "accepted/s", "rt p50 ms", "rt p99 ms", "rt max ms", "rate-limited", "money"],
        [[args.http ? "http" : "socket", punters.length, outcomes.length, accepted, load.acceptedPerSec.toFixed(1), ms(rtAccepted.p50), ms(rtAccepted.p99), ms(rtAccepted.max), rateLimited, money.pass ? "pass" : "FAIL"]],
      ),
    );
    console.log("");
    say(`answers: ${JSON.stringify(byStatus)}; reasons: ${JSON.stringify(byReason)}; first answered pending: ${pendingFirst}`);
    say(`${outcomes.length} bets in ${seconds.toFixed(2)} s (${(outcomes.length / seconds).toFixed(1)} answered/s)` + (load.pacingCapPerSec ? `; per-socket pacing held back ${load.pacedBets} bets (${load.pacedBets ? (load.pacedMs / load.pacedBets).toFixed(0) : 0} ms each on average) and allows about ${load.pacingCapPerSec.toFixed(0)}/s at this round trip` : ""));
    say(`CPU during bets: server ${cpu.server.toFixed(1)} s, load generator ${clientCpu.toFixed(1)} s, everything else on the machine ${otherCpu.toFixed(1)} s`);
    say(`money: ${money.checked} punters checked, ${money.mismatches.length} mismatches${money.retried ? ` (agreed only after ${money.waitedMs} ms)` : ""}; wallet bet views: ${money.viewMismatches.length} disagree`);
    say(`other frames: ${JSON.stringify(otherFrames)}; sockets closed early: ${closed.length}; server error lines: ${serverErrors.length}`);

    const failures: string[] = [];
    if (!money.pass) failures.push(`balances wrong for ${money.mismatches.length} punters, first: ${JSON.stringify(money.mismatches[0])}`);
    if (money.viewMismatches.length > 0) failures.push(`GET /api/me/bets disagrees for ${money.viewMismatches.length} punters, first: ${JSON.stringify(money.viewMismatches[0])}`);
    const unanswered = byStatus.unanswered ?? 0;
    if (unanswered > 0) failures.push(`${unanswered} bets got no final answer within 15000 ms`);
    if (errors.length > 0) failures.push(`${errors.length} HTTP errors, first: ${errors[0]}`);
    if (closed.length > 0) failures.push(`${closed.length} sockets closed early, first: ${closed[0]}`);

    const result = {
      benchmark: "bets-throughput",
      at: new Date().toISOString(),
      config: { ...args },
      source: platform.source,
      mode: args.http ? "http" : "socket",
      extensions: seated.extensions,
      punters: punters.length,
      bets: outcomes.length,
      seconds,
      accepted,
      acceptedPerSecond: load.acceptedPerSec,
      answeredPerSecond: outcomes.length / seconds,
      byStatus,
      byReason,
      rateLimited,
      pendingFirst,
      roundTripMs: load.roundTripMs,
      clientPacing: load.pacingCapPerSec === null ? null : { approxCapPerSecond: load.pacingCapPerSec, betsHeldBack: load.pacedBets, meanHoldMs: load.pacedBets ? load.pacedMs / load.pacedBets : 0 },
      cpuSeconds: { server: cpu.server, client: clientCpu, otherProcesses: otherCpu, machineCores: availableParallelism() },
      money,
      otherFrames,
      socketsClosedEarly: closed.slice(0, 10),
      httpErrors: errors.slice(0, 10),
      serverErrorLines: serverErrors.slice(0, 20),
      passed: failures.length === 0,
      failures,
    };
    const file = join(OUT_DIR, `bets-throughput${args.http ? "-http" : ""}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
    say(`results in ${file}`);
    if (failures.length > 0) {
      say(`FAIL: ${failures.join("; ")}`);
      return 1;
    }
    say("PASS: every bet answered, every balance equals 100000 less its accepted stakes");
    return 0;
  } finally {
    if (seated) await unseatPunters(seated);
    await platform.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
