// A bet load on one market: punters (each with a session, an SDK client and a
// socket) fire bets with a few in flight each, paced under the hub's per-socket
// limit, and the money is checked afterwards. Shared by bets-throughput.ts and
// the comparison's bets-while-broadcasting scenario.
import { performance } from "node:perf_hooks";
import { ApiError } from "../../client/sdk/api-error.ts";
import { EdgebookApi } from "../../client/sdk/api.ts";
import type { BetBody, BetReplyFrame } from "../../worker/protocol/schemas.ts";
import { inBatches } from "./in-batches.ts";
import { type MarketSocket, closeAll, openMarketSocket } from "./market-socket.ts";
import { type Summary, summarize } from "./stats.ts";

const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
export const OPENING_BALANCE = 100_000;
const ANSWER_TIMEOUT_MS = 15_000;
/** The hub's window is 1000 ms; 10 ms more absorbs timer and clock granularity. */
export const PACING_WINDOW_MS = 1_010;

export interface BetLoadOptions {
  punters: number;
  /** Bets in total (spread evenly over the punters). */
  bets: number;
  /** Bets each punter keeps in flight. */
  inflight: number;
  /**
   * Bet frames a socket may have answered within the last second before it sends
   * another (the hub answers RATE_LIMITED past 20 a second); 0 for no pacing.
   * Not applied over HTTP.
   */
  perSocketRate: number;
  stake: number;
  /** Place bets with POST /api/markets/:id/bets instead of the socket. */
  http: boolean;
  /** Stop sending new bets at this performance.now() (bets in flight still finish). */
  deadline?: number;
}

interface Slot {
  /** When the first answer (even `pending`) came back: the hub had handled the frame by then. */
  answeredAt: number | null;
}

