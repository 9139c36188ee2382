// Live cash out in workerd: values on the socket (to the holder only, null
// while not open, conflated per bet), requests over HTTP and the socket
// (idempotent, exact and better, partial, in play), one ledger entry per
// cash out, crashes at the money points, and races with suspension and
// settlement that end one way or the other.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { type FaultPoint, firedFaults } from "../../worker/platform/fault-points.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";
import { type TestSocket, adminSession, call, createMarket, mustOpen, punterSession } from "../helpers/api.ts";
import { betsOf, cashOutsOf, checkMoney, holdWalletAnswer, hubStub, ledgerOf, walletStub } from "../helpers/money.ts";

let n = 0;
const newId = (p = "co") => `${p}-${Date.now().toString(36)}-${++n}`;
const hundredths = (odds: number) => BigInt(Math.round(odds * 100));
/** The contract's formula, written again here as the oracle: floor(stake x taken / current x 0.95), in integers. */
const oracle = (stake: number, taken: number, current: number) => Number((BigInt(stake) * hundredths(taken) * 95n) / (hundredths(current) * 100n));
const balance = async (token: string) => (await call("GET", "/api/me", { token })).json.account.balance as number;
const cashOut = (token: string, marketId: string, betId: string, body: Record<string, unknown>) =>
  call("POST", `/api/markets/${marketId}/bets/${betId}/cashout`, { token, body: { id: newId("req"), ...body } });

async function setup(overrides: Record<string, unknown> = {}) {
  const admin = await adminSession();
  const market = await createMarket(admin, overrides);
  const punter = await punterSession();
  return { admin, market, punter };
}

async function placeBet(token: string, marketId: string, stake = 1000, odds = 2.5, selectionId = "home") {
  const id = newId("bet");
  const r = await call("POST", `/api/markets/${marketId}/bets`, { token, body: { id, selectionId, stake, odds } });
  expect(r.json).toMatchObject({ id, status: "accepted" });
  return id;
}

const push = (admin: string, marketId: string, odds: Record<string, number>) => call("POST", `/api/markets/${marketId}/odds`, { token: admin, body: { odds } });

/** The next cash out value frame for this bet (skipping other frames). */
async function nextValue(ws: TestSocket, betId: string): Promise<number | null> {
  for (;;) {
    const f = (await ws.next("cashout")) as { betId: string; value: number | null; status?: string };
    if (f.betId === betId && f.status === undefined) return f.value;
  }
}

/** Run the hub's alarm until no cash out has work left (bounded). */
async function finishCashOuts(marketId: string) {
  for (let i = 0; i < 6; i++) {
    await runDurableObjectAlarm(hubStub(marketId)).catch(() => false);
    const rows = await cashOutsOf(marketId);
    const bets = await betsOf(marketId);
    if (rows.every((r) => r.phase === "done") && bets.every((b) => b.phase === "done")) return rows;
  }
  throw new Error("the hub did not finish its cash outs");
}

/** Held cash outs due now, as the delay ending would. */
const endDelay = (marketId: string) =>
  runInDurableObject(hubStub(marketId), (hub: MarketHub) => {
    for (const row of hub.cashouts.all()) if (row.phase === "held") hub.cashouts.put({ ...row, dueAt: Date.now() - 1 });
  });

