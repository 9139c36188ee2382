// Model-based property test: random sequences of bets, retries, odds pushes,
// suspensions, in-play delays, settlements, voids and crashes. After every
// step the books are brought to rest (alarms run until no saga is in flight)
// and money is checked: every wallet equals its ledger and is never negative,
// every bet moved exactly what its one final status says, and the sum of
// wallets + open stakes + what the house kept equals what the punters began with.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FaultPoint } from "../../worker/betting/fault-points.ts";
import type { MarketHub } from "../../worker/market/market-hub.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";
import { adminSession, call, createMarket, punterSession } from "../helpers/api.ts";
import { betsOf, checkMoney, hubStub, walletStub } from "../helpers/money.ts";

const SELECTIONS = ["home", "draw", "away"] as const;
const PUNTERS = 3;
const MARKETS = 2;

type Op =
  | { kind: "bet"; p: number; m: number; sel: number; stake: number; accept: "exact" | "better" | "any"; stale: boolean; retry: boolean }
  | { kind: "odds"; m: number; sel: number; up: boolean }
  | { kind: "status"; m: number; status: "open" | "suspended"; inPlay: boolean }
  | { kind: "settle"; m: number; winner: number | null }
  | { kind: "crash"; target: "hub" | "wallet"; m: number; p: number; point: FaultPoint };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    kind: fc.constant("bet" as const),
    p: fc.nat(PUNTERS - 1),
    m: fc.nat(MARKETS - 1),
    sel: fc.nat(2),
    stake: fc.constantFrom(50, 100, 1_000, 9_999, 40_000, 99_000),
    accept: fc.constantFrom("exact" as const, "better" as const, "any" as const),
    stale: fc.boolean(),
    retry: fc.boolean(),
  }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("odds" as const), m: fc.nat(MARKETS - 1), sel: fc.nat(2), up: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({
    kind: fc.constant("status" as const),
    m: fc.nat(MARKETS - 1),
    status: fc.constantFrom("open" as const, "suspended" as const),
    inPlay: fc.boolean(),
  }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("settle" as const), m: fc.nat(MARKETS - 1), winner: fc.option(fc.nat(2), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({
    kind: fc.constant("crash" as const),
    target: fc.constantFrom("hub" as const, "wallet" as const),
    m: fc.nat(MARKETS - 1),
    p: fc.nat(PUNTERS - 1),
    point: fc.constantFrom<FaultPoint>("bet:recorded", "bet:debited", "bet:refund-due", "settle:paid", "wallet:committed"),
  }) },
);

async function bringToRest(marketIds: string[]) {
  for (const id of marketIds) {
    for (let i = 0; i < 8; i++) {
      // In-play delays are real time; the model makes them due now instead of waiting.
      await runInDurableObject(hubStub(id), (hub: MarketHub) => {
        for (const row of hub.store.betsInPhase("held")) hub.store.putBet({ ...row, dueAt: Date.now() - 1 });
      });
      await runDurableObjectAlarm(hubStub(id)).catch(() => false);
      if ((await betsOf(id)).every((b) => b.phase === "done")) break;
      if (i === 7) throw new Error(`market ${id} did not come to rest`);
    }
  }
}

describe("money under random sequences", () => {
  it("is conserved and every bet ends in exactly one state", async () => {
    const admin = await adminSession();
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 14 }), async (ops) => {
        const markets = [];
        for (let m = 0; m < MARKETS; m++) markets.push(await createMarket(admin));
        const punters = [];
        for (let p = 0; p < PUNTERS; p++) punters.push(await punterSession(`model-${p}`));
        const ids = markets.map((m) => m.id);
        const accounts = punters.map((p) => p.account.id);
        const lastBet: (Record<string, unknown> | null)[] = punters.map(() => null);
        let k = 0;

        for (const op of ops) {
          const market = markets[op.m];
          if (op.kind === "bet") {
            const p = punters[op.p];
            const current = (await call("GET", `/api/markets/${market.id}`)).json.market;
            const sel = current.selections[op.sel];
            const body =
              op.retry && lastBet[op.p]
                ? lastBet[op.p]!
                : { id: `model-${Date.now().toString(36)}-${k++}`, selectionId: sel.id, stake: op.stake, odds: op.stale ? 1.5 : sel.odds, accept: op.accept };
            lastBet[op.p] = body;
            const r = await call("POST", `/api/markets/${market.id}/bets`, { token: p.token, body });
            expect([200, 500]).toContain(r.status);
          } else if (op.kind === "odds") {
            const current = (await call("GET", `/api/markets/${market.id}`)).json.market;
            const odds = current.selections[op.sel].odds;
            const next = Math.round((op.up ? odds * 1.1 : odds / 1.1) * 100) / 100;
            await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { [SELECTIONS[op.sel]]: Math.min(Math.max(next, 1.01), 1000) } } });
          } else if (op.kind === "status") {
            await call("POST", `/api/markets/${market.id}/status`, {
              token: admin,
              body: { status: op.status, inPlay: op.inPlay, betDelayMs: op.inPlay ? 2000 : 0 },
            });
          } else if (op.kind === "settle") {
            const body = op.winner === null ? { void: true } : { winner: SELECTIONS[op.winner] };
            const r = await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body });
            expect([200, 409]).toContain(r.status);
          } else if (op.target === "hub") {
            await runInDurableObject(hubStub(market.id), (hub: MarketHub) => hub.faults.arm(op.point));
          } else {
            await runInDurableObject(walletStub(punters[op.p].account.id), (w: Wallet) => w.faults.arm(op.point));
          }

          await bringToRest(ids);
          const total = await checkMoney(accounts, ids);
          // Conservation across everyone: wallets + open stakes + what the house kept = the starting money.
          const bets = (await Promise.all(ids.map(betsOf))).flat();
          const open = bets.filter((b) => b.status === "accepted").reduce((s, b) => s + b.stake, 0);
          const kept = bets.reduce((s, b) => s + (b.status === "lost" ? b.stake : b.status === "won" ? b.stake - b.payout : 0), 0);
          expect(total + open + kept).toBe(PUNTERS * 100_000);
          for (const b of bets) seen.add(`${b.status}`);
        }
      }),
      { numRuns: 40, endOnFailure: true },
    );
  }, 120_000);
});
