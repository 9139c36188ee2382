// Multiples end to end inside workerd: the wallet coordinates, each leg's
// market takes or refuses its leg, results come back as the markets settle.
// Money is checked against the ledger after every story, crashes included.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { type FaultPoint, firedFaults } from "../../worker/platform/fault-points.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";
import { adminSession, call, createMarket, punterSession } from "../helpers/api.ts";
import { hubStub, ledgerOf, walletStub } from "../helpers/money.ts";

let n = 0;
const multipleId = () => `multi-${Date.now().toString(36)}-${++n}`;
const balance = async (token: string) => (await call("GET", "/api/me", { token })).json.account.balance;
const place = (token: string, body: unknown) => call("POST", "/api/multiples", { token, body });

async function setup(count = 3, overrides: Record<string, unknown> = {}) {
  const admin = await adminSession();
  const markets = await Promise.all(Array.from({ length: count }, () => createMarket(admin, overrides)));
  const punter = await punterSession();
  return { admin, markets, punter };
}

/** Home 2.50, draw 3.20, away 2.90 on three markets: product 23.2. */
const PICKS = [
  ["home", 2.5],
  ["draw", 3.2],
  ["away", 2.9],
] as const;
const legsOn = (markets: { id: string }[]) => markets.map((m, i) => ({ marketId: m.id, selectionId: PICKS[i % 3][0], odds: PICKS[i % 3][1] }));

/** Settle a market, then let its hub deliver the legs' results (its alarm, run until nothing is owed). */
async function settle(admin: string, marketId: string, outcome: { winner: string } | { void: true }) {
  const r = await call("POST", `/api/markets/${marketId}/settle`, { token: admin, body: outcome });
  expect(r.status).toBe(200);
  await deliver(marketId);
}
async function deliver(marketId: string) {
  for (let i = 0; i < 6; i++) {
    const owed = await runInDurableObject(hubStub(marketId), (hub: MarketHub) => hub.legs.nextDue());
    if (owed === null) return;
    // A delivery that failed waits a second before its retry: make it due now rather than wait.
    await runInDurableObject(hubStub(marketId), (hub: MarketHub) => {
      for (const leg of hub.legs.store.owed(Number.MAX_SAFE_INTEGER, 1000)) hub.legs.store.later(leg.account, leg.multipleId, Date.now() - 1);
    });
    await runDurableObjectAlarm(hubStub(marketId)).catch(() => false);
  }
  throw new Error(`hub ${marketId} still owes leg results`);
}
/** The account's multiples as GET /api/me/multiples shows them. */
const mine = async (token: string) => (await call("GET", "/api/me/multiples", { token })).json.multiples;

/** Balance equals the ledger, and each multiple moved exactly what its status says. */
async function checkMultiples(account: string) {
  const audit = await ledgerOf(account);
  expect(audit.balance).toBe(audit.ledgerSum);
  const records = await runInDurableObject(walletStub(account), (w: Wallet) => w.multiples.store.page(1000, null).records);
  for (const m of records) {
    const moved = audit.entries.filter((e) => e.key.endsWith(`:multiple:${m.id}`));
    const keys = moved.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    const net = moved.reduce((s, e) => s + e.amount, 0);
    const want = { accepted: -m.stake, lost: -m.stake, won: m.payout - m.stake, void: 0, rejected: 0 }[m.status as string];
    expect(want, `multiple ${m.id} ends ${m.status} in phase ${m.phase}`).toBeDefined();
    expect(net, `multiple ${m.id} (${m.status}) moved ${net}`).toBe(want);
  }
  return records;
}