describe("cash out values", () => {
  const table: [number, number][] = [
    [2.3, 4.35],
    [4.35, 2.3],
    [1.01, 1000],
    [1000, 1.01],
    [1.1, 2.3],
    [2.3, 1.1],
    [1000, 1000],
    [1.01, 1.1],
  ];
  for (const [taken, current] of table) {
    it(`shows and credits floor(stake x ${taken} / ${current} x 0.95) for a bet taken at ${taken} when the odds are ${current}`, async () => {
      const { admin, market, punter } = await setup({ selections: [{ id: "home", name: "Home", odds: taken }], maxPayout: 100_000_000 });
      const stake = 9_999;
      const betId = await placeBet(punter.token, market.id, stake, taken);
      const ws = await mustOpen(market.id, { token: punter.token });
      await ws.next("snapshot");
      // On connecting, after the snapshot: the value at the odds it was taken at.
      expect(await nextValue(ws, betId)).toBe(oracle(stake, taken, taken));
      if (current !== taken) {
        await push(admin, market.id, { home: current });
        expect(await nextValue(ws, betId)).toBe(oracle(stake, taken, current));
      }
      const want = oracle(stake, taken, current);
      const before = await balance(punter.token);
      const r = await cashOut(punter.token, market.id, betId, { value: want });
      expect(r.json).toMatchObject({ betId, status: "done", value: want, bet: { status: "cashed_out", payout: want } });
      expect((await balance(punter.token)) - before).toBe(want);
      const entries = (await ledgerOf(punter.account.id)).entries.filter((e) => e.kind === "cashout");
      expect(entries.map((e) => e.amount)).toEqual([want]);
      ws.close();
      await checkMoney([punter.account.id], [market.id]);
    });
  }

  it("sends values only to the sockets of the account holding the bet, and null while the market is suspended", async () => {
    const { admin, market, punter } = await setup();
    const other = await punterSession("other");
    const betId = await placeBet(punter.token, market.id);
    const mine = await mustOpen(market.id, { token: punter.token });
    const theirs = await mustOpen(market.id, { token: other.token });
    const viewer = await mustOpen(market.id);
    await mine.next("snapshot");
    expect(await nextValue(mine, betId)).toBe(oracle(1000, 2.5, 2.5));
    await push(admin, market.id, { home: 3 });
    expect(await mine.next("odds")).toMatchObject({ odds: { home: 3 } });
    expect(await nextValue(mine, betId)).toBe(oracle(1000, 2.5, 3));
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    const suspendedSeq = (await mine.next("status")).seq;
    const frame = await mine.next("cashout");
    expect(frame).toEqual({ type: "cashout", betId, value: null, seq: suspendedSeq });
    const refused = await cashOut(punter.token, market.id, betId, { value: oracle(1000, 2.5, 3) });
    expect(refused.json).toMatchObject({ status: "rejected", reason: "MARKET_SUSPENDED" });
    // The other punter and the viewer saw the odds and the status, and no cash out frame at all.
    await theirs.next("status");
    await viewer.next("status");
    for (const ws of [theirs, viewer]) expect(ws.frames.filter((f) => typeof f !== "string" && f.type === "cashout")).toEqual([]);
    for (const ws of [mine, theirs, viewer]) ws.close();
  });

  it("keeps sending values after the hub hibernates, from the open bets it reads back from SQLite", async () => {
    const { admin, market, punter } = await setup();
    const betId = await placeBet(punter.token, market.id);
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    await nextValue(ws, betId);
    // The instance and its memory go; the socket stays open.
    await evictDurableObject(hubStub(market.id));
    await push(admin, market.id, { home: 3.1 });
    expect(await nextValue(ws, betId)).toBe(oracle(1000, 2.5, 3.1));
    ws.close();
  });

  it("sends the value at the latest odds last when the odds move many times in a row", async () => {
    const { admin, market, punter } = await setup();
    const betId = await placeBet(punter.token, market.id);
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    await nextValue(ws, betId);
    const prices = [2.6, 2.7, 2.8, 2.9, 3, 3.1, 3.2, 3.3, 3.4, 3.5];
    for (const p of prices) await push(admin, market.id, { home: p });
    // Conflated (the window itself is proved with a clock in test/unit/cashout-values.test.ts): the latest value arrives.
    let value = await nextValue(ws, betId);
    while (value !== oracle(1000, 2.5, 3.5)) value = await nextValue(ws, betId);
    const values = ws.frames.filter((f) => typeof f !== "string" && f.type === "cashout");
    expect(values.length).toBeLessThanOrEqual(1 + prices.length);
    ws.close();
  });
});

