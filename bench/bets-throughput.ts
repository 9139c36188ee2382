// Bet throughput: M punters on one market fire B bets in total, each punter
// over its own socket (or over HTTP with --http) with a few bets in flight.
// Reports accepted bets per second and the bet round trip (send to final
// answer), then checks the money: every punter's balance must equal the
// opening 100000 less the stakes of its accepted bets. Exit 1 on any mismatch.
//
//   npx node bench/bets-throughput.ts [--punters 20] [--bets 2000] [--inflight 8] [--http] [--port 8795]
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ApiError, call, createMarket, inBatches, me, openSession, placeBetHttp } from "./lib/api.ts";
import { parseArgs } from "./lib/args.ts";
import { machineBusySeconds } from "./lib/machine-cpu.ts";
import { type MarketSocket, closeAll, openMarketSocket } from "./lib/market-socket.ts";
import { OUT_DIR, describeSource, guardRun, startPlatform } from "./lib/platform.ts";
import { ms, summarize, table } from "./lib/stats.ts";
import type { Bet, BetReplyFrame } from "../worker/protocol/schemas.ts";

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
  /** Hard limit for the whole run, in seconds. */
  budget: 120,
});

const say = (line: string) => process.stdout.write(`[bets] ${line}\n`);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const OPENING_BALANCE = 100_000;
const ANSWER_TIMEOUT_MS = 15_000;
/** The hub's window is 1000 ms; 10 ms more absorbs timer and clock granularity. */
const PACING_WINDOW_MS = 1_010;

interface Punter {
  name: string;
  token: string;
  accountId: string;
  socket: MarketSocket | null;
  /** Bet id -> its waiter, for answers arriving on the socket. */
  waiting: Map<string, (reply: BetReplyFrame, at: number) => void>;
  /** Bet frames in the order sent, for pacing. */
  slots: Slot[];
  accepted: number;
  stakeAccepted: number;
  otherFrames: Record<string, number>;
  closed: string | null;
}

interface Target {
  url: string;
  marketId: string;
}

interface Slot {
  /** When the first answer (even `pending`) came back: the hub had handled the frame by then. */
  answeredAt: number | null;
}

interface Outcome {
  status: string;
  reason?: string;
  /** The first answer was `pending` and the final one came later. */
  pendingFirst: boolean;
  roundTripMs: number;
  error?: string;
}

/**
 * Wait until this punter's socket may send another bet frame without being
 * answered RATE_LIMITED, and claim the slot. The hub counts frames in a fixed
 * 1 s window that opens when it handles a frame, so pacing by send times
 * alone is not enough: a frame handled late opens a window late. Instead the
 * frame sent `perSocketRate` frames before this one must have been answered
 * (so handled) at least 1 s ago; then any 21 consecutive frames span over 1 s
 * at the hub, whatever its queueing. Synchronous from the check to the claim,
 * so the claim order is the send order.
 */
async function pace(p: Punter): Promise<{ slot: Slot; waitedMs: number }> {
  const started = performance.now();
  const limit = args.perSocketRate;
  if (!args.http && limit > 0) {
    for (;;) {
      const earlier = p.slots[p.slots.length - limit];
      if (earlier === undefined) break;
      const now = performance.now();
      if (earlier.answeredAt !== null && now >= earlier.answeredAt + PACING_WINDOW_MS) break;
      await sleep(earlier.answeredAt === null ? 5 : earlier.answeredAt + PACING_WINDOW_MS - now + 0.5);
    }
  }
  const slot: Slot = { answeredAt: null };
  p.slots.push(slot);
  // Only the last `limit` slots are ever looked at.
  if (p.slots.length > 4 * Math.max(limit, 1)) p.slots.splice(0, p.slots.length - Math.max(limit, 1));
  return { slot, waitedMs: performance.now() - started };
}