describe("placing a multiple", () => {
  it("accepts a three-leg multiple at the legs' prices and pays floor(stake x product) once when all three win", async () => {
    const { admin, markets, punter } = await setup();
    const id = multipleId();
    const r = await place(punter.token, { id, stake: 333, legs: legsOn(markets) });
    expect(r.status).toBe(200);
    // 333 x 23.2 = 7725.6: the floor, exactly.
    expect(r.json.multiple).toMatchObject({ id, stake: 333, status: "accepted", odds: 23.2, payout: 7725 });
    expect(r.json.multiple.legs).toEqual(legsOn(markets));
    expect(await balance(punter.token)).toBe(100_000 - 333);
    for (const [i, m] of markets.entries()) await settle(admin, m.id, { winner: PICKS[i][0] });
    expect(await balance(punter.token)).toBe(100_000 - 333 + 7725);
    const [listed] = await mine(punter.token);
    expect(listed).toMatchObject({ id, status: "won", payout: 7725, legs: PICKS.map(() => ({ result: "won" })) });
    expect(listed.settledAt).toBeGreaterThanOrEqual(listed.placedAt);
    // A repeated delivery (the hub's outbox retried) pays nothing more.
    await runInDurableObject(walletStub(punter.account.id), (w: Wallet) => w.multipleLegResult(id, markets[0].id, "won"));
    expect(await balance(punter.token)).toBe(100_000 - 333 + 7725);
    const statement = (await call("GET", "/api/me/statement", { token: punter.token })).json.entries;
    expect(statement.slice(0, 2)).toMatchObject([
      { kind: "payout", amount: 7725, ref: `multiple:${id}` },
      { kind: "stake", amount: -333, ref: `multiple:${id}` },
    ]);
    await checkMultiples(punter.account.id);
  });

  it("answers the same id with the same multiple, one debit, and refuses it with another body", async () => {
    const { markets, punter } = await setup(2);
    const body = { id: multipleId(), stake: 500, legs: legsOn(markets) };
    const first = await place(punter.token, body);
    const again = await place(punter.token, body);
    expect(again.json).toEqual(first.json);
    const other = await place(punter.token, { ...body, stake: 600 });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe("ID_REUSED");
    expect(await balance(punter.token)).toBe(99_500);
    expect(await mine(punter.token)).toHaveLength(1);
    await checkMultiples(punter.account.id);
  });

  it("rejects a multiple whose leg's odds moved (exact) and moves no money net", async () => {
    const { admin, markets, punter } = await setup();
    await call("POST", `/api/markets/${markets[2].id}/odds`, { token: admin, body: { odds: { away: 2.7 } } });
    const r = await place(punter.token, { id: multipleId(), stake: 1000, legs: legsOn(markets) });
    expect(r.json.multiple).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED", payout: 0 });
    expect(await balance(punter.token)).toBe(100_000);
    const audit = await ledgerOf(punter.account.id);
    // The stake and its refund: one row each, net nothing.
    expect(audit.entries.filter((e) => e.key.includes(":multiple:")).map((e) => e.amount).sort()).toEqual([-1000, 1000]);
    // The legs the other markets took no longer count in their books.
    const exposure = (await call("GET", `/api/markets/${markets[0].id}/exposure`, { token: admin })).json.exposure;
    expect(exposure.totalStake).toBe(0);
    await checkMultiples(punter.account.id);
  });

  it("rejects a multiple with a leg on a suspended market, and takes the better price where allowed", async () => {
    const { admin, markets, punter } = await setup();
    await call("POST", `/api/markets/${markets[1].id}/status`, { token: admin, body: { status: "suspended" } });
    const r = await place(punter.token, { id: multipleId(), stake: 1000, legs: legsOn(markets) });
    expect(r.json.multiple).toMatchObject({ status: "rejected", reason: "MARKET_SUSPENDED" });
    expect(await balance(punter.token)).toBe(100_000);
    await call("POST", `/api/markets/${markets[1].id}/status`, { token: admin, body: { status: "open" } });
    await call("POST", `/api/markets/${markets[0].id}/odds`, { token: admin, body: { odds: { home: 2.6 } } });
    const better = await place(punter.token, { id: multipleId(), stake: 1000, legs: legsOn(markets), accept: "better" });
    // 2.6 x 3.2 x 2.9 = 24.128.
    expect(better.json.multiple).toMatchObject({ status: "accepted", odds: 24.128, payout: 24128 });
    expect(better.json.multiple.legs[0].odds).toBe(2.6);
    await checkMultiples(punter.account.id);
  });

  it("refuses a leg on a market in play with a bet delay", async () => {
    const { admin, markets, punter } = await setup(2);
    await call("POST", `/api/markets/${markets[1].id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 2000 } });
    const r = await place(punter.token, { id: multipleId(), stake: 1000, legs: legsOn(markets) });
    expect(r.json.multiple).toMatchObject({ status: "rejected", reason: "MARKET_CLOSED" });
    expect(await balance(punter.token)).toBe(100_000);
  });

  it("applies the account's stake per bet limit to the multiple's stake, with no money moved", async () => {
    const { markets, punter } = await setup(2);
    await call("PUT", "/api/me/limits", { token: punter.token, body: { stakePerBet: 500 } });
    const r = await place(punter.token, { id: multipleId(), stake: 501, legs: legsOn(markets) });
    expect(r.json.multiple).toMatchObject({ status: "rejected", reason: "LIMIT_REACHED" });
    expect(await balance(punter.token)).toBe(100_000);
    expect((await ledgerOf(punter.account.id)).entries).toHaveLength(1);
  });

  it("counts the multiple's stake in the day's losses, and refuses a self-excluded account, with no money moved", async () => {
    const { markets, punter } = await setup(2);
    await call("PUT", "/api/me/limits", { token: punter.token, body: { lossPerDay: 1500 } });
    expect((await place(punter.token, { id: multipleId(), stake: 1000, legs: legsOn(markets) })).json.multiple.status).toBe("accepted");
    expect((await place(punter.token, { id: multipleId(), stake: 501, legs: legsOn(markets) })).json.multiple).toMatchObject({ status: "rejected", reason: "LIMIT_REACHED" });
    await call("POST", "/api/me/exclusion", { token: punter.token, body: { days: 1 } });
    expect((await place(punter.token, { id: multipleId(), stake: 100, legs: legsOn(markets) })).json.multiple).toMatchObject({ status: "rejected", reason: "SELF_EXCLUDED" });
    expect(await balance(punter.token)).toBe(99_000);
    await checkMultiples(punter.account.id);
  });

  it("answers 400 to bad bodies and changes nothing", async () => {
    const { markets, punter } = await setup(3);
    const [a, b] = legsOn(markets);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ marketId: `m-eleven-${i}`, selectionId: "home", odds: 2 }));
    const bodies = [
      { id: multipleId(), stake: 100, legs: [a] },
      { id: multipleId(), stake: 100, legs: eleven },
      { id: multipleId(), stake: 100, legs: [a, { ...a, selectionId: "draw" }] },
      { id: multipleId(), stake: 100.5, legs: [a, b] },
      { id: "short", stake: 100, legs: [a, b] },
      { id: multipleId(), stake: 100, legs: [a, { ...b, odds: 2.345 }] },
    ];
    for (const body of bodies) {
      const r = await place(punter.token, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.code).toBe("INVALID");
    }
    expect(await balance(punter.token)).toBe(100_000);
    expect(await mine(punter.token)).toEqual([]);
    const unknown = await place(punter.token, { id: multipleId(), stake: 100, legs: [a, { ...b, marketId: "no-such-market-here" }] });
    expect(unknown.status).toBe(404);
  });

  it("describes both routes in the OpenAPI document, with the multiple's schema", async () => {
    const paths = (await call("GET", "/api/openapi.json")).json.paths;
    expect(Object.keys(paths["/api/multiples"])).toEqual(["post"]);
    expect(Object.keys(paths["/api/me/multiples"])).toEqual(["get"]);
    expect(JSON.stringify(paths["/api/multiples"].post)).toMatch(/selectionId/);
  });

  it("pages the account's multiples newest first with an opaque cursor", async () => {
    const { markets, punter } = await setup(2);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(multipleId());
      await place(punter.token, { id: ids[i], stake: 100, legs: legsOn(markets) });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await call("GET", `/api/me/multiples?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: punter.token })).json;
      seen.push(...page.multiples.map((m: { id: string }) => m.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await call("GET", "/api/me/multiples?cursor=nonsense!", { token: punter.token })).status).toBe(400);
  });
});

