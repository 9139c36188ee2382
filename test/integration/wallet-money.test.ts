// The account's own money, in workerd: deposits and withdrawals once per id,
// the paged statement, limits (lower at once, higher after 24 h) enforced by
// the wallet where the stake is taken, also when bets race for the last of a
// limit from several sockets, and self-exclusion refusing bets, deposits, new
// sessions and a bet already waiting out its in-play delay. Guest sessions
// throughout, a registered account where sessions matter. Time is the
// wallet's injectable clock, moved through runInDurableObject.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { DAY_MS } from "../../worker/rules/limits.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";
import { type TestSocket, adminSession, call, createMarket, mustOpen, punterSession, uniqueId } from "../helpers/api.ts";
import { betsOf, checkMoney, hubStub, ledgerOf, walletStub } from "../helpers/money.ts";

const START = 100_000;
let n = 0;
const rid = (what = "req") => `${what}-${Date.now().toString(36)}-${++n}`;

const deposit = (token: string, body: Record<string, unknown>) => call("POST", "/api/me/deposit", { token, body });
const withdraw = (token: string, body: Record<string, unknown>) => call("POST", "/api/me/withdraw", { token, body });
const balanceOf = async (token: string) => (await call("GET", "/api/me", { token })).json.account.balance as number;
const bet = (token: string, marketId: string, body: Record<string, unknown> = {}) =>
  call("POST", `/api/markets/${marketId}/bets`, { token, body: { id: rid("bet"), selectionId: "home", stake: 1000, odds: 2.5, ...body } });

/** Move the account's wallet clock `ms` ahead of real time (0 puts it back). */
async function shiftClock(account: string, ms: number) {
  await runInDurableObject(walletStub(account), (w: Wallet) => {
    w.now = () => Date.now() + ms;
  });
}

/** A market in play with a 30 s bet delay, and a punter. */
async function inPlayMarketAndPunter() {
  const admin = await adminSession();
  const market = await createMarket(admin);
  await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 30_000 } });
  return { market, ...(await punterSession()) };
}

/** Every bet waiting out its delay on the market is due now (delays are real time; no test waits them out). */
async function endDelays(marketId: string) {
  await runInDurableObject(hubStub(marketId), (hub: MarketHub) => {
    for (const row of hub.store.betsInPhase("held")) hub.store.putBet({ ...row, dueAt: Date.now() - 1 });
  });
}

/** Run the market's alarm until every bet's money work is done (a settlement pays from the alarm), bounded. */
async function settleDown(marketId: string) {
  for (let i = 0; i < 10; i++) {
    if ((await betsOf(marketId)).every((b) => b.phase === "done")) return;
    await runDurableObjectAlarm(hubStub(marketId));
  }
  throw new Error(`market ${marketId} did not settle down`);
}

/** Every page of the statement, walked by its cursor. */
async function wholeStatement(token: string, limit?: number) {
  const entries: any[] = [];
  let pages = 0;
  for (let cursor: string | undefined; ; ) {
    const q = new URLSearchParams();
    if (cursor) q.set("cursor", cursor);
    if (limit) q.set("limit", String(limit));
    const r = await call("GET", `/api/me/statement?${q}`, { token });
    expect(r.status).toBe(200);
    entries.push(...r.json.entries);
    pages++;
    cursor = r.json.next;
    if (!cursor) return { entries, pages };
    if (pages > 1000) throw new Error("the statement never ends");
  }
}