describe("cash out requests", () => {
  it("answers the same id with the same answer over HTTP and the socket, crediting once, and refuses the id for another request", async () => {
    const { market, punter } = await setup();
    const betId = await placeBet(punter.token, market.id);
    const value = oracle(1000, 2.5, 2.5);
    const body = { id: newId("same"), value };
    const first = await cashOut(punter.token, market.id, betId, body);
    const again = await cashOut(punter.token, market.id, betId, body);
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    ws.send({ type: "cashout", betId, ...body });
    let socketAnswer: any;
    do socketAnswer = await ws.next("cashout");
    while (socketAnswer.status === undefined);
    expect(first.json).toMatchObject({ id: body.id, betId, status: "done", value });
    expect(again.json).toEqual(first.json);
    expect(socketAnswer).toEqual(first.json);
    const reused = await cashOut(punter.token, market.id, betId, { ...body, accept: "better" });
    expect(reused.json).toMatchObject({ id: body.id, status: "rejected", reason: "ID_REUSED" });
    expect(await balance(punter.token)).toBe(100_000 - 1000 + value);
    expect((await ledgerOf(punter.account.id)).entries.filter((e) => e.kind === "cashout")).toHaveLength(1);
    const statement = (await call("GET", "/api/me/statement", { token: punter.token })).json.entries;
    expect(statement[0]).toMatchObject({ kind: "cashout", amount: value, ref: `${market.id}/${betId}/${body.id}` });
    ws.close();
    await checkMoney([punter.account.id], [market.id]);
  });

  it("refuses exact when the odds moved, naming the current value, and takes better at the current value", async () => {
    const { admin, market, punter } = await setup();
    const betId = await placeBet(punter.token, market.id);
    const seen = oracle(1000, 2.5, 2.5);
    await push(admin, market.id, { home: 2.2 });
    const now = oracle(1000, 2.5, 2.2);
    const exact = await cashOut(punter.token, market.id, betId, { value: seen });
    expect(exact.json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED", value: now });
    await push(admin, market.id, { home: 2.8 });
    const lower = oracle(1000, 2.5, 2.8);
    const worse = await cashOut(punter.token, market.id, betId, { value: seen, accept: "better" });
    expect(worse.json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED", value: lower });
    await push(admin, market.id, { home: 2.2 });
    const better = await cashOut(punter.token, market.id, betId, { value: seen, accept: "better" });
    expect(better.json).toMatchObject({ status: "done", value: now });
    expect(await balance(punter.token)).toBe(100_000 - 1000 + now);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("refuses another account's bet, an unknown bet and a bet already cashed out as NOT_OPEN_BET", async () => {
    const { market, punter } = await setup();
    const other = await punterSession("other");
    const betId = await placeBet(punter.token, market.id);
    const value = oracle(1000, 2.5, 2.5);
    expect((await cashOut(other.token, market.id, betId, { value })).json).toMatchObject({ status: "rejected", reason: "NOT_OPEN_BET" });
    expect((await cashOut(punter.token, market.id, "no-such-bet", { value })).json).toMatchObject({ status: "rejected", reason: "NOT_OPEN_BET" });
    expect((await cashOut(punter.token, market.id, betId, { value })).json).toMatchObject({ status: "done" });
    expect((await cashOut(punter.token, market.id, betId, { value })).json).toMatchObject({ status: "rejected", reason: "NOT_OPEN_BET" });
    expect(await balance(other.token)).toBe(100_000);
    await checkMoney([punter.account.id, other.account.id], [market.id]);
  });

  for (const outcome of [{ winner: "home" }, { void: true }] as const) {
    it(`cashes out part of a stake, leaves the rest open at its odds and settles the rest right (${"void" in outcome ? "void" : "won"})`, async () => {
      const { admin, market, punter } = await setup();
      const betId = await placeBet(punter.token, market.id, 1000, 2.5);
      await push(admin, market.id, { home: 2 });
      const value = oracle(400, 2.5, 2);
      const part = await cashOut(punter.token, market.id, betId, { value, stake: 400 });
      expect(part.json).toMatchObject({ status: "done", value, stake: 400, bet: { status: "accepted", stake: 600, payout: 1500 } });
      const exposure = (await call("GET", `/api/markets/${market.id}/exposure`, { token: admin })).json.exposure;
      expect(exposure.totalStake).toBe(600);
      expect(exposure.cashedOut).toEqual({ count: 1, stake: 400, value });
      expect(exposure.selections[0]).toMatchObject({ id: "home", stake: 600, payout: 1500, profitIfWins: 600 - 1500 + 400 - value });
      await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: outcome });
      await finishCashOuts(market.id);
      const back = "void" in outcome ? 600 : 1500;
      expect(await balance(punter.token)).toBe(100_000 - 1000 + value + back);
      await checkMoney([punter.account.id], [market.id]);
    });
  }

  it("in play answers pending, then done over the socket once the delay ends with the market unchanged", async () => {
    const { admin, market, punter } = await setup();
    const betId = await placeBet(punter.token, market.id);
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 5000 } });
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    const value = await nextValue(ws, betId);
    const pending = await cashOut(punter.token, market.id, betId, { value });
    expect(pending.json).toMatchObject({ status: "pending" });
    await endDelay(market.id);
    await runDurableObjectAlarm(hubStub(market.id));
    let final: any;
    do final = await ws.next("cashout");
    while (final.status === undefined);
    expect(final).toMatchObject({ id: pending.json.id, status: "done", value });
    expect(await balance(punter.token)).toBe(100_000 - 1000 + (value ?? 0));
    ws.close();
    await checkMoney([punter.account.id], [market.id]);
  });
});

describe("the cash out route in the OpenAPI document", () => {
  it("describes POST /api/markets/{id}/bets/{betId}/cashout with its body and answer", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    const op = doc.paths["/api/markets/{id}/bets/{betId}/cashout"]?.post;
    expect(op).toBeDefined();
    expect(JSON.stringify(op.requestBody)).toMatch(/"value"/);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "401", "404", "429"]));
  });
});

