// The book figures on the book socket: each market's hub sends its staked,
// worst case, bets and pending with its summary, through the shards and the
// relays, to book sockets opened by a trader (admin) session only. The same
// figures as the market's exposure route, summed.
import { describe, expect, it } from "vitest";
import type { MarketTotals, TotalsFrame } from "../../worker/protocol/book.ts";
import type { Exposure } from "../../worker/protocol/schemas.ts";
import { type TestSocket, adminSession, call, createMarket, openBook, punterSession, uniqueId } from "../helpers/api.ts";

async function mustOpenBook(opts: Parameters<typeof openBook>[0]): Promise<TestSocket> {
  const r = await openBook(opts);
  if (!r.socket) throw new Error(`book socket refused: ${r.status} ${JSON.stringify(r.json)}`);
  return r.socket;
}

const bet = async (token: string, marketId: string, selectionId: string, stake: number, odds: number) => {
  const r = await call("POST", `/api/markets/${marketId}/bets`, { token, body: { id: uniqueId("bet"), selectionId, stake, odds } });
  expect(r.json.status).toBe("accepted");
};

const httpExposure = async (admin: string, marketId: string): Promise<Exposure> =>
  (await call("GET", `/api/markets/${marketId}/exposure`, { token: admin })).json.exposure;

/** The exposure route's figures summed as the console sums them. */
function summed(e: Exposure): Omit<MarketTotals, "id" | "seq"> {
  return {
    staked: e.totalStake,
    worstCase: Math.min(...e.selections.map((s) => s.profitIfWins)),
    bets: e.selections.reduce((n, s) => n + s.bets, 0),
    pending: e.pendingBets,
  };
}

/** `totals` frames folded into the latest figures per market, until `done` holds for them. */
async function figuresUntil(ws: TestSocket, done: (held: Map<string, MarketTotals>) => boolean, held = new Map<string, MarketTotals>()) {
  const deadline = Date.now() + 5000;
  while (!done(held)) {
    const f: TotalsFrame = await ws.next("totals", Math.max(1, deadline - Date.now()));
    for (const t of f.markets) held.set(t.id, t);
  }
  return held;
}

const settledAt = (id: string, bets: number) => (held: Map<string, MarketTotals>) => held.get(id)?.bets === bets && held.get(id)?.pending === 0;

describe("book figures on the book socket", () => {
  it("reach an admin's book socket after a bet, equal to the exposure route's sums", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ws = await mustOpenBook({ query: `ids=${market.id}`, token: admin });
    expect((await ws.next()).type).toBe("book");
    // A trader's socket has its first figures right after the book, even with none yet.
    expect((await ws.next()).type).toBe("totals");
    const punter = await punterSession();
    await bet(punter.token, market.id, "home", 1000, 2.5);
    const held = await figuresUntil(ws, settledAt(market.id, 1));
    const exposure = await httpExposure(admin, market.id);
    expect(held.get(market.id)).toEqual({ id: market.id, seq: market.seq, ...summed(exposure) });
    expect(held.get(market.id)).toMatchObject({ staked: 1000, worstCase: -1500, bets: 1, pending: 0 });

    // A second bet on another selection moves the worst case to the house's worst outcome.
    await bet(punter.token, market.id, "away", 2000, 2.9);
    await figuresUntil(ws, settledAt(market.id, 2), held);
    expect(held.get(market.id)).toEqual({ id: market.id, seq: market.seq, ...summed(await httpExposure(admin, market.id)) });
    expect(held.get(market.id)).toMatchObject({ staked: 3000, worstCase: -2800, bets: 2 });
    ws.close();

    // A trader's new socket has the figures in its first totals frame.
    const again = await mustOpenBook({ query: `ids=${market.id}`, token: admin });
    expect((await again.next()).type).toBe("book");
    const first = await again.next();
    expect(first).toEqual({ type: "totals", markets: [held.get(market.id)] });
    again.close();
  });

  it("never reach a punter's or an anonymous book socket", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const punter = await punterSession();
    const query = `ids=${market.id}`;
    const trader = await mustOpenBook({ query, token: admin });
    const mine = await mustOpenBook({ query, token: punter.token });
    const viewer = await mustOpenBook({ query });
    await bet(punter.token, market.id, "home", 500, 2.5);
    // The trader's socket shows the figures went out; the others, on the same view and relay, had them not.
    await figuresUntil(trader, settledAt(market.id, 1));
    await call("POST", `/api/markets/${market.id}/odds`, { token: admin, body: { odds: { home: 2.4 } } });
    await trader.next("summary");
    for (const ws of [mine, viewer]) {
      const frames = [...ws.frames, ...(await ws.drain(50))];
      expect(frames.filter((f) => typeof f !== "string").map((f) => f.type)).toContain("summary");
      expect(frames.some((f) => typeof f !== "string" && f.type === "totals")).toBe(false);
      expect(JSON.stringify(frames)).not.toContain("staked");
    }
    for (const ws of [trader, mine, viewer]) ws.close();
  });

  it("carry several markets' figures on one socket", async () => {
    const admin = await adminSession();
    const event = uniqueId("Totals");
    const markets = [await createMarket(admin, { event }), await createMarket(admin, { event }), await createMarket(admin, { event })];
    const ws = await mustOpenBook({ query: `event=${event}`, token: admin });
    await ws.next("book");
    const punter = await punterSession();
    await bet(punter.token, markets[0].id, "home", 100, 2.5);
    await bet(punter.token, markets[1].id, "draw", 200, 3.2);
    await bet(punter.token, markets[2].id, "away", 300, 2.9);
    await bet(punter.token, markets[2].id, "home", 400, 2.5);
    const held = await figuresUntil(ws, (h) => settledAt(markets[0].id, 1)(h) && settledAt(markets[1].id, 1)(h) && settledAt(markets[2].id, 2)(h));
    for (const m of markets) expect(held.get(m.id)).toEqual({ id: m.id, seq: m.seq, ...summed(await httpExposure(admin, m.id)) });
    expect([...held.values()].reduce((n, t) => n + t.staked, 0)).toBe(1000);
    ws.close();
  });

  it("reach a socket opened with a trader's single-use book ticket, which a second open refuses", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const ticket = (await call("POST", "/api/book/ticket", { token: admin })).json.ticket as string;
    const ws = await mustOpenBook({ query: `ids=${market.id}&ticket=${ticket}` });
    await ws.next("book");
    expect((await ws.next()).type).toBe("totals");
    expect((await openBook({ query: `ids=${market.id}&ticket=${ticket}` })).status).toBe(401);
    // A market socket's ticket is not a book ticket.
    const marketTicket = (await call("POST", `/api/markets/${market.id}/ticket`, { token: admin })).json.ticket as string;
    expect((await openBook({ query: `ids=${market.id}&ticket=${marketTicket}` })).status).toBe(401);
    const punter = await punterSession();
    await bet(punter.token, market.id, "draw", 700, 3.2);
    expect((await figuresUntil(ws, settledAt(market.id, 1))).get(market.id)).toMatchObject({ staked: 700, bets: 1 });
    ws.close();
  });
});