describe("deposits and withdrawals", () => {
  it("credits a deposit repeated with the same id once, answering the same each time, also when the copies race", async () => {
    const { token, account } = await punterSession();
    const body = { id: rid("dep"), amount: 2_500 };
    const first = await deposit(token, body);
    expect(first).toMatchObject({ status: 200, json: { balance: START + 2_500 } });
    const copies = await Promise.all([deposit(token, body), deposit(token, body), deposit(token, body)]);
    for (const c of copies) expect(c).toMatchObject({ status: 200, json: { balance: START + 2_500 } });
    // A racing pair of a new id: one credit.
    const racing = { id: rid("dep"), amount: 100 };
    const pair = await Promise.all([deposit(token, racing), deposit(token, racing)]);
    expect(pair.map((p) => p.json.balance)).toEqual([START + 2_600, START + 2_600]);
    expect(await balanceOf(token)).toBe(START + 2_600);
    const { entries, balance, ledgerSum } = await ledgerOf(account.id);
    expect(entries.filter((e) => e.kind === "deposit").map((e) => [e.key, e.amount])).toEqual([
      [`deposit:${racing.id}`, 100],
      [`deposit:${body.id}`, 2_500],
    ]);
    expect(balance).toBe(ledgerSum);
  });

  it("refuses an id used again for another amount or as a withdrawal with 409 ID_REUSED and moves nothing", async () => {
    const { token } = await punterSession();
    const id = rid("dep");
    expect((await deposit(token, { id, amount: 1_000 })).status).toBe(200);
    for (const r of [await deposit(token, { id, amount: 1_001 }), await withdraw(token, { id, amount: 1_000 })]) {
      expect(r.status).toBe(409);
      expect(r.json.error.code).toBe("ID_REUSED");
    }
    expect(await balanceOf(token)).toBe(START + 1_000);
  });

  it("withdraws once per id, and refuses more than the balance with 409 INSUFFICIENT_FUNDS, the same way when retried", async () => {
    const { token, account } = await punterSession();
    const out = { id: rid("wd"), amount: 40_000 };
    expect(await withdraw(token, out)).toMatchObject({ status: 200, json: { balance: START - 40_000 } });
    expect(await withdraw(token, out)).toMatchObject({ status: 200, json: { balance: START - 40_000 } });
    const tooMuch = { id: rid("wd"), amount: START - 40_000 + 1 };
    const refused = await withdraw(token, tooMuch);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("INSUFFICIENT_FUNDS");
    // Its first answer stands for its id, even once the money is there.
    await deposit(token, { id: rid("dep"), amount: 10_000 });
    expect((await withdraw(token, tooMuch)).json.error.code).toBe("INSUFFICIENT_FUNDS");
    // Exactly all of it is fine.
    expect(await withdraw(token, { id: rid("wd"), amount: START - 40_000 + 10_000 })).toMatchObject({ status: 200, json: { balance: 0 } });
    const audit = await ledgerOf(account.id);
    expect(audit.balance).toBe(0);
    expect(audit.ledgerSum).toBe(0);
    expect(audit.entries.filter((e) => e.kind === "withdrawal")).toHaveLength(2);
  });

  it("refuses bodies that are not whole positive amounts with an id, and calls without a session", async () => {
    const { token } = await punterSession();
    const bad = [{ id: rid(), amount: 0 }, { id: rid(), amount: -5 }, { id: rid(), amount: 1.5 }, { id: rid(), amount: "100" }, { amount: 100 }, { id: "short", amount: 100 }, { id: rid(), amount: 100, extra: 1 }];
    for (const body of bad) {
      for (const r of [await deposit(token, body), await withdraw(token, body)]) {
        expect(r.status).toBe(400);
        expect(r.json.error.code).toBe("INVALID");
      }
    }
    expect((await deposit("", { id: rid(), amount: 100 })).status).toBe(401);
    expect((await call("GET", "/api/me/statement")).status).toBe(401);
    expect(await balanceOf(token)).toBe(START);
  });
});