function betOver(target: Target, p: Punter, slot: Slot, body: Record<string, unknown>): Promise<Outcome> {
  const sent = performance.now();
  if (args.http) {
    return placeBetHttp(target.url, p.token, target.marketId, body).then(
      (reply) => ({ status: reply.status, reason: reply.reason, pendingFirst: false, roundTripMs: performance.now() - sent }),
      (err: unknown) => ({ status: "error", pendingFirst: false, roundTripMs: performance.now() - sent, error: err instanceof ApiError ? err.message : String(err) }),
    );
  }
  const id = body.id as string;
  return new Promise((resolve) => {
    let pendingFirst = false;
    const timer = setTimeout(() => {
      p.waiting.delete(id);
      slot.answeredAt ??= performance.now();
      resolve({ status: "unanswered", pendingFirst, roundTripMs: performance.now() - sent });
    }, ANSWER_TIMEOUT_MS);
    p.waiting.set(id, (reply, at) => {
      slot.answeredAt ??= at;
      // Without a bet delay, `pending` means the wallet call is unresolved; the final answer follows on the socket.
      if (reply.status === "pending") {
        pendingFirst = true;
        return;
      }
      clearTimeout(timer);
      p.waiting.delete(id);
      resolve({ status: reply.status, reason: reply.reason, pendingFirst, roundTripMs: at - sent });
    });
    p.socket!.send({ type: "bet", ...body });
  });
}

