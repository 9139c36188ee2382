// Model-based property test of multiples: random multiples (2 to 4 legs over
// a few markets, any stake, any accept policy, some placed twice, some with a
// crash armed at one of the saga's points, in the wallet or a leg's hub), odds pushes and suspensions
// between them, then every market settled or voided in a random order, each
// result sometimes delivered twice. After every step each wallet equals its
// ledger; at the end every multiple is final, moved exactly what its status
// says (no key paid twice), and won exactly floor(stake x product) of its
// legs' odds with void legs at 1.00, computed here independently in BigInt.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { type FaultPoint, firedFaults } from "../../worker/platform/fault-points.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";
import { adminSession, call, createMarket, punterSession } from "../helpers/api.ts";
import { hubStub, ledgerOf, walletStub } from "../helpers/money.ts";

const MARKETS = 4;
const SELECTIONS = ["home", "draw", "away"] as const;
const START_ODDS = [2.5, 3.2, 2.9];
const POINTS: FaultPoint[] = ["multiple:recorded", "multiple:leg", "multiple:result", "leg:answered"];

type Leg = { m: number; sel: number };
type Op =
  | { kind: "multiple"; legs: Leg[]; stake: number; accept: "exact" | "better" | "any"; stale: boolean; twice: boolean; crash: FaultPoint | null }
  | { kind: "odds"; m: number; sel: number; odds: number }
  | { kind: "status"; m: number; status: "open" | "suspended" };

const legsArb = fc
  .uniqueArray(fc.nat(MARKETS - 1), { minLength: 2, maxLength: 4 })
  .chain((ms) => fc.tuple(...ms.map((m) => fc.record({ m: fc.constant(m), sel: fc.nat(2) }))));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("multiple" as const),
      legs: legsArb,
      stake: fc.constantFrom(100, 333, 1_000, 7_777, 60_000),
      accept: fc.constantFrom("exact" as const, "better" as const, "any" as const),
      stale: fc.boolean(),
      twice: fc.boolean(),
      crash: fc.option(fc.constantFrom(...POINTS), { freq: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("odds" as const), m: fc.nat(MARKETS - 1), sel: fc.nat(2), odds: fc.constantFrom(1.5, 2.5, 3.2, 4.35) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("status" as const), m: fc.nat(MARKETS - 1), status: fc.constantFrom("open" as const, "suspended" as const) }) },
);
const endArb = fc.record({
  order: fc.shuffledSubarray([0, 1, 2, 3], { minLength: MARKETS, maxLength: MARKETS }),
  outcomes: fc.array(fc.option(fc.nat(2), { freq: 4 }), { minLength: MARKETS, maxLength: MARKETS }),
  redeliver: fc.boolean(),
});

/** Run an object's alarm until `done` holds (bounded), making delayed retries due now. */
async function rest(account: string, markets: string[]) {
  for (let i = 0; i < 8; i++) {
    for (const m of markets) {
      await runInDurableObject(hubStub(m), (hub: MarketHub) => {
        for (const leg of hub.legs.store.owed(Number.MAX_SAFE_INTEGER, 1000)) hub.legs.store.later(leg.account, leg.multipleId, Date.now() - 1);
      });
      await runDurableObjectAlarm(hubStub(m)).catch(() => false);
    }
    await runDurableObjectAlarm(walletStub(account)).catch(() => false);
    const [left, owed] = await Promise.all([
      runInDurableObject(walletStub(account), (w: Wallet) => w.multiples.store.unfinished().length),
      Promise.all(markets.map((m) => runInDurableObject(hubStub(m), (hub: MarketHub) => hub.legs.nextDue()))),
    ]);
    if (left === 0 && owed.every((t) => t === null)) return;
  }
  throw new Error("multiples did not come to rest");
}

async function ledgerHolds(account: string) {
  const audit = await ledgerOf(account);
  expect(audit.balance).toBe(audit.ledgerSum);
  expect(audit.balance).toBeGreaterThanOrEqual(0);
  return audit;
}