describe("statement", () => {
  it("lists every kind of entry newest first, with signed amounts, the balance after each and what each is for", async () => {
    const admin = await adminSession();
    const won = await createMarket(admin);
    const voided = await createMarket(admin);
    const { token } = await punterSession();
    const dep = rid("dep");
    const wd = rid("wd");
    await deposit(token, { id: dep, amount: 5_000 });
    await withdraw(token, { id: wd, amount: 2_000 });
    const a = await bet(token, won.id, { stake: 1_000 });
    const b = await bet(token, voided.id, { stake: 3_000 });
    await call("POST", `/api/markets/${won.id}/settle`, { token: admin, body: { winner: "home" } });
    await call("POST", `/api/markets/${voided.id}/settle`, { token: admin, body: { void: true } });
    await settleDown(won.id);
    await settleDown(voided.id);
    const { entries } = await wholeStatement(token);
    expect(entries.map((e) => [e.kind, e.amount, e.balance, e.ref])).toEqual([
      ["refund", 3_000, 104_500, `${voided.id}/${b.json.id}`],
      ["payout", 2_500, 101_500, `${won.id}/${a.json.id}`],
      ["stake", -3_000, 99_000, `${voided.id}/${b.json.id}`],
      ["stake", -1_000, 102_000, `${won.id}/${a.json.id}`],
      ["withdrawal", -2_000, 103_000, wd],
      ["deposit", 5_000, 105_000, dep],
      ["grant", START, START, "opening"],
    ]);
    const seqs = entries.map((e) => e.seq);
    expect([...seqs].sort((x, y) => y - x)).toEqual(seqs);
    for (const e of entries) expect(typeof e.ts).toBe("number");
  });

  it("pages more entries than one page by its cursor, never capping: every entry once, and their amounts sum to the balance", async () => {
    const { token } = await punterSession();
    // 1 grant + 130 moves: more than the default page of 100.
    for (let i = 0; i < 130; i++) {
      const r = i % 3 === 2 ? await withdraw(token, { id: rid("wd"), amount: 7 + i }) : await deposit(token, { id: rid("dep"), amount: 11 + i });
      expect(r.status).toBe(200);
    }
    const balance = await balanceOf(token);
    for (const limit of [undefined, 9]) {
      const { entries, pages } = await wholeStatement(token, limit);
      expect(entries).toHaveLength(131);
      expect(pages).toBe(limit === undefined ? 2 : Math.ceil(131 / 9));
      expect(new Set(entries.map((e) => e.seq)).size).toBe(131);
      expect(entries.reduce((s, e) => s + e.amount, 0)).toBe(balance);
      expect(entries[0].balance).toBe(balance);
      // Each balance is the one before it plus its amount.
      for (let i = 0; i + 1 < entries.length; i++) expect(entries[i].balance).toBe(entries[i + 1].balance + entries[i].amount);
    }
  });

  it("refuses a cursor it did not give and a page size out of range with 400 INVALID", async () => {
    const { token } = await punterSession();
    for (const q of ["cursor=abc", "cursor=czA", "cursor=%2F%2F", "limit=0", "limit=501", "limit=x"]) {
      const r = await call("GET", `/api/me/statement?${q}`, { token });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("INVALID");
    }
  });
});

