// The SDK's BookSubscription with a trader's ticket, against a scripted
// socket: a fresh ticket on each connect, figures held per market of the view,
// dropped with each `book` frame and with a market that leaves.
import { describe, expect, it } from "vitest";
import { BookSubscription } from "../../client/sdk/book-socket.ts";
import { sumFigures } from "../../client/models/book-figures.ts";
import type { MarketTotals, Summary } from "../../worker/protocol/book.ts";
import { ScriptedSocket, nextSocket } from "./scripted-socket.ts";

const fast = { backoffBaseMs: 20, backoffCapMs: 40, random: () => 0.5 };
const summary = (id: string): Summary => ({ id, name: "Match odds", event: "A v B", status: "open", inPlay: false, selections: [{ id: "home", name: "Home", odds: 2 }], seq: 1 });
const figures = (id: string, staked: number, worstCase: number, bets: number, pending = 0): MarketTotals => ({ id, seq: 1, staked, worstCase, bets, pending });

describe("a trader's book subscription", () => {
  it("asks a fresh ticket per connect and holds the figures of the view's markets", async () => {
    ScriptedSocket.opened = [];
    let issued = 0;
    const sub = new BookSubscription("http://book.test", {}, {
      WebSocket: ScriptedSocket as unknown as new (url: string) => WebSocket,
      ...fast,
      ticket: async () => `t${++issued}`,
    });
    const heard: number[] = [];
    sub.on("totals", (all) => heard.push(all.size));
    const first = await nextSocket(1);
    expect(first.url.searchParams.get("ticket")).toBe("t1");
    first.open();
    first.deliver({ type: "book", markets: [summary("m1"), summary("m2")] });
    first.deliver({ type: "totals", markets: [figures("m1", 1000, -1500, 1), figures("m9", 5, 5, 5)] });
    first.deliver({ type: "totals", markets: [figures("m2", 2000, -4000, 1, 1)] });
    // m9 is not in the view: not held.
    expect(sub.totals("m9")).toBeUndefined();
    expect(heard).toEqual([1, 2]);
    first.deliver({ type: "totals", markets: [figures("m1", 3000, -500, 2)] });
    expect(sub.totals("m1")).toEqual(figures("m1", 3000, -500, 2));
    first.deliver({ type: "removed", id: "m2" });
    expect(sub.totals("m2")).toBeUndefined();

    first.drop();
    const second = await nextSocket(2);
    expect(second.url.searchParams.get("ticket")).toBe("t2");
    second.open();
    // A new book: nothing held from before until the figures that follow it.
    second.deliver({ type: "book", markets: [summary("m1")] });
    expect(sub.totals("m1")).toBeUndefined();
    sub.close();
  });

  it("opens as a viewer when no ticket can be had", async () => {
    ScriptedSocket.opened = [];
    const sub = new BookSubscription("http://book.test", {}, {
      WebSocket: ScriptedSocket as unknown as new (url: string) => WebSocket,
      ...fast,
      ticket: () => Promise.reject(new Error("401")),
    });
    const socket = await nextSocket(1);
    expect(socket.url.searchParams.has("ticket")).toBe(false);
    sub.close();
  });

  it("sums the figures of the markets shown, a market without any counting as no bets", () => {
    const held = new Map([
      ["a", figures("a", 1000, -1500, 1)],
      ["b", figures("b", 2000, -4000, 2, 1)],
      ["c", figures("c", 700, 300, 1)],
    ]);
    expect(sumFigures(["a", "b", "z"], held)).toEqual({ markets: 3, staked: 3000, worstCase: -5500, bets: 3, pending: 1 });
    expect(sumFigures([], held)).toEqual({ markets: 0, staked: 0, worstCase: 0, bets: 0, pending: 0 });
  });
});