describe("multiples under random play", () => {
  it("keeps every wallet equal to its ledger, pays nothing twice, and finishes every multiple once its markets settle", async () => {
    const admin = await adminSession();
    const fired = () => POINTS.reduce((sum, p) => sum + (firedFaults.get(p) ?? 0), 0);
    const firedBefore = fired();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 3, maxLength: 10 }), endArb, async (ops, end) => {
        run++;
        const markets = (await Promise.all(Array.from({ length: MARKETS }, () => createMarket(admin)))).map((m) => m.id);
        const { token, account } = await punterSession();
        const odds = markets.map(() => [...START_ODDS]);
        let k = 0;
        for (const op of ops) {
          if (op.kind === "odds") {
            await call("POST", `/api/markets/${markets[op.m]}/odds`, { token: admin, body: { odds: { [SELECTIONS[op.sel]]: op.odds } } });
            odds[op.m][op.sel] = op.odds;
          } else if (op.kind === "status") {
            await call("POST", `/api/markets/${markets[op.m]}/status`, { token: admin, body: { status: op.status } });
          } else {
            const body = {
              id: `model-${run}-${++k}-${Date.now().toString(36)}`,
              stake: op.stake,
              accept: op.accept,
              // A stale price is the start price, which may have moved.
              legs: op.legs.map((l) => ({ marketId: markets[l.m], selectionId: SELECTIONS[l.sel], odds: op.stale ? START_ODDS[l.sel] : odds[l.m][l.sel] })),
            };
            const armed = op.crash !== null && op.crash !== "multiple:result";
            // A point not reached (the multiple refused before any leg, say) stays armed and fires on a later one.
            if (op.crash === "leg:answered") await runInDurableObject(hubStub(markets[op.legs[op.legs.length - 1].m]), (hub: MarketHub) => hub.faults.arm("leg:answered"));
            else if (armed) await runInDurableObject(walletStub(account.id), (w: Wallet) => w.faults.arm(op.crash as FaultPoint));
            const r = await call("POST", "/api/multiples", { token, body });
            expect([200, 500]).toContain(r.status);
            if (op.twice) {
              await rest(account.id, markets);
              const again = await call("POST", "/api/multiples", { token, body });
              expect(again.status).toBe(200);
              expect(["accepted", "rejected", "lost", "won", "void"]).toContain(again.json.multiple.status);
            }
          }
          await rest(account.id, markets);
          await ledgerHolds(account.id);
        }
        // Settle every market in a random order; a crash before one deciding credit, and results delivered twice, now and then.
        for (const i of end.order) {
          if (end.redeliver && i === end.order[0]) await runInDurableObject(walletStub(account.id), (w: Wallet) => w.faults.arm("multiple:result"));
          const outcome = end.outcomes[i];
          await call("POST", `/api/markets/${markets[i]}/settle`, { token: admin, body: outcome === null ? { void: true } : { winner: SELECTIONS[outcome] } });
          await rest(account.id, markets);
          await ledgerHolds(account.id);
        }
        if (end.redeliver) {
          // The hubs' outboxes delivering every result once more moves nothing.
          const records = await runInDurableObject(walletStub(account.id), (w: Wallet) => w.multiples.store.page(1000, null).records);
          for (const m of records) for (const leg of m.legs) if (leg.result) await runInDurableObject(walletStub(account.id), (w: Wallet) => w.multipleLegResult(m.id, leg.marketId, leg.result!));
        }
        const audit = await ledgerHolds(account.id);
        const records = await runInDurableObject(walletStub(account.id), (w: Wallet) => w.multiples.store.page(1000, null).records);
        const keys = audit.entries.map((e) => e.key);
        expect(new Set(keys).size).toBe(keys.length);
        // Each leg's result as the model knows it from how its market ended.
        const resultOf = (marketId: string, selectionId: string) => {
          const outcome = end.outcomes[markets.indexOf(marketId)];
          return outcome === null ? "void" : SELECTIONS[outcome] === selectionId ? "won" : "lost";
        };
        for (const m of records) {
          expect(["rejected", "won", "lost", "void"], `${m.id} ${m.status}/${m.phase}`).toContain(m.status);
          if (m.status !== "rejected") {
            const results = m.legs.map((l) => resultOf(l.marketId, l.selectionId));
            expect(m.legs.map((l) => l.result ?? null).filter((r) => r !== null)).toEqual(results.filter((_, i) => m.legs[i].result));
            const want = results.includes("lost") ? "lost" : results.every((r) => r === "void") ? "void" : "won";
            expect(m.status, `${m.id}: legs ${results}`).toBe(want);
          }
          expect(m.phase).toBe("done");
          const net = audit.entries.filter((e) => e.key.endsWith(`:multiple:${m.id}`)).reduce((s, e) => s + e.amount, 0);
          if (m.status === "rejected" || m.status === "void") expect(net).toBe(0);
          if (m.status === "lost") expect(net).toBe(-m.stake);
          if (m.status === "won" || m.status === "void") {
            // The oracle: stake x product of won legs' hundredths / 100^n, floored, in BigInt; void legs count 1.00.
            const won = m.legs.filter((l) => l.result === "won");
            expect(m.legs.every((l) => l.result === "won" || l.result === "void")).toBe(true);
            const num = won.reduce((p, l) => p * BigInt(l.taken!), BigInt(m.stake));
            const want = Number(num / 100n ** BigInt(won.length));
            expect(m.payout).toBe(want);
            if (m.status === "won") expect(net).toBe(want - m.stake);
          }
        }
        // The books hold no open leg once every market is settled.
        for (const id of markets) {
          const exposure = (await call("GET", `/api/markets/${id}/exposure`, { token: admin })).json.exposure;
          expect(exposure.totalStake).toBe(0);
        }
      }),
      // A fixed seed, so the check that crashes fired never hangs on luck in CI; change it to explore other runs.
      { numRuns: 12, endOnFailure: true, seed: 20261204 },
    );
    // The crashes armed really happened (some runs arm none: at least one across the runs).
    expect(fired()).toBeGreaterThan(firedBefore);
  });
});
