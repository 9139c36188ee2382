// Model-based property test: random sequences of bets (over HTTP and over the
// socket), retries, odds pushes, suspensions, in-play delays, settlements,
// voids, crashes, bets raced against an odds push, a suspension or a
// settlement, and the punters' own deposits (some sent twice under one id)
// and withdrawals (some of more than the balance). After every step the books are brought to rest (alarms run until
// no saga is in flight) and money is checked: every wallet equals its ledger
// and is never negative, every bet moved exactly what its one status says, no
// bet leaves a state it cannot leave, and wallets + open stakes + what the
// house kept equals what the punters began with, plus what they deposited,
// less what they withdrew. Each run ends by settling
// every market: then every bet is in exactly one final state. Cash outs (whole
// or a part, exact or better, sometimes at a stale value, sometimes sent twice
// under one id or raced against a change) pay each credit once, and what the
// house kept counts each done cash out's stake less its value.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FaultPoint, firedFaults } from "../../worker/platform/fault-points.ts";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";
import { adminSession, call, createMarket, mustOpen, punterSession } from "../helpers/api.ts";
import { betsOf, cashOutsOf, hubStub, moneyAtRest, walletStub } from "../helpers/money.ts";

const SELECTIONS = ["home", "draw", "away"] as const;
const PUNTERS = 3;
const MARKETS = 2;
const START = 100_000;
const POINTS: FaultPoint[] = [
  "bet:recorded",
  "bet:debited",
  "bet:refund-due",
  "settle:paid",
  "wallet:before-commit",
  "wallet:committed",
  "cashout:decided",
  "cashout:credited",
];

type Accept = "exact" | "better" | "any";
type Ask = { p: number; m: number; sel: number; stake: number; accept: Accept };
type Change = "odds-up" | "odds-down" | "suspend" | "blip" | "in-play" | "settle";
type Op =
  | ({ kind: "bet"; stale: boolean; via: "http" | "socket"; retry: "no" | "same" | "other" } & Ask)
  | ({ kind: "race"; change: Change; via: "http" | "socket" } & Ask)
  | { kind: "odds"; m: number; sel: number; up: boolean }
  | { kind: "status"; m: number; status: "open" | "suspended"; inPlay: boolean }
  | { kind: "settle"; m: number; winner: number | null }
  | { kind: "crash"; point: FaultPoint; m: number; p: number }
  | { kind: "deposit"; p: number; amount: number; twice: boolean }
  | { kind: "withdraw"; p: number; amount: number }
  | { kind: "cashout"; p: number; m: number; pick: number; part: boolean; stale: boolean; twice: boolean; accept: "exact" | "better"; via: "http" | "socket"; race: Change | null };

const ask = {
  p: fc.nat(PUNTERS - 1),
  m: fc.nat(MARKETS - 1),
  sel: fc.nat(2),
  stake: fc.constantFrom(50, 100, 1_000, 9_999, 40_000, 99_000),
  accept: fc.constantFrom<Accept>("exact", "better", "any"),
};
const via = fc.constantFrom("http" as const, "socket" as const);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("bet" as const),
      ...ask,
      stale: fc.boolean(),
      via,
      retry: fc.constantFrom("no" as const, "no" as const, "same" as const, "other" as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("race" as const),
      ...ask,
      change: fc.constantFrom<Change>("odds-up", "odds-down", "suspend", "blip", "in-play", "settle"),
      via,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("odds" as const), m: fc.nat(MARKETS - 1), sel: fc.nat(2), up: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("status" as const),
      m: fc.nat(MARKETS - 1),
      status: fc.constantFrom("open" as const, "suspended" as const),
      inPlay: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("settle" as const), m: fc.nat(MARKETS - 1), winner: fc.option(fc.nat(2), { nil: null }) }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("crash" as const), point: fc.constantFrom(...POINTS), m: fc.nat(MARKETS - 1), p: fc.nat(PUNTERS - 1) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("deposit" as const), p: fc.nat(PUNTERS - 1), amount: fc.constantFrom(1, 500, 25_000), twice: fc.boolean() }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("cashout" as const),
      p: fc.nat(PUNTERS - 1),
      m: fc.nat(MARKETS - 1),
      pick: fc.nat(5),
      part: fc.constantFrom(true, true, false),
      stale: fc.constantFrom(false, false, true),
      twice: fc.boolean(),
      accept: fc.constantFrom("exact" as const, "better" as const),
      via,
      race: fc.option(fc.constantFrom<Change>("odds-up", "odds-down", "suspend", "settle"), { nil: null }),
    }),
  },
  // 250,000 is more than any balance here: refused INSUFFICIENT_FUNDS, moving nothing.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), p: fc.nat(PUNTERS - 1), amount: fc.constantFrom(1, 700, 30_000, 250_000) }) },
);