describe("limits", () => {
  it("applies a lower limit at once and keeps a raise or a removal pending for 24 h, then applies it", async () => {
    const { token, account } = await punterSession();
    expect((await call("GET", "/api/me/limits", { token })).json).toEqual({ limits: {} });
    const set = await call("PUT", "/api/me/limits", { token, body: { depositPerDay: 10_000, lossPerDay: 5_000, stakePerBet: 2_000 } });
    expect(set).toMatchObject({ status: 200, json: { limits: { depositPerDay: 10_000, lossPerDay: 5_000, stakePerBet: 2_000 } } });
    expect(set.json.pending).toBeUndefined();
    // Lower one, raise one, remove one.
    const before = Date.now();
    const changed = await call("PUT", "/api/me/limits", { token, body: { depositPerDay: 8_000, lossPerDay: 9_000 } });
    expect(changed.json.limits).toEqual({ depositPerDay: 8_000, lossPerDay: 5_000, stakePerBet: 2_000 });
    const { lossPerDay, stakePerBet } = changed.json.pending;
    expect(lossPerDay.value).toBe(9_000);
    expect(stakePerBet.value).toBeNull();
    for (const p of [lossPerDay, stakePerBet]) {
      expect(p.at).toBeGreaterThanOrEqual(before + DAY_MS);
      expect(p.at).toBeLessThanOrEqual(Date.now() + DAY_MS);
    }
    // Still in force during the wait: a stake over 2,000 is refused.
    const admin = await adminSession();
    const market = await createMarket(admin);
    expect((await bet(token, market.id, { stake: 2_001 })).json).toMatchObject({ status: "rejected", reason: "LIMIT_REACHED" });
    // Asking for the same raise again keeps its time.
    await shiftClock(account.id, DAY_MS / 2);
    const again = await call("PUT", "/api/me/limits", { token, body: { depositPerDay: 8_000, lossPerDay: 9_000 } });
    expect(again.json.pending.lossPerDay.at).toBe(lossPerDay.at);
    // A day later both apply.
    await shiftClock(account.id, DAY_MS + 1_000);
    expect((await call("GET", "/api/me/limits", { token })).json).toEqual({ limits: { depositPerDay: 8_000, lossPerDay: 9_000 } });
    await shiftClock(account.id, 0);
  });

  it("takes null for a limit as no limit: a removal, pending a day like one left out", async () => {
    const { token } = await punterSession();
    await call("PUT", "/api/me/limits", { token, body: { depositPerDay: 8_000, stakePerBet: 2_000 } });
    const nulled = await call("PUT", "/api/me/limits", { token, body: { depositPerDay: null, lossPerDay: null, stakePerBet: 2_000 } });
    expect(nulled.status).toBe(200);
    expect(nulled.json.limits).toEqual({ depositPerDay: 8_000, stakePerBet: 2_000 });
    expect(nulled.json.pending).toEqual({ depositPerDay: { value: null, at: expect.any(Number) } });
  });

  it("refuses a deposit past depositPerDay with 409 LIMIT_REACHED and takes it the next UTC day", async () => {
    const { token, account } = await punterSession();
    await call("PUT", "/api/me/limits", { token, body: { depositPerDay: 3_000 } });
    // Pin the wallet's clock to the middle of a UTC day so the test never straddles midnight.
    const noon = Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS / 2;
    await shiftClock(account.id, noon - Date.now());
    expect((await deposit(token, { id: rid("dep"), amount: 2_000 })).status).toBe(200);
    const over = { id: rid("dep"), amount: 1_001 };
    const refused = await deposit(token, over);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("LIMIT_REACHED");
    expect((await deposit(token, { id: rid("dep"), amount: 1_000 })).status).toBe(200);
    expect(await balanceOf(token)).toBe(START + 3_000);
    await shiftClock(account.id, noon + DAY_MS - Date.now());
    expect(await deposit(token, { id: rid("dep"), amount: 3_000 })).toMatchObject({ status: 200, json: { balance: START + 6_000 } });
    // The refused id keeps its first answer.
    expect((await deposit(token, over)).json.error.code).toBe("LIMIT_REACHED");
    await shiftClock(account.id, 0);
  });

  it("rejects a stake past stakePerBet or past the day's loss limit with LIMIT_REACHED on HTTP and on the socket, moving no money", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token, account } = await punterSession();
    await call("PUT", "/api/me/limits", { token, body: { stakePerBet: 2_500, lossPerDay: 4_000 } });
    expect((await bet(token, market.id, { stake: 2_501 })).json).toMatchObject({ status: "rejected", reason: "LIMIT_REACHED" });
    expect((await bet(token, market.id, { stake: 2_500 })).json.status).toBe("accepted");
    const ws = await mustOpen(market.id, { token });
    await ws.next("snapshot");
    ws.send({ type: "bet", id: "over-loss-1", selectionId: "home", stake: 1_501, odds: 2.5 });
    expect(await ws.next("bet")).toMatchObject({ id: "over-loss-1", status: "rejected", reason: "LIMIT_REACHED" });
    ws.send({ type: "bet", id: "last-of-loss-1", selectionId: "home", stake: 1_500, odds: 2.5 });
    expect(await ws.next("bet")).toMatchObject({ id: "last-of-loss-1", status: "accepted" });
    expect((await bet(token, market.id, { stake: market.minStake })).json).toMatchObject({ status: "rejected", reason: "LIMIT_REACHED" });
    ws.close();
    expect(await balanceOf(token)).toBe(START - 4_000);
    await checkMoney([account.id], [market.id]);
  });

  it("counts money back from bets today against the day's loss: a void's refund frees its stake", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const other = await createMarket(admin);
    const { token } = await punterSession();
    await call("PUT", "/api/me/limits", { token, body: { lossPerDay: 2_000 } });
    expect((await bet(token, market.id, { stake: 2_000 })).json.status).toBe("accepted");
    expect((await bet(token, other.id, { stake: 100 })).json.reason).toBe("LIMIT_REACHED");
    await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { void: true } });
    await settleDown(market.id);
    expect((await bet(token, other.id, { stake: 2_000 })).json.status).toBe("accepted");
  });

  it("never lets concurrent bets from several sockets and HTTP pass a loss limit by a cent", async () => {
    const admin = await adminSession();
    const markets = await Promise.all([createMarket(admin), createMarket(admin)]);
    const { token, account } = await punterSession();
    const LIMIT = 2_000;
    const STAKE = 250;
    await call("PUT", "/api/me/limits", { token, body: { lossPerDay: LIMIT } });
    const sockets: { ws: TestSocket; ids: string[] }[] = [];
    for (const m of markets) {
      for (let s = 0; s < 3; s++) {
        const ws = await mustOpen(m.id, { token });
        await ws.next("snapshot");
        sockets.push({ ws, ids: Array.from({ length: 4 }, () => rid("race")) });
      }
    }
    // Every frame sent before any answer is read, and HTTP bets in the same moment.
    for (const { ws, ids } of sockets) for (const id of ids) ws.send({ type: "bet", id, selectionId: "home", stake: STAKE, odds: 2.5 });
    const overHttp = await Promise.all(markets.flatMap((m) => [1, 2, 3].map(() => bet(token, m.id, { stake: STAKE }))));
    const answers = [...overHttp.map((r) => r.json)];
    for (const { ws, ids } of sockets) {
      for (let i = 0; i < ids.length; i++) answers.push(await ws.next("bet", 10_000));
      ws.close();
    }
    expect(answers).toHaveLength(24 + 6);
    const accepted = answers.filter((a) => a.status === "accepted");
    expect(accepted).toHaveLength(LIMIT / STAKE);
    expect(answers.filter((a) => a.status === "rejected").every((a) => a.reason === "LIMIT_REACHED")).toBe(true);
    const { entries } = await ledgerOf(account.id);
    expect(-entries.filter((e) => e.kind === "stake").reduce((s, e) => s + e.amount, 0)).toBe(LIMIT);
    expect(await balanceOf(token)).toBe(START - LIMIT);
    await checkMoney([account.id], markets.map((m) => m.id));
  });

  it("refuses limit bodies that are not whole non-negative amounts", async () => {
    const { token } = await punterSession();
    for (const body of [{ lossPerDay: -1 }, { stakePerBet: 1.5 }, { depositPerDay: "5" }, { other: 1 }]) {
      const r = await call("PUT", "/api/me/limits", { token, body });
      expect(r.status).toBe(400);
    }
    expect((await call("GET", "/api/me/limits", { token })).json).toEqual({ limits: {} });
  });
});