describe("settling a multiple as its legs settle", () => {
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  // Each case: what each market's settlement is, and what the multiple of 1000 on home/draw/away ends as.
  const cases = [
    { name: "all won", results: ["won", "won", "won"], status: "won", payout: 23200 },
    { name: "one void (counted 1.00)", results: ["won", "void", "won"], status: "won", payout: 7250 },
    { name: "two void", results: ["void", "won", "void"], status: "won", payout: 3200 },
    { name: "all void (stake back)", results: ["void", "void", "void"], status: "void", payout: 1000 },
    { name: "one lost", results: ["won", "won", "lost"], status: "lost", payout: 0 },
  ] as const;
  for (const c of cases) {
    it(`pays exactly once in every order of settlement: ${c.name}`, async () => {
      const { admin, punter } = await setup(0);
      for (const order of orders) {
        const markets = await Promise.all([0, 1, 2].map(() => createMarket(admin)));
        const id = multipleId();
        const before = await balance(punter.token);
        expect((await place(punter.token, { id, stake: 1000, legs: legsOn(markets) })).json.multiple.status).toBe("accepted");
        for (const i of order) {
          const result = c.results[i];
          await settle(admin, markets[i].id, result === "void" ? { void: true } : { winner: result === "won" ? PICKS[i][0] : "draw" === PICKS[i][0] ? "home" : "draw" });
        }
        const m = (await mine(punter.token)).find((x: { id: string }) => x.id === id);
        expect(m, `order ${order}`).toMatchObject({ status: c.status, payout: c.payout });
        expect(await balance(punter.token), `order ${order}`).toBe(before - 1000 + c.payout);
      }
      await checkMultiples(punter.account.id);
    });
  }

  it("is lost as soon as one leg loses, with the other markets still open", async () => {
    const { admin, markets, punter } = await setup();
    const id = multipleId();
    await place(punter.token, { id, stake: 1000, legs: legsOn(markets) });
    await settle(admin, markets[1].id, { winner: "home" });
    const [m] = await mine(punter.token);
    expect(m).toMatchObject({ id, status: "lost", payout: 0 });
    expect(m.legs.map((l: { result?: string }) => l.result)).toEqual([undefined, "lost", undefined]);
    await settle(admin, markets[0].id, { winner: "home" });
    await settle(admin, markets[2].id, { winner: "away" });
    expect(await balance(punter.token)).toBe(99_000);
    await checkMultiples(punter.account.id);
  });
});

