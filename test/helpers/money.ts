// Money checks for tests: read every wallet's ledger and every hub's bets,
// and prove that each bet moved exactly the money its status says.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import type { BetRow } from "../../worker/rules/bet-record.ts";
import type { CashOutRow } from "../../worker/hub/cashout-store.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";

export const hubStub = (id: string) => env.MARKET_HUB.get(env.MARKET_HUB.idFromName(id));
export const walletStub = (account: string) => env.WALLET.get(env.WALLET.idFromName(account));

/**
 * Hold the account's wallet after it commits its next money move and before it
 * answers: to the hub the call is still in flight. `reached` waits (bounded)
 * until a call is held; `release` lets it answer.
 */
export async function holdWalletAnswer(account: string) {
  const stub = walletStub(account);
  await runInDurableObject(stub, (w: Wallet) => w.faults.hold("wallet:committed"));
  return {
    async reached(): Promise<void> {
      for (let i = 0; i < 200; i++) {
        if (await runInDurableObject(stub, (w: Wallet) => w.faults.holding("wallet:committed"))) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no wallet call reached the hold for ${account}`);
    },
    release: () => runInDurableObject(stub, (w: Wallet) => w.faults.release("wallet:committed")),
  };
}

export async function betsOf(marketId: string): Promise<BetRow[]> {
  return runInDurableObject(hubStub(marketId), (hub: MarketHub) => hub.store.allBets());
}

/** Every cash out request the market's hub keeps. */
export async function cashOutsOf(marketId: string): Promise<CashOutRow[]> {
  return runInDurableObject(hubStub(marketId), (hub: MarketHub) => hub.cashouts.all());
}

/** The market's status as its hub stores it. */
export async function marketStatusOf(marketId: string): Promise<string | undefined> {
  return runInDurableObject(hubStub(marketId), (hub: MarketHub) => hub.store.loadMarket()?.status);
}

/** Statuses a bet may stand in once its market is settled or voided. */
const FINAL = ["rejected", "won", "lost", "void", "cashed_out"];

export async function ledgerOf(account: string) {
  return runInDurableObject(walletStub(account), (w: Wallet) => w.audit(100_000));
}

/** `cashout` only where the bet was cashed out (whole or in parts): the sum of its credits. */
type Moved = { stake: number; refund: number; payout: number; cashout?: number };

/** Net money each bet key (`marketId/betId`) moved in a list of ledger entries. */
export function netOf(entries: { key: string; amount: number }[]): Map<string, Moved> {
  const out = new Map<string, Moved>();
  for (const e of entries) {
    // A cash out's key names its bet and its own request id: `cashout:market/bet/request`.
    const c = e.key.match(/^cashout:([^/]+\/[^/]+)\/[^/]+$/);
    if (c) {
      const cur = out.get(c[1]) ?? { stake: 0, refund: 0, payout: 0 };
      cur.cashout = (cur.cashout ?? 0) + e.amount;
      out.set(c[1], cur);
      continue;
    }
    const m = e.key.match(/^(stake|refund|payout):(.+)$/);
    if (!m) continue;
    const cur = out.get(m[2]) ?? { stake: 0, refund: 0, payout: 0 };
    cur[m[1] as "stake" | "refund" | "payout"] += e.amount;
    out.set(m[2], cur);
  }
  return out;
}

/** Net money each bet key moved in one account's ledger. */
export async function netByBet(account: string): Promise<Map<string, Moved>> {
  return netOf((await ledgerOf(account)).entries);
}

/**
 * For settled-down books (no saga in flight): every wallet's balance equals
 * its ledger sum and is never negative, and every bet moved exactly what its
 * status says: accepted or lost −stake, won −stake+payout, void and rejected 0.
 * Returns the total of all balances.
 */
export async function checkMoney(accounts: string[], marketIds: string[]): Promise<number> {
  return (await moneyAtRest(accounts, marketIds)).total;
}

/**
 * `checkMoney`, reading each object once, and also: no ledger row on these
 * markets without its bet, and no bet id of an account debited on two markets.
 * Returns the total of all balances and the bets it read.
 */
export async function moneyAtRest(accounts: string[], marketIds: string[]) {
  const [bets, audits, statuses, cashOuts] = await Promise.all([
    Promise.all(marketIds.map(async (m) => (await betsOf(m)).map((b) => ({ ...b, marketId: m })))).then((x) => x.flat()),
    Promise.all(accounts.map(ledgerOf)),
    Promise.all(marketIds.map(marketStatusOf)),
    Promise.all(marketIds.map(async (m) => (await cashOutsOf(m)).map((c) => ({ ...c, marketId: m })))).then((x) => x.flat()),
  ]);
  // On a settled or voided market every bet is final: none still accepted, pending or anything else.
  for (const [i, marketId] of marketIds.entries()) {
    if (statuses[i] !== "settled" && statuses[i] !== "voided") continue;
    const open = bets.filter((b) => b.marketId === marketId && !FINAL.includes(b.status));
    if (open.length > 0) throw new Error(`market ${marketId} is ${statuses[i]} but ${open.length} bet(s) are not final, e.g. ${open[0].id} ${open[0].status}`);
  }
  let total = 0;
  for (const [i, account] of accounts.entries()) {
    const audit = audits[i];
    if (audit.balance !== audit.ledgerSum) throw new Error(`${account}: balance ${audit.balance} != ledger ${audit.ledgerSum}`);
    if (audit.balance < 0) throw new Error(`${account}: negative balance`);
    total += audit.balance;
    const net = netOf(audit.entries);
    const mine = bets.filter((x) => x.account === account);
    const debitedOn = new Map<string, string>();
    for (const key of net.keys()) {
      const [marketId, id] = [key.slice(0, key.indexOf("/")), key.slice(key.indexOf("/") + 1)];
      if (marketIds.includes(marketId) && !mine.some((b) => b.marketId === marketId && b.id === id)) {
        throw new Error(`${account}: money moved for ${key}, which no hub holds`);
      }
      if ((net.get(key)?.stake ?? 0) === 0) continue;
      const other = debitedOn.get(id);
      if (other !== undefined) throw new Error(`${account}: bet id ${id} debited on ${other} and on ${marketId}`);
      debitedOn.set(id, marketId);
    }
    for (const b of mine) {
      const moved = net.get(`${b.marketId}/${b.id}`) ?? { stake: 0, refund: 0, payout: 0 };
      if (moved.refund !== 0 && moved.payout !== 0) throw new Error(`bet ${b.id} both refunded and paid`);
      // Cash outs done on the bet: each credited its value once; the stake taken was the rest plus the parts cashed out.
      const done = cashOuts.filter((c) => c.marketId === b.marketId && c.account === account && c.betId === b.id && c.status === "done");
      if (done.some((c) => c.phase !== "done")) throw new Error(`bet ${b.id} has a cash out whose credit is still owed`);
      const values = done.reduce((n, c) => n + (c.value ?? 0), 0);
      const parts = done.reduce((n, c) => n + (c.stake ?? 0), 0);
      if ((moved.cashout ?? 0) !== values) throw new Error(`bet ${b.id}: cash outs credited ${moved.cashout ?? 0}, its hub says ${values}`);
      const taken = b.status === "cashed_out" ? parts : b.stake + parts;
      if (b.status === "cashed_out" && b.payout !== done.at(-1)?.value) throw new Error(`bet ${b.id} cashed out with payout ${b.payout}`);
      const expected: Record<string, number> = {
        accepted: -taken + values,
        lost: -taken + values,
        won: -taken + values + b.payout,
        void: values - parts,
        rejected: 0,
        cashed_out: -taken + values,
      };
      if (!(b.status in expected)) throw new Error(`bet ${b.id} still ${b.status} (${b.phase})`);
      // An independent oracle for the price: floor(stake * odds) in integers.
      const fair = Math.floor((b.stake * b.odds) / 100);
      const wantPayout = { accepted: fair, won: fair, void: b.stake, lost: 0, rejected: 0, cashed_out: b.payout }[b.status as string];
      if (b.payout !== wantPayout) throw new Error(`bet ${b.id} is ${b.status} with payout ${b.payout}, expected ${wantPayout}`);
      const got = moved.stake + moved.refund + moved.payout + (moved.cashout ?? 0);
      if (got !== expected[b.status]) {
        throw new Error(`bet ${b.id} is ${b.status} but moved ${got} (stake ${moved.stake}, refund ${moved.refund}, payout ${moved.payout})`);
      }
      if (b.phase !== "done") throw new Error(`bet ${b.id} left in phase ${b.phase}`);
    }
  }
  return { total, bets };
}