async function main(): Promise<number> {
  const guard = guardRun(args.budget, say);

  const platform = await startPlatform({ port: args.port, label: "bets" });
  guard.watch(platform);
  say(`platform up at ${platform.url}; ${describeSource(platform.source)}`);
  const punters: Punter[] = [];
  try {
    const admin = (await openSession(platform.url, "bench-trader", platform.adminKey)).token;
    const target: Target = { url: platform.url, marketId: `bets-${Date.now().toString(36)}` };
    const market = await createMarket(platform.url, admin, target.marketId);
    const odds = new Map(market.selections.map((s) => [s.id, s.odds]));
    const selections = market.selections.map((s) => s.id);

    const sessions = await inBatches(Array.from({ length: args.punters }, (_, i) => i), 10, (i) => openSession(platform.url, `bench-punter-${i}`));
    for (const [i, s] of sessions.entries()) {
      punters.push({ name: `bench-punter-${i}`, token: s.token, accountId: s.account.id, socket: null, waiting: new Map(), slots: [], accepted: 0, stakeAccepted: 0, otherFrames: {}, closed: null });
    }
    let extensions: string[] = [];
    if (!args.http) {
      await inBatches(punters, 10, async (p) => {
        p.socket = await openMarketSocket(platform.url, target.marketId, {
          token: p.token,
          timeoutMs: 20_000,
          onFrame: (frame, at) => {
            if (frame.type === "bet") {
              p.waiting.get(frame.id)?.(frame, at);
              return;
            }
            p.otherFrames[frame.type] = (p.otherFrames[frame.type] ?? 0) + 1;
          },
          onClose: (code, reason) => {
            p.closed = `${code} ${reason}`;
          },
        });
        // Prices as this socket saw them: the book does not move during the run.
        for (const s of p.socket.snapshot.market.selections) odds.set(s.id, s.odds);
      });
      extensions = [...new Set(punters.map((p) => p.socket!.extensions || "(none)"))];
      say(`${punters.length} punters with a socket each; extensions: ${extensions.join(", ")}`);
    } else {
      say(`${punters.length} punters over HTTP`);
    }

    const runId = Date.now().toString(36);
    const outcomes: Outcome[] = [];
    const queues = punters.map(() => [] as number[]);
    for (let k = 0; k < args.bets; k++) queues[k % punters.length].push(k);
    let pacedMs = 0;
    let pacedBets = 0;
    const cpuBefore = { server: platform.cpuSeconds(), client: process.cpuUsage(), machine: machineBusySeconds() };
    const t0 = performance.now();
    let lastAnswer = t0;
    await Promise.all(
      punters.map(async (p, pi) => {
        const queue = queues[pi];
        const lane = async () => {
          while (queue.length > 0) {
            const k = queue.shift()!;
            const { slot, waitedMs } = await pace(p);
            if (waitedMs >= 1) {
              pacedBets++;
              pacedMs += waitedMs;
            }
            const selectionId = selections[k % selections.length];
            const out = await betOver(target, p, slot, { id: `bench-${runId}-${k}`, selectionId, stake: args.stake, odds: odds.get(selectionId)!, accept: "any" });
            outcomes.push(out);
            lastAnswer = Math.max(lastAnswer, performance.now());
            if (out.status === "accepted") {
              p.accepted++;
              p.stakeAccepted += args.stake;
            }
          }
        };
        await Promise.all(Array.from({ length: args.inflight }, lane));
      }),
    );
    const seconds = (lastAnswer - t0) / 1000;
    const cpu = { server: platform.cpuSeconds() - cpuBefore.server, client: process.cpuUsage(cpuBefore.client), machine: machineBusySeconds() - cpuBefore.machine };
    const clientCpu = (cpu.client.user + cpu.client.system) / 1e6;
    const otherCpu = cpu.machine - cpu.server - clientCpu;

    const byStatus: Record<string, number> = {};
    const byReason: Record<string, number> = {};
    for (const o of outcomes) {
      byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
      if (o.reason) byReason[o.reason] = (byReason[o.reason] ?? 0) + 1;
    }
    const accepted = byStatus.accepted ?? 0;
    const rateLimited = byReason.RATE_LIMITED ?? 0;
    const pendingFirst = outcomes.filter((o) => o.pendingFirst).length;
    const errors = outcomes.filter((o) => o.error).map((o) => o.error!);
    const rtAll = summarize(outcomes.filter((o) => o.status !== "unanswered").map((o) => o.roundTripMs));
    const rtAccepted = summarize(outcomes.filter((o) => o.status === "accepted").map((o) => o.roundTripMs));

    // Money: every answer is final, so the wallets must already agree; a short bounded retry covers a refund left to the alarm.
    const money = await verifyMoney(platform.url, punters);
    const serverErrors = platform.errorLines();
    const reloads = platform.reloads();
    const otherFrames: Record<string, number> = {};
    for (const p of punters) for (const [t, n] of Object.entries(p.otherFrames)) otherFrames[t] = (otherFrames[t] ?? 0) + n;
    const closed = punters.filter((p) => p.closed !== null).map((p) => p.closed);
    // Pacing lets a socket send perSocketRate bets per (1.01 s + round trip): with long round trips it, not the hub, can be the limit.
    const pacingCap =
      args.http || args.perSocketRate <= 0 ? null : (punters.length * args.perSocketRate * 1000) / (PACING_WINDOW_MS + rtAll.p50);

    console.log("");
    console.log(
      table(
        ["mode", "punters", "bets", "accepted", "accepted/s", "rt p50 ms", "rt p99 ms", "rt max ms", "rate-limited", "money"],
        [[args.http ? "http" : "socket", punters.length, outcomes.length, accepted, (accepted / seconds).toFixed(1), ms(rtAccepted.p50), ms(rtAccepted.p99), ms(rtAccepted.max), rateLimited, money.pass ? "pass" : "FAIL"]],
      ),
    );
    console.log("");
    say(`answers: ${JSON.stringify(byStatus)}; reasons: ${JSON.stringify(byReason)}; first answered pending: ${pendingFirst}`);
    say(`${outcomes.length} bets in ${seconds.toFixed(2)} s (${(outcomes.length / seconds).toFixed(1)} answered/s)` + (pacingCap ? `; per-socket pacing held back ${pacedBets} bets (${pacedBets ? (pacedMs / pacedBets).toFixed(0) : 0} ms each on average) and allows about ${pacingCap.toFixed(0)}/s at this round trip` : ""));
    say(`CPU during bets: server ${cpu.server.toFixed(1)} s, load generator ${clientCpu.toFixed(1)} s, everything else on the machine ${otherCpu.toFixed(1)} s`);
    say(`money: ${money.checked} punters checked, ${money.mismatches.length} mismatches${money.retried ? ` (agreed only after ${money.waitedMs} ms)` : ""}; wallet bet views: ${money.viewMismatches.length} disagree`);
    say(`other frames: ${JSON.stringify(otherFrames)}; sockets closed early: ${closed.length}; server error lines: ${serverErrors.length}; worker reloads: ${reloads}`);

    const failures: string[] = [];
    if (reloads > 0) failures.push(`wrangler reloaded the Worker ${reloads} time(s) mid-run (sources under worker/ changed on disk): run again`);
    if (!money.pass) failures.push(`balances wrong for ${money.mismatches.length} punters, first: ${JSON.stringify(money.mismatches[0])}`);
    if (money.viewMismatches.length > 0) failures.push(`GET /api/me/bets disagrees for ${money.viewMismatches.length} punters, first: ${JSON.stringify(money.viewMismatches[0])}`);
    const unanswered = byStatus.unanswered ?? 0;
    if (unanswered > 0) failures.push(`${unanswered} bets got no final answer within ${ANSWER_TIMEOUT_MS} ms`);
    if (errors.length > 0) failures.push(`${errors.length} HTTP errors, first: ${errors[0]}`);
    if (closed.length > 0) failures.push(`${closed.length} sockets closed early, first: ${closed[0]}`);

    const result = {
      benchmark: "bets-throughput",
      at: new Date().toISOString(),
      config: { ...args },
      source: platform.source,
      mode: args.http ? "http" : "socket",
      extensions,
      punters: punters.length,
      bets: outcomes.length,
      seconds,
      accepted,
      acceptedPerSecond: accepted / seconds,
      answeredPerSecond: outcomes.length / seconds,
      byStatus,
      byReason,
      rateLimited,
      pendingFirst,
      roundTripMs: { accepted: rtAccepted, all: rtAll },
      clientPacing: pacingCap === null ? null : { approxCapPerSecond: pacingCap, betsHeldBack: pacedBets, meanHoldMs: pacedBets ? pacedMs / pacedBets : 0 },
      cpuSeconds: { server: cpu.server, client: clientCpu, otherProcesses: otherCpu, machineCores: availableParallelism() },
      money,
      otherFrames,
      socketsClosedEarly: closed.slice(0, 10),
      httpErrors: errors.slice(0, 10),
      serverErrorLines: serverErrors.slice(0, 20),
      workerReloads: reloads,
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
    await closeAll(punters.flatMap((p) => (p.socket ? [p.socket] : [])));
    await platform.stop();
  }
}

interface MoneyCheck {
  pass: boolean;
  checked: number;
  mismatches: { punter: string; balance: number; expected: number; accepted: number }[];
  /** Punters whose wallet view of their bets (GET /api/me/bets) counts a different number of accepted bets. */
  viewMismatches: { punter: string; acceptedInView: number; acceptedAnswers: number; betsInView: number }[];
  retried: boolean;
  waitedMs: number;
}

async function verifyMoney(base: string, punters: Punter[]): Promise<MoneyCheck> {
  const started = performance.now();
  const deadline = started + 10_000;
  let retried = false;
  for (;;) {
    const balances = await inBatches(punters, 10, (p) => me(base, p.token));
    const mismatches = punters
      .map((p, i) => ({ punter: p.name, balance: balances[i].balance, expected: OPENING_BALANCE - p.stakeAccepted, accepted: p.accepted }))
      .filter((m) => m.balance !== m.expected);
    // The wallet's bet list is kept in step in the background; it holds the newest 200.
    const views = await inBatches(punters, 10, (p) => call<{ bets: Bet[] }>(base, "GET", "/api/me/bets", p.token));
    const viewMismatches = punters
      .map((p, i) => ({
        punter: p.name,
        acceptedInView: views[i].bets.filter((b) => b.status === "accepted").length,
        acceptedAnswers: p.accepted,
        betsInView: views[i].bets.length,
      }))
      .filter((v) => v.betsInView < 200 && v.acceptedInView !== v.acceptedAnswers);
    if ((mismatches.length === 0 && viewMismatches.length === 0) || performance.now() > deadline) {
      return { pass: mismatches.length === 0, checked: punters.length, mismatches, viewMismatches, retried, waitedMs: Math.round(performance.now() - started) };
    }
    retried = true;
    await sleep(500);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