/** Which statuses a bet may show later, once it has shown this one. */
const REACHABLE: Record<string, readonly string[]> = {
  pending: ["pending", "accepted", "rejected", "won", "lost", "void", "cashed_out"],
  accepted: ["accepted", "won", "lost", "void", "cashed_out"],
  cashed_out: ["cashed_out"],
  rejected: ["rejected"],
  won: ["won"],
  lost: ["lost"],
  void: ["void"],
};
const FINAL = ["rejected", "won", "lost", "void", "cashed_out"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Send a bet (or a cash out) on a fresh socket and wait (bounded) for its first answer.
 * Null when the socket closed first: the hub crashed with the request in hand.
 */
async function betOverSocket(marketId: string, token: string, body: Record<string, unknown>, type: "bet" | "cashout" = "bet"): Promise<any | null> {
  const ws = await mustOpen(marketId, { token });
  try {
    ws.send({ type, ...body });
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(5)) {
      const reply = ws.frames.find((f) => typeof f !== "string" && f.type === type && "id" in f && f.id === body.id);
      if (reply) return reply;
      if (ws.closed || ws.frames.some((f) => typeof f !== "string" && f.type === "error")) return null;
    }
    throw new Error(`no answer on the socket for bet ${body.id}`);
  } finally {
    ws.close();
  }
}

/** Make every in-play delay due and run each hub's alarm until no bet has saga work left (bounded). */
async function bringToRest(marketIds: string[]) {
  await Promise.all(
    marketIds.map(async (id) => {
      for (let i = 0; i < 8; i++) {
        // In-play delays are real time; the model makes them due now instead of waiting.
        // A settlement paying from the alarm may crash the hub (an armed fault) under this call: ask again.
        const busy = await runInDurableObject(hubStub(id), (hub: MarketHub) => {
          // Placeholders for a bet on the other market look at the wallet again now too.
          for (const phase of ["held", "elsewhere"] as const) {
            for (const row of hub.store.betsInPhase(phase)) hub.store.putBet({ ...row, dueAt: Date.now() - 1 });
          }
          for (const row of hub.cashouts.all()) if (row.phase === "held") hub.cashouts.put({ ...row, dueAt: Date.now() - 1 });
          return hub.store.allBets().filter((b) => b.phase !== "done").length + hub.cashouts.all().filter((c) => c.phase !== "done").length;
        }).catch(() => -1);
        if (busy === 0) return;
        await runDurableObjectAlarm(hubStub(id)).catch(() => false);
      }
      throw new Error(`market ${id} did not come to rest`);
    }),
  );
}

/** The model's seed (fast-check prints the seed and path of any failure, to replay it). */
const MODEL_SEED = 20261204;

