import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adminSession, call, createMarket, mustOpen, punterSession } from "../helpers/api.ts";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import type { AccountId } from "../../worker/protocol/units.ts";
import { betsOf, checkMoney, holdWalletAnswer, hubStub, ledgerOf } from "../helpers/money.ts";
import { MAX_REFUSALS_PER_ACCOUNT } from "../../worker/hub/bet-desk.ts";
import type { BetId, Money, Odds } from "../../worker/protocol/units.ts";

let n = 0;
const betId = () => `bet-${Date.now().toString(36)}-${++n}`;

async function setup(overrides: Record<string, unknown> = {}) {
  const admin = await adminSession();
  const market = await createMarket(admin, overrides);
  const punter = await punterSession();
  return { admin, market, punter };
}

const bet = (token: string, marketId: string, body: Record<string, unknown>) =>
  call("POST", `/api/markets/${marketId}/bets`, { token, body: { id: betId(), selectionId: "home", stake: 1000, odds: 2.5, ...body } });

describe("placing bets", () => {
  it("accepts a bet at the asked odds, debits the stake once and shows it in my bets", async () => {
    const { market, punter } = await setup();
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    ws.send({ type: "bet", id: "first-bet-1", selectionId: "home", stake: 1000, odds: 2.5 });
    // asOf 2: the opening grant is ledger row 1, this stake row 2.
    expect(await ws.next("balance")).toEqual({ type: "balance", balance: 99_000, asOf: 2 });
    const reply = await ws.next("bet");
    expect(reply).toMatchObject({ id: "first-bet-1", status: "accepted", bet: { stake: 1000, odds: 2.5, payout: 2500, status: "accepted" } });
    const me = await call("GET", "/api/me", { token: punter.token });
    expect(me.json.account.balance).toBe(99_000);
    // The wallet learns the final state just after the answer; poll briefly (bounded).
    let bets: any[] = [];
    for (let i = 0; i < 50 && bets[0]?.status !== "accepted"; i++) {
      bets = (await call("GET", "/api/me/bets", { token: punter.token })).json.bets;
      if (bets[0]?.status !== "accepted") await new Promise((r) => setTimeout(r, 20));
    }
    expect(bets).toHaveLength(1);
    expect(bets[0]).toMatchObject({ id: "first-bet-1", marketId: market.id, status: "accepted", payout: 2500 });
    await checkMoney([punter.account.id], [market.id]);
    ws.close();
  });

  it("gives the first outcome again for the same id, over the socket and over HTTP, debiting once", async () => {
    const { market, punter } = await setup();
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    ws.send({ type: "bet", id: "same-id-123", selectionId: "home", stake: 500, odds: 2.5 });
    const first = await ws.next("bet");
    ws.send({ type: "bet", id: "same-id-123", selectionId: "home", stake: 500, odds: 2.5 });
    const second = await ws.next("bet");
    const http = await call("POST", `/api/markets/${market.id}/bets`, {
      token: punter.token,
      body: { id: "same-id-123", selectionId: "home", stake: 500, odds: 2.5 },
    });
    expect(first.status).toBe("accepted");
    expect(second).toEqual(first);
    expect(http.json).toEqual(first);
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(99_500);
    ws.close();
  });

  it("treats the same id on another market as the same bet: the first answer, no second debit", async () => {
    const { admin, market, punter } = await setup();
    const other = await createMarket(admin);
    const body = { id: "one-id-two-markets", selectionId: "home", stake: 700, odds: 2.5 };
    const first = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    expect(first.json.status).toBe("accepted");
    const again = await call("POST", `/api/markets/${other.id}/bets`, { token: punter.token, body });
    expect(again.json).toMatchObject({ id: body.id, status: "accepted", bet: { marketId: market.id, stake: 700 } });
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(99_300);
    expect(await betsOf(other.id)).toEqual([]);
    await checkMoney([punter.account.id], [market.id, other.id]);
  });

  it("gives the first outcome again for an id refused on one market and sent again to another", async () => {
    const { admin, market, punter } = await setup();
    const other = await createMarket(admin);
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.6 } } });
    const body = { id: betId(), selectionId: "home", stake: 1000, odds: 2.5 };
    const first = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    expect(first.json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED" });
    const again = await call("POST", `/api/markets/${other.id}/bets`, { token: punter.token, body });
    expect(again.json).toMatchObject({ id: body.id, status: "rejected", reason: "ODDS_CHANGED", bet: { marketId: market.id } });
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(100_000);
    expect(await betsOf(other.id)).toEqual([]);
    // The refusal is in the punter's list, once, naming the market that refused it.
    const mine = (await call("GET", "/api/me/bets", { token: punter.token })).json.bets.filter((b: { id: string }) => b.id === body.id);
    expect(mine).toMatchObject([{ marketId: market.id, status: "rejected", reason: "ODDS_CHANGED", payout: 0 }]);
  });

  it("answers a retry that arrives while a refused bet's id is being claimed with the same first outcome", async () => {
    const { admin, market, punter } = await setup();
    const other = await createMarket(admin);
    const body = { id: betId(), selectionId: "home", stake: 1000, odds: 2.5 };
    const taken = await call("POST", `/api/markets/${other.id}/bets`, { token: punter.token, body });
    expect(taken.json).toMatchObject({ status: "accepted", bet: { marketId: other.id } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    const wallet = await holdWalletAnswer(punter.account.id);
    // Refused here (suspended), then held at the wallet while it claims the id.
    const first = call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
    await wallet.reached();
    // The retry enters the hub now, while the claim is out: it must wait for the first answer.
    let retry: Promise<unknown> | null = null;
    await runInDurableObject(hubStub(market.id), (hub: MarketHub) => {
      retry = hub.placeBet(punter.account.id as AccountId, body);
    });
    await wallet.release();
    expect((await first).json).toMatchObject({ id: body.id, status: "accepted", bet: { marketId: other.id } });
    expect(await retry).toMatchObject({ id: body.id, status: "accepted", bet: { marketId: other.id } });
    expect(await betsOf(market.id)).toEqual([]);
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(99_000);
  });

  it("applies the accept policies: exact refuses a moved price, better takes a better one, any takes any", async () => {
    const { admin, market, punter } = await setup();
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.6 } } });
    const exact = await bet(punter.token, market.id, { odds: 2.5 });
    expect(exact.json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED", odds: 2.6 });
    const better = await bet(punter.token, market.id, { odds: 2.5, accept: "better" });
    expect(better.json).toMatchObject({ status: "accepted", bet: { odds: 2.6, payout: 2600 } });
    const betterRefused = await bet(punter.token, market.id, { odds: 2.7, accept: "better" });
    expect(betterRefused.json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED", odds: 2.6 });
    const any = await bet(punter.token, market.id, { odds: 5, accept: "any" });
    expect(any.json).toMatchObject({ status: "accepted", bet: { odds: 2.6 } });
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(98_000);
  });

  it("rejects every rule break with its reason and moves no money", async () => {
    const { admin, market, punter } = await setup({ minStake: 200, maxStake: 50_000, maxPayout: 60_000 });
    const cases: [Record<string, unknown>, string][] = [
      [{ selectionId: "nobody" }, "UNKNOWN_SELECTION"],
      [{ stake: 199 }, "STAKE_TOO_LOW"],
      [{ stake: 50_001 }, "STAKE_TOO_HIGH"],
      [{ stake: 30_000 }, "PAYOUT_TOO_HIGH"],
    ];
    for (const [body, reason] of cases) expect((await bet(punter.token, market.id, body)).json).toMatchObject({ status: "rejected", reason });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    expect((await bet(punter.token, market.id, {})).json).toMatchObject({ status: "rejected", reason: "MARKET_SUSPENDED" });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "closed" } });
    expect((await bet(punter.token, market.id, {})).json).toMatchObject({ status: "rejected", reason: "MARKET_CLOSED" });
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(100_000);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("rejects a stake the balance cannot cover with INSUFFICIENT_FUNDS", async () => {
    const { market, punter } = await setup({ maxStake: 100_000 });
    expect((await bet(punter.token, market.id, { stake: 80_000, odds: 2.5 })).json.status).toBe("accepted");
    const broke = await bet(punter.token, market.id, { stake: 30_000 });
    expect(broke.json).toMatchObject({ status: "rejected", reason: "INSUFFICIENT_FUNDS" });
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(20_000);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("refuses bets from viewers and admins on the socket, and bad frames as INVALID", async () => {
    const { admin, market } = await setup();
    const viewer = await mustOpen(market.id);
    await viewer.next("snapshot");
    viewer.send({ type: "bet", id: "viewer-bet-1", selectionId: "home", stake: 1000, odds: 2.5 });
    expect(await viewer.next("bet")).toMatchObject({ id: "viewer-bet-1", status: "rejected", reason: "UNAUTHENTICATED" });
    const trader = await mustOpen(market.id, { token: admin });
    await trader.next("snapshot");
    trader.send({ type: "bet", id: "trader-bet-1", selectionId: "home", stake: 1000, odds: 2.5 });
    expect(await trader.next("bet")).toMatchObject({ status: "rejected", reason: "UNAUTHENTICATED" });
    viewer.send({ type: "bet", id: "bad-stake-1", selectionId: "home", stake: 10.5, odds: 2.5 });
    expect(await viewer.next("bet")).toMatchObject({ id: "bad-stake-1", status: "rejected", reason: "INVALID" });
    viewer.send({ type: "nonsense" });
    expect(await viewer.next("error")).toMatchObject({ code: "INVALID" });
    const http = await call("POST", `/api/markets/${market.id}/bets`, { token: admin, body: { id: "admin-bet-1", selectionId: "home", stake: 100, odds: 2.5 } });
    expect(http.status).toBe(403);
    viewer.close();
    trader.close();
  });
});