describe("the trader's exposure", () => {
  it("counts each accepted leg on its selection: the multiple's stake, and its potential payout as liability", async () => {
    const { admin, markets, punter } = await setup();
    await call("POST", `/api/markets/${markets[0].id}/bets`, { token: punter.token, body: { id: multipleId(), selectionId: "home", stake: 1000, odds: 2.5 } });
    await place(punter.token, { id: multipleId(), stake: 333, legs: legsOn(markets) });
    const exposure = (await call("GET", `/api/markets/${markets[0].id}/exposure`, { token: admin })).json.exposure;
    expect(exposure.totalStake).toBe(1333);
    expect(exposure.selections.find((s: { id: string }) => s.id === "home")).toEqual({ id: "home", bets: 2, stake: 1333, payout: 2500 + 7725, profitIfWins: 1333 - 2500 - 7725 });
    expect(exposure.selections.find((s: { id: string }) => s.id === "draw")).toMatchObject({ bets: 0, stake: 0, payout: 0, profitIfWins: 1333 });
    // Settled, the leg leaves the open book.
    await settle(admin, markets[0].id, { winner: "home" });
    const after = (await call("GET", `/api/markets/${markets[0].id}/exposure`, { token: admin })).json.exposure;
    expect(after.totalStake).toBe(0);
  });

  it("no longer counts a multiple lost on one leg on its other legs' markets, and pays nothing when they settle later (a hostile review's finding)", async () => {
    const { admin, markets, punter } = await setup();
    const placed = await place(punter.token, { id: multipleId(), stake: 1000, legs: legsOn(markets.slice(0, 2)) });
    expect(placed.json.multiple.status).toBe("accepted");
    await settle(admin, markets[0].id, { winner: "away" });
    expect((await call("GET", "/api/me/multiples", { token: punter.token })).json.multiples[0].status).toBe("lost");
    const open = (await call("GET", `/api/markets/${markets[1].id}/exposure`, { token: admin })).json.exposure;
    expect(open.totalStake).toBe(0);
    expect(open.selections.every((x: { bets: number; stake: number; payout: number }) => x.bets === 0 && x.stake === 0 && x.payout === 0)).toBe(true);
    const before = (await call("GET", "/api/me", { token: punter.token })).json.account.balance;
    await settle(admin, markets[1].id, { winner: legsOn(markets)[1].selectionId });
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(before);
    expect((await call("GET", "/api/me/multiples", { token: punter.token })).json.multiples[0]).toMatchObject({ status: "lost", payout: 0 });
  });
});