export interface Punter {
  name: string;
  api: EdgebookApi;
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

export interface Outcome {
  status: string;
  reason?: string;
  /** The first answer was `pending` and the final one came later. */
  pendingFirst: boolean;
  roundTripMs: number;
  error?: string;
}

export interface BetTable {
  url: string;
  marketId: string;
  punters: Punter[];
  /** The price each selection stands at, as the punters' snapshots showed it. */
  odds: Map<string, number>;
  selections: string[];
  extensions: string[];
}

/** Sessions and (unless over HTTP) a socket each, bounded in concurrency. */
export async function seatPunters(url: string, marketId: string, opts: Pick<BetLoadOptions, "punters" | "http">, prefix = "bench-punter"): Promise<BetTable> {
  const market = await new EdgebookApi(url).market(marketId);
  const odds = new Map(market.selections.map((s) => [s.id, s.odds]));
  const punters = await inBatches(Array.from({ length: opts.punters }, (_, i) => i), 10, async (i): Promise<Punter> => {
    const api = new EdgebookApi(url);
    await api.session(`${prefix}-${i}`);
    return { name: `${prefix}-${i}`, api, socket: null, waiting: new Map(), slots: [], accepted: 0, stakeAccepted: 0, otherFrames: {}, closed: null };
  });
  if (opts.http) return { url, marketId, punters, odds, selections: [...odds.keys()], extensions: [] };
  await inBatches(punters, 10, async (p) => {
    p.socket = await openMarketSocket(url, marketId, {
      token: p.api.token,
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
    for (const s of p.socket.snapshot.market.selections) odds.set(s.id, s.odds);
  });
  return { url, marketId, punters, odds, selections: [...odds.keys()], extensions: [...new Set(punters.map((p) => p.socket!.extensions || "(none)"))] };
}

export async function unseatPunters(table: BetTable): Promise<void> {
  await closeAll(table.punters.flatMap((p) => (p.socket ? [p.socket] : [])));
}

/**
 * Wait until this punter's socket may send another bet frame without being
 * answered RATE_LIMITED, and claim the slot. The frame sent `perSocketRate`
 * frames before this one must have been answered (so handled) at least 1 s
 * ago; then any 21 consecutive frames span over 1 s at the hub, whatever its
 * queueing. Synchronous from the check to the claim, so the claim order is the
 * send order.
 */
async function pace(p: Punter, opts: BetLoadOptions): Promise<{ slot: Slot; waitedMs: number }> {
  const started = performance.now();
  const limit = opts.perSocketRate;
  if (!opts.http && limit > 0) {
    // Bounded: every slot is answered or times out within ANSWER_TIMEOUT_MS.
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

function betOver(table: BetTable, p: Punter, slot: Slot, body: BetBody, http: boolean): Promise<Outcome> {
  const sent = performance.now();
  if (http) {
    return p.api.placeBet(table.marketId, body).then(
      (reply) => ({ status: reply.status, reason: reply.reason, pendingFirst: false, roundTripMs: performance.now() - sent }),
      (err: unknown) => ({ status: "error", pendingFirst: false, roundTripMs: performance.now() - sent, error: err instanceof ApiError ? `${err.status} ${err.code} ${err.message}` : String(err) }),
    );
  }
  return new Promise((resolve) => {
    let pendingFirst = false;
    const timer = setTimeout(() => {
      p.waiting.delete(body.id);
      slot.answeredAt ??= performance.now();
      resolve({ status: "unanswered", pendingFirst, roundTripMs: performance.now() - sent });
    }, ANSWER_TIMEOUT_MS);
    p.waiting.set(body.id, (reply, at) => {
      slot.answeredAt ??= at;
      // Without a bet delay, `pending` means the wallet call is unresolved; the final answer follows on the socket.
      if (reply.status === "pending") {
        pendingFirst = true;
        return;
      }
      clearTimeout(timer);
      p.waiting.delete(body.id);
      resolve({ status: reply.status, reason: reply.reason, pendingFirst, roundTripMs: at - sent });
    });
    p.socket!.send({ type: "bet", ...body });
  });
}

export interface BetLoadResult {
  outcomes: Outcome[];
  seconds: number;
  accepted: number;
  acceptedPerSec: number;
  byStatus: Record<string, number>;
  byReason: Record<string, number>;
  rateLimited: number;
  pendingFirst: number;
  errors: string[];
  roundTripMs: { accepted: Summary; all: Summary };
  pacedBets: number;
  pacedMs: number;
  /** Roughly the most bets a second the client pacing allows at this round trip (null without pacing). */
  pacingCapPerSec: number | null;
}

/** Fire the bets; every punter keeps `inflight` lanes busy until its share is done or the deadline passes. */
export async function fireBets(table: BetTable, opts: BetLoadOptions): Promise<BetLoadResult> {
  const { punters, selections, odds } = table;
  const runId = Date.now().toString(36);
  const outcomes: Outcome[] = [];
  const queues = punters.map(() => [] as number[]);
  for (let k = 0; k < opts.bets; k++) queues[k % punters.length].push(k);
  let pacedMs = 0;
  let pacedBets = 0;
  const t0 = performance.now();
  let lastAnswer = t0;
  await Promise.all(
    punters.map(async (p, pi) => {
      const queue = queues[pi];
      const lane = async () => {
        while (queue.length > 0 && (opts.deadline === undefined || performance.now() < opts.deadline)) {
          const k = queue.shift()!;
          const { slot, waitedMs } = await pace(p, opts);
          if (waitedMs >= 1) {
            pacedBets++;
            pacedMs += waitedMs;
          }
          const selectionId = selections[k % selections.length];
          const body: BetBody = { id: `bench-${runId}-${k}`, selectionId, stake: opts.stake, odds: odds.get(selectionId)!, accept: "any" };
          const out = await betOver(table, p, slot, body, opts.http);
          outcomes.push(out);
          lastAnswer = Math.max(lastAnswer, performance.now());
          if (out.status === "accepted") {
            p.accepted++;
            p.stakeAccepted += opts.stake;
          }
        }
      };
      await Promise.all(Array.from({ length: opts.inflight }, lane));
    }),
  );
  const seconds = (lastAnswer - t0) / 1000;
  const byStatus: Record<string, number> = {};
  const byReason: Record<string, number> = {};
  for (const o of outcomes) {
    byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    if (o.reason) byReason[o.reason] = (byReason[o.reason] ?? 0) + 1;
  }
  const accepted = byStatus.accepted ?? 0;
  const rtAll = summarize(outcomes.filter((o) => o.status !== "unanswered").map((o) => o.roundTripMs));
  return {
    outcomes,
    seconds,
    accepted,
    acceptedPerSec: accepted / seconds,
    byStatus,
    byReason,
    rateLimited: byReason.RATE_LIMITED ?? 0,
    pendingFirst: outcomes.filter((o) => o.pendingFirst).length,
    errors: outcomes.filter((o) => o.error).map((o) => o.error!),
    roundTripMs: { accepted: summarize(outcomes.filter((o) => o.status === "accepted").map((o) => o.roundTripMs)), all: rtAll },
    pacedBets,
    pacedMs,
    // Pacing lets a socket send perSocketRate bets per (1.01 s + round trip): with long round trips it, not the hub, can be the limit.
    pacingCapPerSec: opts.http || opts.perSocketRate <= 0 ? null : (punters.length * opts.perSocketRate * 1000) / (PACING_WINDOW_MS + rtAll.p50),
  };
}

export interface MoneyCheck {
  pass: boolean;
  checked: number;
  mismatches: { punter: string; balance: number; expected: number; accepted: number }[];
  /** Punters whose wallet view of their bets (GET /api/me/bets) counts a different number of accepted bets. */
  viewMismatches: { punter: string; acceptedInView: number; acceptedAnswers: number; betsInView: number }[];
  retried: boolean;
  waitedMs: number;
}

/** Every punter's balance must be the opening one less its accepted stakes; retried for up to 10 s. */
export async function verifyMoney(punters: Punter[]): Promise<MoneyCheck> {
  const started = performance.now();
  const deadline = started + 10_000;
  let retried = false;
  for (;;) {
    const balances = await inBatches(punters, 10, (p) => p.api.me());
    const mismatches = punters
      .map((p, i) => ({ punter: p.name, balance: balances[i].balance, expected: OPENING_BALANCE - p.stakeAccepted, accepted: p.accepted }))
      .filter((m) => m.balance !== m.expected);
    // The wallet's bet list is kept in step in the background; it holds the newest 200.
    const views = await inBatches(punters, 10, (p) => p.api.myBets());
    const viewMismatches = punters
      .map((p, i) => ({
        punter: p.name,
        acceptedInView: views[i].filter((b) => b.status === "accepted").length,
        acceptedAnswers: p.accepted,
        betsInView: views[i].length,
      }))
      .filter((v) => v.betsInView < 200 && v.acceptedInView !== v.acceptedAnswers);
    if ((mismatches.length === 0 && viewMismatches.length === 0) || performance.now() > deadline) {
      return { pass: mismatches.length === 0, checked: punters.length, mismatches, viewMismatches, retried, waitedMs: Math.round(performance.now() - started) };
    }
    retried = true;
    await sleep(500);
  }
}
