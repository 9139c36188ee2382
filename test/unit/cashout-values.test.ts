// The live cash out values with a fake clock, store and sockets: the window
// per bet (at most one value per 250 ms, the latest arriving at its end),
// only the holder's sockets, null while the market is not open.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CashOutValues, VALUE_EVERY_MS } from "../../worker/hub/cashout-values.ts";
import type { HubStore } from "../../worker/hub/hub-store.ts";
import type { SocketRoom } from "../../worker/platform/socket-room.ts";
import type { BetRow } from "../../worker/rules/bet-record.ts";
import type { MarketState } from "../../worker/rules/market-book.ts";
import type { AccountId, Money, Odds, SelectionId } from "../../worker/protocol/units.ts";

const bet = (account: string, id: string, stake: number, odds: number, selectionId = "home") =>
  ({ account: account as AccountId, id, selectionId, stake: stake as Money, odds: odds as Odds, status: "accepted" }) as BetRow;

function world(bets: BetRow[]) {
  const market = {
    id: "m",
    status: "open",
    seq: 1,
    selections: [
      { id: "home" as SelectionId, name: "Home", odds: 250 as Odds },
      { id: "away" as SelectionId, name: "Away", odds: 300 as Odds },
    ],
  } as MarketState;
  const sent: { account: string; frame: { betId: string; value: number | null; seq: number } }[] = [];
  const sockets = { toAccount: (account: string, text: string) => sent.push({ account, frame: JSON.parse(text) }) } as unknown as SocketRoom;
  const store = { acceptedBets: () => bets } as unknown as HubStore;
  const values = new CashOutValues({ store, sockets, market: () => market, now: () => Date.now() });
  const odds = (home: number) => {
    market.selections[0].odds = home as Odds;
    market.seq++;
    values.afterChange({ type: "odds", seq: market.seq, ts: Date.now(), odds: { home: home / 100 } });
    // Values are worked out in the turn after the odds frame went out.
    vi.advanceTimersByTime(0);
  };
  return { market, sent, values, odds };
}

describe("live cash out values", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it("sends a bet's first change at once and holds the rest of its window, sending the latest at the window's end", () => {
    const w = world([bet("a", "b1", 1000, 250)]);
    w.odds(260);
    expect(w.sent.map((s) => s.frame.value)).toEqual([913]);
    for (const p of [270, 280, 290]) w.odds(p);
    expect(w.sent).toHaveLength(1);
    vi.advanceTimersByTime(VALUE_EVERY_MS);
    // floor(1000 x 250 x 95 / (290 x 100))
    expect(w.sent.map((s) => s.frame.value)).toEqual([913, 818]);
    expect(w.sent[1].frame.seq).toBe(w.market.seq);
    vi.advanceTimersByTime(5 * VALUE_EVERY_MS);
    expect(w.sent).toHaveLength(2);
  });

  it("sends nothing when a change leaves a bet's value where it was, and nothing for bets on other selections", () => {
    const w = world([bet("a", "b1", 1000, 250), bet("b", "b2", 1000, 300, "away")]);
    w.odds(251);
    expect(w.sent.map((s) => s.account)).toEqual(["a"]);
    // 251 -> 250 -> 251 within the window: back at the value the punter last saw, so nothing more.
    w.odds(250);
    w.odds(251);
    vi.advanceTimersByTime(VALUE_EVERY_MS);
    expect(w.sent).toHaveLength(1);
  });

  it("sends each value only to the account holding the bet", () => {
    const w = world([bet("a", "b1", 1000, 250), bet("b", "b2", 500, 250)]);
    w.odds(200);
    expect(w.sent).toEqual([
      { account: "a", frame: { type: "cashout", betId: "b1", value: 1187, seq: 2 } },
      { account: "b", frame: { type: "cashout", betId: "b2", value: 593, seq: 2 } },
    ]);
  });

  it("sends null while the market is not open, and values again when it reopens", () => {
    const w = world([bet("a", "b1", 1000, 250)]);
    w.market.status = "suspended";
    w.values.afterChange({ type: "status", seq: 2, ts: 0, status: "suspended", inPlay: false, betDelayMs: 0 });
    vi.advanceTimersByTime(VALUE_EVERY_MS);
    w.market.status = "open";
    w.values.afterChange({ type: "status", seq: 3, ts: 0, status: "open", inPlay: false, betDelayMs: 0 });
    expect(w.sent.map((s) => s.frame.value)).toEqual([null, 950]);
  });

  it("forgets a bet once cashed out or settled, and follows a bet's smaller stake after a part is cashed out", () => {
    const w = world([bet("a", "b1", 1000, 250), bet("a", "b2", 1000, 250)]);
    w.values.betChanged({ ...bet("a", "b1", 1000, 250), status: "cashed_out" });
    w.values.betChanged(bet("a", "b2", 400, 250));
    expect(w.sent.map((s) => [s.frame.betId, s.frame.value])).toEqual([["b2", 380]]);
    vi.advanceTimersByTime(VALUE_EVERY_MS);
    w.odds(200);
    expect(w.sent.map((s) => [s.frame.betId, s.frame.value])).toEqual([["b2", 380], ["b2", 475]]);
    vi.advanceTimersByTime(VALUE_EVERY_MS);
    w.market.status = "settled";
    w.values.afterChange({ type: "settled", seq: 9, ts: 0, winner: "home" });
    vi.advanceTimersByTime(VALUE_EVERY_MS);
    w.odds(300);
    vi.advanceTimersByTime(VALUE_EVERY_MS);
    expect(w.sent.map((s) => s.frame.value)).toEqual([380, 475, null]);
  });
});