describe("self-exclusion", () => {
  it("runs 1 to 3650 days, cannot be shortened and refuses bets and deposits while it runs; withdrawals still work", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const { token, account } = await punterSession();
    for (const days of [0, 3651, 1.5, "7"]) expect((await call("POST", "/api/me/exclusion", { token, body: { days } })).status).toBe(400);
    expect((await call("GET", "/api/me/exclusion", { token })).json).toEqual({ until: null });
    const before = Date.now();
    const seven = await call("POST", "/api/me/exclusion", { token, body: { days: 7 } });
    expect(seven.status).toBe(200);
    expect(seven.json.until).toBeGreaterThanOrEqual(before + 7 * DAY_MS);
    // Shorter or equal keeps the later end; longer moves it.
    expect((await call("POST", "/api/me/exclusion", { token, body: { days: 1 } })).json.until).toBe(seven.json.until);
    const thirty = await call("POST", "/api/me/exclusion", { token, body: { days: 30 } });
    expect(thirty.json.until).toBeGreaterThanOrEqual(before + 30 * DAY_MS);
    expect((await call("GET", "/api/me/exclusion", { token })).json).toEqual({ until: thirty.json.until });

    expect((await bet(token, market.id)).json).toMatchObject({ status: "rejected", reason: "SELF_EXCLUDED" });
    const ws = await mustOpen(market.id, { token });
    await ws.next("snapshot");
    ws.send({ type: "bet", id: "excluded-socket-1", selectionId: "home", stake: 1_000, odds: 2.5 });
    expect(await ws.next("bet")).toMatchObject({ status: "rejected", reason: "SELF_EXCLUDED" });
    ws.close();
    const dep = await deposit(token, { id: rid("dep"), amount: 100 });
    expect(dep.status).toBe(403);
    expect(dep.json.error.code).toBe("SELF_EXCLUDED");
    expect(await withdraw(token, { id: rid("wd"), amount: 100 })).toMatchObject({ status: 200, json: { balance: START - 100 } });
    // Once it is over, bets are taken again.
    await shiftClock(account.id, 30 * DAY_MS + 1_000);
    expect((await bet(token, market.id)).json.status).toBe("accepted");
    await shiftClock(account.id, 0);
    await checkMoney([account.id], [market.id]);
  });

  it("refuses new sessions of a self-excluded registered account with 403 SELF_EXCLUDED, keeps its open session, and lets it in once over", async () => {
    const name = uniqueId("excl");
    const password = "correct horse battery";
    const reg = await call("POST", "/api/accounts", { body: { name, password } });
    expect(reg.status).toBe(201);
    const { token } = reg.json;
    expect((await call("POST", "/api/me/exclusion", { token, body: { days: 2 } })).status).toBe(200);
    const refused = await call("POST", "/api/session", { body: { name, password } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("SELF_EXCLUDED");
    // A wrong password learns nothing of the exclusion.
    expect((await call("POST", "/api/session", { body: { name, password: "wrong password!" } })).status).toBe(401);
    expect((await call("GET", "/api/me", { token })).status).toBe(200);
    await shiftClock(reg.json.account.id, 2 * DAY_MS + 1_000);
    expect((await call("POST", "/api/session", { body: { name, password } })).status).toBe(201);
    await shiftClock(reg.json.account.id, 0);
  });

  it("refuses a bet already waiting out its in-play delay when the exclusion starts, at the delay's end, and refunds its stake once", async () => {
    const { market, token, account } = await inPlayMarketAndPunter();
    const ws = await mustOpen(market.id, { token });
    await ws.next("snapshot");
    ws.send({ type: "bet", id: "delayed-excl-1", selectionId: "home", stake: 4_000, odds: 2.5 });
    expect(await ws.next("bet")).toMatchObject({ id: "delayed-excl-1", status: "pending" });
    expect(await balanceOf(token)).toBe(START - 4_000);
    expect((await call("POST", "/api/me/exclusion", { token, body: { days: 1 } })).status).toBe(200);
    // The delay ends now: the alarm decides the bet.
    await endDelays(market.id);
    for (let i = 0; i < 5 && (await betsOf(market.id)).some((b) => b.phase !== "done"); i++) await runDurableObjectAlarm(hubStub(market.id));
    expect(await ws.next("bet")).toMatchObject({ id: "delayed-excl-1", status: "rejected", reason: "SELF_EXCLUDED" });
    ws.close();
    expect(await balanceOf(token)).toBe(START);
    const keys = (await ledgerOf(account.id)).entries.map((e) => e.key);
    expect(keys.filter((k) => k.endsWith(`${market.id}/delayed-excl-1`)).sort()).toEqual([`refund:${market.id}/delayed-excl-1`, `stake:${market.id}/delayed-excl-1`]);
    // A retry of the id answers the same, and moves nothing more.
    const again = await call("POST", `/api/markets/${market.id}/bets`, { token, body: { id: "delayed-excl-1", selectionId: "home", stake: 4_000, odds: 2.5 } });
    expect(again.json).toMatchObject({ status: "rejected", reason: "SELF_EXCLUDED" });
    await runDurableObjectAlarm(hubStub(market.id));
    expect(await balanceOf(token)).toBe(START);
    await checkMoney([account.id], [market.id]);
  });

  it("keeps a delayed bet held when the wallet cannot say whether its account is excluded, and decides it at the next look", async () => {
    const { market, token, account } = await inPlayMarketAndPunter();
    const placed = await bet(token, market.id, { stake: 4_000 });
    expect(placed.json.status).toBe("pending");
    await endDelays(market.id);
    // The wallet crashes when asked: the bet stays held, its stake held, nothing refunded or accepted.
    await runInDurableObject(walletStub(account.id), (w: Wallet) => w.faults.arm("wallet:before-commit"));
    await runDurableObjectAlarm(hubStub(market.id));
    expect((await betsOf(market.id))[0]).toMatchObject({ status: "pending", phase: "held" });
    expect(await balanceOf(token)).toBe(START - 4_000);
    expect((await call("POST", "/api/me/exclusion", { token, body: { days: 1 } })).status).toBe(200);
    await endDelays(market.id);
    await runDurableObjectAlarm(hubStub(market.id));
    expect((await betsOf(market.id))[0]).toMatchObject({ status: "rejected", reason: "SELF_EXCLUDED", phase: "done" });
    expect(await balanceOf(token)).toBe(START);
    await checkMoney([account.id], [market.id]);
  });

  it("accepts a delayed bet at its delay's end when no exclusion started", async () => {
    const { market, token, account } = await inPlayMarketAndPunter();
    const placed = await bet(token, market.id, { stake: 4_000 });
    expect(placed.json.status).toBe("pending");
    await endDelays(market.id);
    await runDurableObjectAlarm(hubStub(market.id));
    expect((await betsOf(market.id))[0]).toMatchObject({ status: "accepted", phase: "done" });
    await checkMoney([account.id], [market.id]);
  });
});

describe("the OpenAPI document", () => {
  it("lists every wallet route", async () => {
    const paths = (await call("GET", "/api/openapi.json")).json.paths;
    expect(Object.keys(paths.paths ?? paths)).toEqual(expect.arrayContaining(["/api/me/deposit", "/api/me/withdraw", "/api/me/statement", "/api/me/limits", "/api/me/exclusion"]));
    expect(Object.keys(paths["/api/me/limits"])).toEqual(expect.arrayContaining(["get", "put"]));
  });
});