describe("money under random sequences", () => {
  it("is conserved, every bet ends in exactly one state, and the armed crashes really happen", async () => {
    const admin = await adminSession();
    const firedBefore = new Map(firedFaults);
    const tally = { steps: 0, races: 0, recheckRefunds: 0, socketBets: 0, deposits: 0, withdrawals: 0, cashOuts: 0, partCashOuts: 0 };

    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 4, maxLength: 18 }),
        fc.array(fc.option(fc.nat(2), { nil: null }), { minLength: MARKETS, maxLength: MARKETS }),
        async (ops, finals) => {
          const markets = await Promise.all(Array.from({ length: MARKETS }, () => createMarket(admin)));
          const punters = await Promise.all(Array.from({ length: PUNTERS }, (_, p) => punterSession(`model-${p}`)));
          const ids = markets.map((m) => m.id);
          const accounts = punters.map((p) => p.account.id);
          const lastBet: ({ m: number; body: Record<string, unknown> } | null)[] = punters.map(() => null);
          /** Every bet's status as last seen at rest, by market/account/id. */
          const seen = new Map<string, string>();
          /** What the punter was told: a bet's later status must be reachable from it. */
          const answered = new Map<string, string>();
          let k = 0;
          /** Money the punters brought in less what they took out, by their own requests. */
          let banked = 0;

          const marketOf = async (m: number) => (await call("GET", `/api/markets/${ids[m]}`)).json.market;
          const place = async (a: Ask, way: "http" | "socket", body: Record<string, unknown>) => {
            const p = punters[a.p];
            let reply: any = null;
            if (way === "socket") {
              tally.socketBets++;
              reply = await betOverSocket(ids[a.m], p.token, body);
            } else {
              const r = await call("POST", `/api/markets/${ids[a.m]}/bets`, { token: p.token, body });
              // 500: the hub crashed with the bet in hand; the reconciler finishes it.
              expect([200, 500]).toContain(r.status);
              if (r.status === 200) reply = r.json;
            }
            if (reply?.bet) answered.set(`${reply.bet.marketId}/${p.account.id}/${reply.id}`, reply.status);
          };
          /** The price each bet asked, in hundredths, by account/id. */
          const asked = new Map<string, number>();
          const newBody = (a: Ask, odds: number) => {
            const body = { id: `model-${Date.now().toString(36)}-${k++}`, selectionId: SELECTIONS[a.sel], stake: a.stake, odds, accept: a.accept };
            asked.set(`${accounts[a.p]}/${body.id}`, Math.round(odds * 100));
            return body;
          };
          const change = async (m: number, what: Change, sel: number) => {
            const market = ids[m];
            const status = (body: Record<string, unknown>) => call("POST", `/api/markets/${market}/status`, { token: admin, body });
            if (what === "suspend") return status({ status: "suspended" });
            // A suspension over at once, and going in play: both material to a bet in flight.
            if (what === "blip") return status({ status: "suspended" }).then(() => status({ status: "open" }));
            if (what === "in-play") return status({ status: "open", inPlay: true, betDelayMs: 2000 });
            if (what === "settle") return call("POST", `/api/markets/${market}/settle`, { token: admin, body: { winner: SELECTIONS[sel] } });
            const odds = (await marketOf(m)).selections[sel].odds;
            const next = Math.round((what === "odds-up" ? odds * 1.1 : odds / 1.1) * 100) / 100;
            return call("POST", `/api/markets/${market}/odds`, { token: admin, body: { odds: { [SELECTIONS[sel]]: Math.min(Math.max(next, 1.01), 1000) } } });
          };

          const check = async () => {
            await bringToRest(ids);
            const { total, bets } = await moneyAtRest(accounts, ids);
            // Conservation across everyone: wallets + open stakes + what the house kept = the starting money.
            const open = bets.filter((b) => b.status === "accepted").reduce((s, b) => s + b.stake, 0);
            const cashed = (await Promise.all(ids.map(cashOutsOf))).flat().filter((c) => c.status === "done");
            const kept =
              bets.reduce((s, b) => s + (b.status === "lost" ? b.stake : b.status === "won" ? b.stake - b.payout : 0), 0) +
              cashed.reduce((s, c) => s + (c.stake ?? 0) - (c.value ?? 0), 0);
            expect(total + open + kept).toBe(PUNTERS * START + banked);
            const now = new Set<string>();
            for (const b of bets) {
              const key = `${b.marketId}/${b.account}/${b.id}`;
              now.add(key);
              for (const [what, before] of [["was", seen.get(key)], ["was answered", answered.get(key)]] as const) {
                if (before !== undefined && !REACHABLE[before].includes(b.status)) throw new Error(`bet ${key} ${what} ${before}, is now ${b.status}`);
              }
              seen.set(key, b.status);
              // A taken bet stands at a price its accept policy allows.
              const price = asked.get(`${b.account}/${b.id}`);
              if (["accepted", "won", "lost", "void"].includes(b.status) && price !== undefined) {
                if (b.accept === "exact" ? b.odds !== price : b.accept === "better" && b.odds < price) {
                  throw new Error(`bet ${key} (${b.accept}) asked ${price} and was taken at ${b.odds}`);
                }
              }
            }
            // A bet may vanish only if it was never final (pending: moved no money for good, and a refusal is
            // answered only once its id is claimed) and its id is a bet on the other market, the first outcome:
            // the wallet's answer saying so was lost to a crash, and the retry from the alarm found it and dropped
            // this copy. A refusal, once answered, stays: the same id never gets another final outcome.
            const elsewhere = (key: string) => [...now].some((other) => other !== key && other.slice(other.indexOf("/")) === key.slice(key.indexOf("/")));
            const mayVanish = (key: string, status: string) => status === "pending" && elsewhere(key);
            for (const [key, status] of seen) if (!now.has(key) && !mayVanish(key, status)) throw new Error(`bet ${key} was ${status} and is gone`);
            for (const [key, status] of answered) {
              if (!now.has(key) && !mayVanish(key, status)) throw new Error(`bet ${key} was answered ${status} and is gone`);
            }
            return { bets, total, kept, cashed };
          };

          for (const op of ops) {
            tally.steps++;
            if (op.kind === "bet") {
              const last = lastBet[op.p];
              if (op.retry !== "no" && last) {
                // The same request again: on its own market, or on the other one (the same bet either way).
                const m = op.retry === "same" ? last.m : (last.m + 1) % MARKETS;
                await place({ ...op, m }, op.via, last.body);
              } else {
                const body = newBody(op, op.stale ? 1.5 : (await marketOf(op.m)).selections[op.sel].odds);
                lastBet[op.p] = { m: op.m, body };
                await place(op, op.via, body);
              }
            } else if (op.kind === "race") {
              tally.races++;
              const body = newBody(op, (await marketOf(op.m)).selections[op.sel].odds);
              lastBet[op.p] = { m: op.m, body };
              // Both in flight at once: the change may land before the bet, after it, or while the hub awaits the wallet.
              await Promise.all([place(op, op.via, body), change(op.m, op.change, op.sel)]);
            } else if (op.kind === "odds") {
              await change(op.m, op.up ? "odds-up" : "odds-down", op.sel);
            } else if (op.kind === "status") {
              await call("POST", `/api/markets/${ids[op.m]}/status`, {
                token: admin,
                body: { status: op.status, inPlay: op.inPlay, betDelayMs: op.inPlay ? 2000 : 0 },
              });
            } else if (op.kind === "settle") {
              const body = op.winner === null ? { void: true } : { winner: SELECTIONS[op.winner] };
              const r = await call("POST", `/api/markets/${ids[op.m]}/settle`, { token: admin, body });
              expect([200, 409]).toContain(r.status);
            } else if (op.kind === "deposit") {
              tally.deposits++;
              const body = { id: `dep-${Date.now().toString(36)}-${k++}`, amount: op.amount };
              const copies = await Promise.all((op.twice ? [1, 2] : [1]).map(() => call("POST", "/api/me/deposit", { token: punters[op.p].token, body })));
              // Sent twice under one id: the same answer, credited once.
              for (const r of copies) expect(r).toMatchObject({ status: 200, json: { balance: copies[0].json.balance } });
              banked += op.amount;
            } else if (op.kind === "withdraw") {
              const r = await call("POST", "/api/me/withdraw", { token: punters[op.p].token, body: { id: `wd-${Date.now().toString(36)}-${k++}`, amount: op.amount } });
              expect([200, 409]).toContain(r.status);
              if (r.status === 200) {
                tally.withdrawals++;
                banked -= op.amount;
              } else {
                expect(r.json.error.code).toBe("INSUFFICIENT_FUNDS");
              }
            } else if (op.kind === "cashout") {
              // Any open bet of any punter on either market: `p` and `m` follow the bet picked.
              const open = (await Promise.all(ids.map(async (id, m) => (await betsOf(id)).map((b) => ({ ...b, m }))))).flat().filter((b) => b.status === "accepted");
              if (open.length > 0) {
                const b = open[op.pick % open.length];
                const { m } = b;
                const p = accounts.indexOf(b.account);
                const current = Math.round((await marketOf(m)).selections.find((x: { id: string }) => x.id === b.selectionId).odds * 100);
                const part = op.part && b.stake >= 2 ? Math.floor(b.stake / 2) : undefined;
                // The contract's formula as the oracle; a stale value is one the punter saw before a move.
                const value = Number((BigInt(part ?? b.stake) * BigInt(b.odds) * 95n) / (BigInt(current) * 100n)) + (op.stale ? 1 : 0);
                const body = { id: `co-${Date.now().toString(36)}-${k++}`, value, accept: op.accept, ...(part === undefined ? {} : { stake: part }) };
                const send = async () => {
                  if (op.via === "socket") return betOverSocket(ids[m], punters[p].token, { betId: b.id, ...body }, "cashout");
                  const r = await call("POST", `/api/markets/${ids[m]}/bets/${b.id}/cashout`, { token: punters[p].token, body });
                  expect([200, 500]).toContain(r.status);
                  return r.status === 200 ? r.json : null;
                };
                const answers = await Promise.all([send(), ...(op.twice ? [send()] : []), ...(op.race ? [change(m, op.race, 0)] : [])]);
                // Sent twice under one id: never two different final answers.
                const finals = answers.slice(0, op.twice ? 2 : 1).filter((a) => a && a.status !== "pending");
                if (finals.length === 2) expect(finals[1].status).toBe(finals[0].status);
              }
            } else if (op.point === "wallet:committed") {
              await runInDurableObject(walletStub(accounts[op.p]), (w: Wallet) => w.faults.arm(op.point));
            } else {
              await runInDurableObject(hubStub(ids[op.m]), (hub: MarketHub) => hub.faults.arm(op.point));
            }
            await check();
          }

          // Settle what is still open: every bet must then reach exactly one final state.
          for (const [m, winner] of finals.entries()) {
            const body = winner === null ? { void: true } : { winner: SELECTIONS[winner] };
            const r = await call("POST", `/api/markets/${ids[m]}/settle`, { token: admin, body });
            expect([200, 409]).toContain(r.status);
          }
          const { bets, total, kept, cashed } = await check();
          tally.cashOuts += cashed.length;
          tally.partCashOuts += cashed.filter((c) => c.part !== null).length;
          // One credit per done cash out, by its key, in the ledgers.
          const credits = (await Promise.all(accounts.map((a) => runInDurableObject(walletStub(a), (w: Wallet) => w.audit(100_000)))))
            .flatMap((l) => l.entries)
            .filter((e) => e.kind === "cashout");
          expect(credits.length).toBe(cashed.length);
          for (const b of bets) expect(FINAL).toContain(b.status);
          expect(total + kept).toBe(PUNTERS * START + banked);

          // Bets the re-check after the wallet call refused: a stake was taken and given back.
          const ledgers = await Promise.all(accounts.map((a) => runInDurableObject(walletStub(a), (w: Wallet) => w.audit(100_000))));
          const refunded = new Set(ledgers.flatMap((l) => l.entries.filter((e) => e.kind === "refund").map((e) => e.key.slice("refund:".length))));
          tally.recheckRefunds += bets.filter((b) => b.status === "rejected" && b.dueAt === null && refunded.has(`${b.marketId}/${b.id}`)).length;
        },
      ),
      // A fixed seed, so the coverage counts below never hang on luck in CI; change MODEL_SEED to explore other runs.
      { numRuns: 50, endOnFailure: true, seed: MODEL_SEED },
    );

    // A run in which no armed fault fired would prove nothing about crashes: count them, by point.
    const byPoint = Object.fromEntries(POINTS.map((point) => [point, (firedFaults.get(point) ?? 0) - (firedBefore.get(point) ?? 0)]));
    const crashes = Object.values(byPoint).reduce((s, n) => s + n, 0);
    console.log(`money model: ${JSON.stringify({ ...tally, crashes, byPoint })}`);
    expect(crashes).toBeGreaterThanOrEqual(5);
    expect(Object.values(byPoint).filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    // Some bets raced their change into the window while the hub awaited the wallet, and were refunded.
    expect(tally.recheckRefunds).toBeGreaterThan(0);
    // Cash outs were done, some of them for a part of the stake.
    expect(tally.cashOuts).toBeGreaterThan(0);
    expect(tally.partCashOuts).toBeGreaterThan(0);
    // The punters' own money moved too, both ways.
    expect(tally.deposits).toBeGreaterThan(0);
    expect(tally.withdrawals).toBeGreaterThan(0);
  }, 120_000);
});