describe("cash out races", () => {
  it("a cash out held in its delay while the market is suspended and reopened is refused, and the bet settles normally", async () => {
    const { admin, market, punter } = await setup();
    const betId = await placeBet(punter.token, market.id);
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 5000 } });
    const pending = await cashOut(punter.token, market.id, betId, { value: oracle(1000, 2.5, 2.5) });
    expect(pending.json.status).toBe("pending");
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open" } });
    await endDelay(market.id);
    await runDurableObjectAlarm(hubStub(market.id));
    const final = await cashOut(punter.token, market.id, betId, { id: pending.json.id, value: oracle(1000, 2.5, 2.5) });
    expect(final.json).toMatchObject({ status: "rejected", reason: "MARKET_SUSPENDED" });
    await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "home" } });
    await finishCashOuts(market.id);
    expect(await balance(punter.token)).toBe(100_000 - 1000 + 2500);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("a cash out held in its delay when the market settles is refused MARKET_CLOSED and the bet is paid once", async () => {
    const { admin, market, punter } = await setup();
    const betId = await placeBet(punter.token, market.id);
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 5000 } });
    const pending = await cashOut(punter.token, market.id, betId, { value: oracle(1000, 2.5, 2.5) });
    await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "home" } });
    // No waiting out the delay: the settlement makes the held cash out due at once.
    const rows = await finishCashOuts(market.id);
    expect(rows).toMatchObject([{ id: pending.json.id, status: "rejected", reason: "MARKET_CLOSED" }]);
    expect(await balance(punter.token)).toBe(100_000 - 1000 + 2500);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("a cash out decided while its credit is still at the wallet is left alone by the settlement that lands meanwhile", async () => {
    const { admin, market, punter } = await setup();
    const betId = await placeBet(punter.token, market.id);
    const value = oracle(1000, 2.5, 2.5);
    const hold = await holdWalletAnswer(punter.account.id);
    const answer = cashOut(punter.token, market.id, betId, { value });
    await hold.reached();
    const settled = await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "home" } });
    expect(settled.status).toBe(200);
    await hold.release();
    expect((await answer).json).toMatchObject({ status: "done", value });
    await finishCashOuts(market.id);
    expect((await betsOf(market.id)).map((b) => b.status)).toEqual(["cashed_out"]);
    expect(await balance(punter.token)).toBe(100_000 - 1000 + value);
    await checkMoney([punter.account.id], [market.id]);
  });
});

describe("a crash in the middle of a cash out", () => {
  const fired = (point: FaultPoint) => firedFaults.get(point) ?? 0;
  for (const [where, point] of [
    ["the hub, after marking the bet and before calling the wallet", "cashout:decided"],
    ["the hub, after the wallet credited and before recording it", "cashout:credited"],
    ["the wallet, after crediting and before answering", "wallet:committed"],
  ] as const) {
    it(`credits exactly once when ${where} crashes`, async () => {
      const { market, punter } = await setup();
      const betId = await placeBet(punter.token, market.id);
      const value = oracle(1000, 2.5, 2.5);
      const before = fired(point);
      if (point === "wallet:committed") await runInDurableObject(walletStub(punter.account.id), (w: Wallet) => w.faults.arm(point));
      else await runInDurableObject(hubStub(market.id), (hub: MarketHub) => hub.faults.arm(point));
      const body = { id: newId("crash"), value };
      await cashOut(punter.token, market.id, betId, body);
      expect(fired(point)).toBe(before + 1);
      await finishCashOuts(market.id);
      const again = await cashOut(punter.token, market.id, betId, body);
      expect(again.json).toMatchObject({ status: "done", value, bet: { status: "cashed_out" } });
      expect(await balance(punter.token)).toBe(100_000 - 1000 + value);
      expect((await ledgerOf(punter.account.id)).entries.filter((e) => e.kind === "cashout")).toHaveLength(1);
      await checkMoney([punter.account.id], [market.id]);
    });
  }

  it("finishes the money right when the stake's debit crashed before the hub recorded it, then the bet is cashed out", async () => {
    const { market, punter } = await setup();
    await runInDurableObject(hubStub(market.id), (hub: MarketHub) => hub.faults.arm("bet:debited"));
    const id = newId("bet");
    await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: { id, selectionId: "home", stake: 1000, odds: 2.5 } });
    await finishCashOuts(market.id);
    const value = oracle(1000, 2.5, 2.5);
    expect((await cashOut(punter.token, market.id, id, { value })).json).toMatchObject({ status: "done", value });
    expect(await balance(punter.token)).toBe(100_000 - 1000 + value);
    await checkMoney([punter.account.id], [market.id]);
  });
});