describe("an account's bets", () => {
  it("are listed a page at a time, newest first, each exactly once, with no page limit that silently drops the rest", async () => {
    const { market, punter } = await setup();
    const placed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await bet(punter.token, market.id, { stake: 200 });
      expect(r.status).toBe(200);
      placed.push(r.json.bet.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await call("GET", `/api/me/bets?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: punter.token });
      expect(r.status).toBe(200);
      expect(r.json.bets.length).toBeLessThanOrEqual(2);
      seen.push(...r.json.bets.map((b: { id: string }) => b.id));
      cursor = r.json.next;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...placed].reverse());
    expect((await call("GET", "/api/me/bets?cursor=not-a-cursor", { token: punter.token })).status).toBe(400);
    expect((await call("GET", "/api/me/bets?limit=501", { token: punter.token })).status).toBe(400);
  });
});

describe("in-play delay", () => {
  it("answers pending, then accepts after the delay at the asked odds", async () => {
    const { admin, market, punter } = await setup();
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 1000 } });
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    ws.send({ type: "bet", id: "delayed-bet-1", selectionId: "home", stake: 1000, odds: 2.5 });
    const pending = await ws.next("bet");
    expect(pending).toMatchObject({ status: "pending", bet: { status: "pending", payout: 0 } });
    expect(pending.bet!.dueAt).toBeGreaterThan(pending.bet!.placedAt);
    const done = await ws.next("bet", 5000);
    expect(done).toMatchObject({ id: "delayed-bet-1", status: "accepted", bet: { odds: 2.5, payout: 2500 } });
    await checkMoney([punter.account.id], [market.id]);
    ws.close();
  });

  it("rejects a delayed bet as MARKET_SUSPENDED if the market was suspended during the delay, and refunds it", async () => {
    const { admin, market, punter } = await setup();
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 5000 } });
    const pending = await bet(punter.token, market.id, {});
    expect(pending.json.status).toBe("pending");
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(99_000);
    // A goal: suspend and reopen inside the delay.
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "suspended" } });
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open" } });
    await runInHubUntilSettled(market.id, pending.json.id, { dueNow: true });
    const again = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: { id: pending.json.id, selectionId: "home", stake: 1000, odds: 2.5 } });
    expect(again.json).toMatchObject({ status: "rejected", reason: "MARKET_SUSPENDED" });
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(100_000);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("rejects a delayed exact bet as ODDS_CHANGED if the price moved, and accepts a better-policy bet at the better price", async () => {
    const { admin, market, punter } = await setup();
    await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 5000 } });
    const exact = await bet(punter.token, market.id, {});
    const better = await bet(punter.token, market.id, { accept: "better" });
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.8 } } });
    await runInHubUntilSettled(market.id, exact.json.id, { dueNow: true });
    const outcomes = await Promise.all(
      [exact, better].map((b) =>
        call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: { id: b.json.id, selectionId: "home", stake: 1000, odds: 2.5 } }),
      ),
    );
    expect(outcomes[0].json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED" });
    expect(outcomes[1].json).toMatchObject({ status: "accepted", bet: { odds: 2.8, payout: 2800 } });
    await checkMoney([punter.account.id], [market.id]);
  });
});

describe("settlement", () => {
  it("pays winners, marks losers, sends settled and balance frames, and refuses a repeat", async () => {
    const { admin, market, punter } = await setup();
    const other = await punterSession("other");
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    const win = await bet(punter.token, market.id, { stake: 1000 });
    const lose = await bet(other.token, market.id, { selectionId: "away", stake: 2000, odds: 2.9 });
    expect([win.json.status, lose.json.status]).toEqual(["accepted", "accepted"]);
    const settle = await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "home" } });
    expect(settle.status).toBe(200);
    expect(await ws.next("settled")).toMatchObject({ type: "settled", seq: settle.json.seq, winner: "home" });
    let balance = await ws.next("balance", 5000);
    while (balance.balance !== 100_000 - 1000 + 2500) balance = await ws.next("balance", 5000);
    expect(await ws.next("bet", 5000)).toMatchObject({ id: win.json.id, status: "won", bet: { status: "won", payout: 2500 } });
    const repeat = await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "away" } });
    expect(repeat.status).toBe(409);
    expect(repeat.json.error.code).toBe("ALREADY_SETTLED");
    await runDurableObjectAlarm(hubStub(market.id));
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(101_500);
    expect((await call("GET", "/api/me", { token: other.token })).json.account.balance).toBe(98_000);
    const myBets = (await call("GET", "/api/me/bets", { token: punter.token })).json.bets;
    expect(myBets[0]).toMatchObject({ status: "won", payout: 2500 });
    expect(myBets[0].settledAt).toBeGreaterThan(0);
    const theirs = (await call("GET", "/api/me/bets", { token: other.token })).json.bets;
    expect(theirs[0]).toMatchObject({ status: "lost", payout: 0 });
    await checkMoney([punter.account.id, other.account.id], [market.id]);
    ws.close();
  });

  it("voids a market, refunding every accepted stake once", async () => {
    const { admin, market, punter } = await setup();
    await bet(punter.token, market.id, { stake: 1000 });
    await bet(punter.token, market.id, { stake: 3000, selectionId: "draw", odds: 3.2 });
    const v = await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { void: true } });
    expect(v.status).toBe(200);
    expect((await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { void: true } })).status).toBe(409);
    await runDurableObjectAlarm(hubStub(market.id));
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(100_000);
    const bets = (await call("GET", "/api/me/bets", { token: punter.token })).json.bets;
    expect(bets.map((b: any) => [b.status, b.payout])).toEqual([["void", 3000], ["void", 1000]]);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("is checked by a money check that refuses a bet still accepted on a settled market", async () => {
    const { admin, market, punter } = await setup();
    const placed = await bet(punter.token, market.id, { stake: 1000 });
    await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "away" } });
    await runDurableObjectAlarm(hubStub(market.id));
    await checkMoney([punter.account.id], [market.id]);
    // Put the bet back to accepted, as a settlement that skipped it would have left it: money-wise it still adds up.
    await runInDurableObject(hubStub(market.id), (hub: MarketHub) => {
      const row = hub.store.getBet(punter.account.id as AccountId, placed.json.id);
      hub.store.putBet({ ...row!, status: "accepted", payout: 2500 as Money, settledAt: null });
    });
    await expect(checkMoney([punter.account.id], [market.id])).rejects.toThrow(/settled but 1 bet\(s\) are not final/);
  });

  it("refuses changes to a settled market", async () => {
    const { admin, market } = await setup();
    await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "draw" } });
    const odds = await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 3 } } });
    expect(odds.status).toBe(409);
    const status = await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open" } });
    expect(status.status).toBe(409);
    const unknown = await call("POST", `/api/markets/${(await createMarket(admin)).id}/settle`, { token: admin, body: { winner: "nobody" } });
    expect(unknown.status).toBe(400);
  });
});

describe("concurrency", () => {
  it("leaves every balance exactly right after 60 concurrent bets from several punters on two markets", async () => {
    const admin = await adminSession();
    const markets = [await createMarket(admin), await createMarket(admin)];
    const punters = await Promise.all([1, 2, 3, 4, 5].map((i) => punterSession(`p${i}`)));
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const p = punters[i % punters.length];
        const m = markets[i % 2];
        // Stakes chosen so some punters run out of money mid-way.
        return bet(p.token, m.id, { stake: 10_000 + (i % 7) * 2_500, accept: "any" }).then((r) => ({ p, r }));
      }),
    );
    for (const p of punters) {
      const accepted = results.filter((x) => x.p === p && x.r.json.status === "accepted").reduce((s, x) => s + x.r.json.bet.stake, 0);
      const rejected = results.filter((x) => x.p === p && x.r.json.status === "rejected");
      for (const x of rejected) expect(x.r.json.reason).toBe("INSUFFICIENT_FUNDS");
      expect((await call("GET", "/api/me", { token: p.token })).json.account.balance).toBe(100_000 - accepted);
    }
    expect(results.some((x) => x.r.json.status === "rejected")).toBe(true);
    await Promise.all(markets.map((m) => runDurableObjectAlarm(hubStub(m.id))));
    await checkMoney(punters.map((p) => p.account.id), markets.map((m) => m.id));
  });
});

describe("the check after the wallet answers", () => {
  /** The ledger rows one bet moved, oldest first, as [kind, amount]. */
  const movesOf = async (account: string, marketId: string, id: string) =>
    (await ledgerOf(account)).entries
      .filter((e) => e.key.endsWith(`:${marketId}/${id}`))
      .sort((a, b) => a.n - b.n)
      .map((e) => [e.kind, e.amount]);

  const cases = [
    {
      name: "rejects an exact bet as ODDS_CHANGED when the price moves while its debit is in flight, and refunds the stake once",
      accept: "exact",
      changes: [{ path: "odds", body: { odds: { home: 2.6 } } }],
      reply: { status: "rejected", reason: "ODDS_CHANGED", odds: 2.6, bet: { status: "rejected", odds: 2.5, payout: 0 } },
    },
    {
      name: "rejects a bet as MARKET_SUSPENDED when the market is suspended while its debit is in flight, and refunds the stake once",
      accept: "any",
      changes: [{ path: "status", body: { status: "suspended" } }],
      reply: { status: "rejected", reason: "MARKET_SUSPENDED", bet: { status: "rejected", payout: 0 } },
    },
    {
      name: "rejects a bet as MARKET_SUSPENDED when the market is suspended and reopened while its debit is in flight, and refunds the stake once",
      accept: "any",
      changes: [
        { path: "status", body: { status: "suspended" } },
        { path: "status", body: { status: "open" } },
      ],
      reply: { status: "rejected", reason: "MARKET_SUSPENDED", bet: { status: "rejected", payout: 0 } },
    },
    {
      name: "rejects a bet asked before the market went in play with a delay while its debit was in flight, and refunds the stake once",
      accept: "exact",
      changes: [{ path: "status", body: { status: "open", inPlay: true, betDelayMs: 5000 } }],
      reply: { status: "rejected", reason: "MARKET_SUSPENDED", bet: { status: "rejected", payout: 0 } },
    },
    {
      name: "rejects a better-policy bet when the price drops while its debit is in flight, and refunds the stake once",
      accept: "better",
      changes: [{ path: "odds", body: { odds: { home: 2.4 } } }],
      reply: { status: "rejected", reason: "ODDS_CHANGED", odds: 2.4 },
    },
    {
      name: "accepts a better-policy bet at the new price when the price rises while its debit is in flight, debiting once",
      accept: "better",
      changes: [{ path: "odds", body: { odds: { home: 2.7 } } }],
      reply: { status: "accepted", bet: { status: "accepted", odds: 2.7, payout: 2700 } },
    },
  ] as const;

  for (const c of cases) {
    it(c.name, async () => {
      const { admin, market, punter } = await setup();
      const wallet = await holdWalletAnswer(punter.account.id);
      const body = { id: betId(), selectionId: "home", stake: 1000, odds: 2.5, accept: c.accept };
      // Not awaited: the bet passes the first check, the wallet takes the stake and is held before it answers.
      const placing = call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
      await wallet.reached();
      expect((await betsOf(market.id)).map((b) => [b.id, b.status, b.phase])).toEqual([[body.id, "pending", "debit"]]);
      expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(99_000);
      // The input gate lets these in while the hub awaits the wallet.
      for (const change of c.changes) {
        expect((await call("POST", `/api/markets/${market.id}/${change.path}`, { token: admin, body: change.body })).status).toBe(200);
      }
      await wallet.release();
      const reply = await placing;
      expect(reply.status).toBe(200);
      expect(reply.json).toMatchObject({ id: body.id, ...c.reply });

      const accepted = c.reply.status === "accepted";
      expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(accepted ? 99_000 : 100_000);
      expect(await movesOf(punter.account.id, market.id, body.id)).toEqual(accepted ? [["stake", -1000]] : [["stake", -1000], ["refund", 1000]]);
      // The same id again: the same answer, and no money moves.
      const again = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body });
      expect(again.json).toMatchObject({ id: body.id, status: c.reply.status });
      expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(accepted ? 99_000 : 100_000);
      await runDurableObjectAlarm(hubStub(market.id));
      expect(await movesOf(punter.account.id, market.id, body.id)).toHaveLength(accepted ? 1 : 2);
      await checkMoney([punter.account.id], [market.id]);
    });
  }
});

describe("every refusal is kept under its id", () => {
  /** Every `bet` frame for `id` that arrives within a bounded wait for `count` of them. */
  async function answersFor(ws: Awaited<ReturnType<typeof mustOpen>>, id: string, count: number) {
    const out: any[] = [];
    while (out.length < count) {
      const f = await ws.next("bet", 5000);
      if (f.id === id) out.push(f);
    }
    return out;
  }

  it("answers a burst of one accepted id with its first outcome every time, never RATE_LIMITED, debiting once", async () => {
    const { market, punter } = await setup();
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    const frame = { type: "bet", id: "burst-accepted-1", selectionId: "home", stake: 1000, odds: 2.5 };
    ws.send(frame);
    expect(await answersFor(ws, frame.id, 1)).toMatchObject([{ status: "accepted" }]);
    // 25 at once: past the 20-a-second budget, so some are over it.
    for (let i = 0; i < 25; i++) ws.send(frame);
    const answers = await answersFor(ws, frame.id, 25);
    expect(answers.map((a) => a.status)).toEqual(Array(25).fill("accepted"));
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(99_000);
    await checkMoney([punter.account.id], [market.id]);
    ws.close();
  });

  it("keeps an id first refused INVALID refused, on the socket and over HTTP, when it comes back well formed", async () => {
    const { admin, market, punter } = await setup();
    const other = await createMarket(admin);
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    ws.send({ type: "bet", id: "invalid-first-1", selectionId: "home", stake: 10.5, odds: 2.5 });
    expect(await ws.next("bet")).toEqual({ type: "bet", id: "invalid-first-1", status: "rejected", reason: "INVALID" });
    const good = { id: "invalid-first-1", selectionId: "home", stake: 1000, odds: 2.5 };
    ws.send({ type: "bet", ...good });
    expect(await ws.next("bet")).toEqual({ type: "bet", id: "invalid-first-1", status: "rejected", reason: "INVALID" });
    expect((await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: good })).json).toMatchObject({ status: "rejected", reason: "INVALID" });
    // The id is claimed at the wallet: on another market it is the same refusal.
    expect((await call("POST", `/api/markets/${other.id}/bets`, { token: punter.token, body: good })).json).toMatchObject({ status: "rejected", reason: "INVALID" });
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(100_000);
    await checkMoney([punter.account.id], [market.id, other.id]);
    ws.close();
  });

  it("keeps a new id refused RATE_LIMITED refused when it is sent again, and lists the refusal in my bets", async () => {
    const { market, punter } = await setup();
    const ws = await mustOpen(market.id, { token: punter.token });
    await ws.next("snapshot");
    const ids = Array.from({ length: 25 }, (_, i) => `limited-${Date.now().toString(36)}-${i}`);
    for (const id of ids) ws.send({ type: "bet", id, selectionId: "home", stake: 100, odds: 2.5 });
    const answers = new Map<string, any>();
    while (answers.size < ids.length) {
      const f = await ws.next("bet", 5000);
      answers.set(f.id, f);
    }
    const limited = ids.filter((id) => answers.get(id).reason === "RATE_LIMITED");
    expect(limited.length).toBeGreaterThan(0);
    for (const id of limited) {
      const again = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: { id, selectionId: "home", stake: 100, odds: 2.5 } });
      expect(again.json).toMatchObject({ id, status: "rejected", reason: "RATE_LIMITED" });
    }
    const accepted = ids.length - limited.length;
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(100_000 - 100 * accepted);
    const mine = (await call("GET", "/api/me/bets", { token: punter.token })).json.bets;
    expect(mine.filter((b: any) => b.reason === "RATE_LIMITED").map((b: any) => b.id).sort()).toEqual([...limited].sort());
    await checkMoney([punter.account.id], [market.id]);
    ws.close();
  });

  it(`refuses every new id RATE_LIMITED, unkept, once an account has ${MAX_REFUSALS_PER_ACCOUNT} refusals on one market`, async () => {
    const { market, punter } = await setup();
    const account = punter.account.id as AccountId;
    await runInDurableObject(hubStub(market.id), (hub: MarketHub) => {
      hub.store.transact(() => {
        for (let i = 0; i < MAX_REFUSALS_PER_ACCOUNT; i++) {
          hub.store.putBet({
            account, id: `old-refusal-${i}` as BetId, selectionId: "home", stake: 1000 as Money, odds: 250 as Odds, accept: "exact",
            status: "rejected", phase: "done", reason: "ODDS_CHANGED", payout: 0 as Money, placedAt: i, settledAt: null, dueAt: null,
            askedUnder: 0, version: 1, syncedVersion: 1,
          });
        }
      });
    });
    const r = await bet(punter.token, market.id, {});
    expect(r.json).toMatchObject({ status: "rejected", reason: "RATE_LIMITED" });
    expect((await betsOf(market.id)).filter((b) => b.id === r.json.id)).toEqual([]);
    // An old id still gets its own first outcome.
    const old = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: { id: "old-refusal-7", selectionId: "home", stake: 1000, odds: 2.5 } });
    expect(old.json).toMatchObject({ status: "rejected", reason: "ODDS_CHANGED" });
    // Another account is not held back.
    const other = await punterSession("other");
    expect((await bet(other.token, market.id, {})).json.status).toBe("accepted");
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(100_000);
  });
});

describe("a bet id sent at once to two markets", () => {
  it("sends the second market's sockets a final frame once the first market's bet is final", async () => {
    const { admin, market, punter } = await setup();
    const other = await createMarket(admin);
    const [wsA, wsB] = [await mustOpen(market.id, { token: punter.token }), await mustOpen(other.id, { token: punter.token })];
    await Promise.all([wsA.next("snapshot"), wsB.next("snapshot")]);
    const wallet = await holdWalletAnswer(punter.account.id);
    const frame = { type: "bet", id: "two-markets-at-once", selectionId: "home", stake: 1000, odds: 2.5 };
    wsA.send(frame);
    await wallet.reached();
    // A holds the id at the wallet and awaits its answer; B asks now and learns the id is A's, still pending.
    wsB.send(frame);
    expect(await wsB.next("bet", 5000)).toMatchObject({ id: frame.id, status: "pending", bet: { marketId: market.id } });
    await wallet.release();
    expect(await wsA.next("bet", 5000)).toMatchObject({ id: frame.id, status: "accepted" });
    // B's final frame comes from its own alarm, within seconds.
    expect(await wsB.next("bet", 8000)).toMatchObject({ id: frame.id, status: "accepted", bet: { marketId: market.id } });
    expect(await betsOf(other.id)).toEqual([]);
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(99_000);
    await checkMoney([punter.account.id], [market.id, other.id]);
    wsA.close();
    wsB.close();
  });
});

describe("many bets on one market", () => {
  it("accepts a stake of the whole balance, leaving exactly 0, and refuses one cent more", async () => {
    const { admin, market, punter } = await setup({ maxStake: 200_000, maxPayout: 100_000_000 });
    expect((await bet(punter.token, market.id, { stake: 100_001 })).json).toMatchObject({ status: "rejected", reason: "INSUFFICIENT_FUNDS" });
    expect((await bet(punter.token, market.id, { stake: 100_000 })).json).toMatchObject({ status: "accepted", bet: { stake: 100_000 } });
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(0);
    expect((await bet(punter.token, market.id, { stake: 100 })).json).toMatchObject({ status: "rejected", reason: "INSUFFICIENT_FUNDS" });
    await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "away" } });
    await runDurableObjectAlarm(hubStub(market.id));
    expect((await call("GET", "/api/me", { token: punter.token })).json.account.balance).toBe(0);
    await checkMoney([punter.account.id], [market.id]);
  });

  it("takes 2,000 bets from 40 punters down to a balance of exactly 0 each, settles them all and pays each winner once", async () => {
    const { admin, market } = await setup({ maxStake: 100_000 });
    const punters = await Promise.all(Array.from({ length: 40 }, (_, i) => punterSession(`many-${i}`)));
    const hub = hubStub(market.id);
    const sels = ["home", "draw", "away"] as const;
    const odds = { home: 2.5, draw: 3.2, away: 2.9 };
    // 50 bets of 2,000 each: every punter's 100,000 is staked to the last cent.
    await Promise.all(
      punters.map(async (p, i) => {
        for (let k = 0; k < 50; k++) {
          const selectionId = sels[(i + k) % 3];
          const reply = await hub.placeBet(p.account.id as AccountId, { id: `many-${i}-${k}-bet`, selectionId, stake: 2000, odds: odds[selectionId] });
          expect(reply.status).toBe("accepted");
        }
      }),
    );
    for (const p of punters.slice(0, 3)) expect((await call("GET", "/api/me", { token: p.token })).json.account.balance).toBe(0);
    const exposure = (await call("GET", `/api/markets/${market.id}/exposure`, { token: admin })).json.exposure;
    expect(exposure.totalStake).toBe(2000 * 2000);
    expect(exposure.selections.reduce((n: number, s: any) => n + s.bets, 0)).toBe(2000);
    expect((await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "draw" } })).status).toBe(200);
    for (let i = 0; i < 5 && (await betsOf(market.id)).some((b) => b.phase !== "done"); i++) await runDurableObjectAlarm(hub);
    const bets = await betsOf(market.id);
    expect(bets.filter((b) => b.status === "won")).toHaveLength(bets.filter((b) => b.selectionId === "draw").length);
    expect(bets.filter((b) => b.status === "lost")).toHaveLength(bets.filter((b) => b.selectionId !== "draw").length);
    const total = await checkMoney(punters.map((p) => p.account.id), [market.id]);
    expect(total).toBe(bets.filter((b) => b.status === "won").reduce((s, b) => s + b.payout, 0));
  }, 120_000);
});

describe("a finished market's final result", () => {
  const finalOf = async (admin: string, marketId: string) => (await call("GET", `/api/markets/${marketId}/exposure`, { token: admin })).json.exposure;

  it("shows what the book took, paid out and kept once the market is settled with a winner", async () => {
    const { admin, market, punter } = await setup();
    for (const body of [
      { selectionId: "home", stake: 1000, odds: 2.5 },
      { selectionId: "home", stake: 2000, odds: 2.5 },
      { selectionId: "away", stake: 3000, odds: 2.9 },
    ]) expect((await bet(punter.token, market.id, body)).json.status).toBe("accepted");
    expect(await finalOf(admin, market.id)).not.toHaveProperty("final");
    expect((await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { winner: "home" } })).status).toBe(200);
    const exposure = await finalOf(admin, market.id);
    // Taken 1000 + 2000 + 3000; paid out 2500 + 5000 to the two home bets; the away stake is kept.
    expect(exposure.final).toEqual({ taken: 6000, paidOut: 7500, margin: -1500, bets: 3 });
    expect(exposure.totalStake).toBe(0);
  });

  it("shows every stake refunded and no margin once the market is voided", async () => {
    const { admin, market, punter } = await setup();
    for (const selectionId of ["home", "draw"]) expect((await bet(punter.token, market.id, { selectionId, stake: 1500, odds: selectionId === "home" ? 2.5 : 3.2 })).json.status).toBe("accepted");
    expect((await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { void: true } })).status).toBe(200);
    expect((await finalOf(admin, market.id)).final).toEqual({ taken: 3000, paidOut: 3000, margin: 0, bets: 2 });
  });
});

describe("bets held in an in-play delay", () => {
  it("shows all 600 held bets in exposure, and settlement refuses and refunds every one of them at once", async () => {
    const { admin, market } = await setup();
    const inPlay = await call("POST", `/api/markets/${market.id}/status`, { token: admin, body: { status: "open", inPlay: true, betDelayMs: 30_000 } });
    expect(inPlay.status).toBe(200);
    const punters = await Promise.all(Array.from({ length: 20 }, (_, i) => punterSession(`held-${i}`)));
    const hub = hubStub(market.id);
    await Promise.all(
      punters.map(async (p, i) => {
        for (let k = 0; k < 30; k++) {
          const reply = await hub.placeBet(p.account.id as AccountId, { id: `held-${i}-${k}-bet`, selectionId: "home", stake: 100, odds: 2.5 });
          expect(reply.status).toBe("pending");
        }
      }),
    );
    const exposure = (await call("GET", `/api/markets/${market.id}/exposure`, { token: admin })).json.exposure;
    expect(exposure).toMatchObject({ pendingBets: 600, totalStake: 600 * 100 });
    expect(exposure.selections.find((s: any) => s.id === "home")).toMatchObject({ bets: 600, stake: 60_000, payout: 600 * 250 });
    expect((await call("POST", `/api/markets/${market.id}/settle`, { token: admin, body: { void: true } })).status).toBe(200);
    // One alarm pass decides every held bet: none waits for its own delay to end.
    await runDurableObjectAlarm(hub);
    // Refused when the market shut, the held bets were never taken: the final result holds none of them.
    expect((await call("GET", `/api/markets/${market.id}/exposure`, { token: admin })).json.exposure.final).toEqual({ taken: 0, paidOut: 0, margin: 0, bets: 0 });
    const bets = await betsOf(market.id);
    expect(bets).toHaveLength(600);
    expect(bets.filter((b) => b.status === "rejected" && b.reason === "MARKET_CLOSED" && b.phase === "done")).toHaveLength(600);
    for (const p of punters.slice(0, 3)) expect((await call("GET", "/api/me", { token: p.token })).json.account.balance).toBe(100_000);
    await checkMoney(punters.map((p) => p.account.id), [market.id]);
  }, 60_000);
});

/** Make every delayed bet due and run the hub's alarm until the named bet is final (bounded). */
async function runInHubUntilSettled(marketId: string, id: string, opts: { dueNow: boolean }) {
  if (opts.dueNow) {
    await runInDurableObject(hubStub(marketId), (hub: MarketHub) => {
      for (const row of hub.store.betsInPhase("held")) hub.store.putBet({ ...row, dueAt: Date.now() - 1 });
    });
  }
  for (let i = 0; i < 5; i++) {
    await runDurableObjectAlarm(hubStub(marketId));
    const rows = await betsOf(marketId);
    if (rows.some((r) => r.id === id) && rows.every((r) => r.phase === "done")) return;
  }
  throw new Error(`bet ${id} did not settle down`);
}