describe("a crash in the middle of a multiple", () => {
  const fired = (point: FaultPoint) => firedFaults.get(point) ?? 0;
  const arm = (account: string, point: FaultPoint) => runInDurableObject(walletStub(account), (w: Wallet) => w.faults.arm(point));
  /** Run the wallet's alarm until its multiples have no saga work left (bounded). */
  async function finish(account: string) {
    for (let i = 0; i < 6; i++) {
      await runDurableObjectAlarm(walletStub(account)).catch(() => false);
      const left = await runInDurableObject(walletStub(account), (w: Wallet) => w.multiples.store.unfinished().length);
      if (left === 0) return;
    }
    throw new Error("the wallet did not finish its multiples");
  }

  for (const point of ["multiple:recorded", "multiple:leg"] as const) {
    it(`finishes a multiple whose wallet crashed at ${point} on the next alarm, debiting once`, async () => {
      const { admin, markets, punter } = await setup();
      const before = fired(point);
      await arm(punter.account.id, point);
      const body = { id: multipleId(), stake: 1000, legs: legsOn(markets) };
      const crashed = await place(punter.token, body);
      expect(crashed.status).toBe(500);
      expect(JSON.stringify(crashed.json)).not.toMatch(/fault injected|\.ts:/);
      expect(fired(point)).toBe(before + 1);
      await finish(punter.account.id);
      const again = await place(punter.token, body);
      expect(again.json.multiple).toMatchObject({ status: "accepted", payout: 23200 });
      expect(await balance(punter.token)).toBe(99_000);
      for (const [i, m] of markets.entries()) await settle(admin, m.id, { winner: PICKS[i][0] });
      expect(await balance(punter.token)).toBe(99_000 + 23200);
      await checkMultiples(punter.account.id);
    });
  }

  it("answers pending when a market's answer to a leg is lost, and the alarm finishes it at that market's first answer", async () => {
    const { admin, markets, punter } = await setup();
    const before = fired("leg:answered");
    await runInDurableObject(hubStub(markets[1].id), (hub: MarketHub) => hub.faults.arm("leg:answered"));
    const body = { id: multipleId(), stake: 1000, legs: legsOn(markets) };
    const first = await place(punter.token, body);
    expect(first.status).toBe(200);
    expect(first.json.multiple).toMatchObject({ status: "pending", payout: 0 });
    expect(fired("leg:answered")).toBe(before + 1);
    expect(await balance(punter.token)).toBe(99_000);
    // The price moves after the market took the leg: asked again, the market answers as it first did.
    await call("POST", `/api/markets/${markets[1].id}/odds`, { token: admin, body: { odds: { draw: 3.5 } } });
    await finish(punter.account.id);
    expect((await place(punter.token, body)).json.multiple).toMatchObject({ status: "accepted", odds: 23.2, payout: 23200 });
    const legs = await runInDurableObject(hubStub(markets[1].id), (hub: MarketHub) => hub.legs.store.all());
    expect(legs.map((l) => [l.status, l.odds])).toEqual([["accepted", 320]]);
    await checkMultiples(punter.account.id);
  });

  it("finishes a rejection whose wallet crashed between leg answers: refunded once, the taken leg released", async () => {
    const { admin, markets, punter } = await setup();
    await call("POST", `/api/markets/${markets[2].id}/status`, { token: admin, body: { status: "suspended" } });
    await arm(punter.account.id, "multiple:leg");
    const body = { id: multipleId(), stake: 1000, legs: legsOn(markets) };
    expect((await place(punter.token, body)).status).toBe(500);
    await finish(punter.account.id);
    expect((await place(punter.token, body)).json.multiple).toMatchObject({ status: "rejected", reason: "MARKET_SUSPENDED" });
    expect(await balance(punter.token)).toBe(100_000);
    const legs = await runInDurableObject(hubStub(markets[0].id), (hub: MarketHub) => hub.legs.store.all());
    expect(legs.map((l) => l.status)).toEqual(["released"]);
    await checkMultiples(punter.account.id);
  });

  it("pays once when the wallet crashed between a deciding result and the credit", async () => {
    const { admin, markets, punter } = await setup();
    const id = multipleId();
    await place(punter.token, { id, stake: 1000, legs: legsOn(markets) });
    await settle(admin, markets[0].id, { winner: "home" });
    await settle(admin, markets[1].id, { winner: "draw" });
    const before = fired("multiple:result");
    await arm(punter.account.id, "multiple:result");
    await call("POST", `/api/markets/${markets[2].id}/settle`, { token: admin, body: { winner: "away" } });
    await runDurableObjectAlarm(hubStub(markets[2].id)).catch(() => false);
    expect(fired("multiple:result")).toBe(before + 1);
    await finish(punter.account.id);
    await deliver(markets[2].id);
    expect(await balance(punter.token)).toBe(99_000 + 23200);
    expect((await mine(punter.token))[0]).toMatchObject({ id, status: "won", payout: 23200 });
    await checkMultiples(punter.account.id);
  });
});
