// The trader's pushed book on the client: the SDK passes an `exposure` frame
// on as its own event (not a change: the market's seq stays), and the console
// sums the books it holds.
import { describe, expect, it } from "vitest";
import { MarketSubscription } from "../../client/sdk/market-socket.ts";
import type { Exposure } from "../../worker/protocol/schemas.ts";
import { wireMarket } from "../helpers/wire-market.ts";
import { ScriptedSocket, nextSocket } from "./scripted-socket.ts";

const book = (marketId: string, rows: [string, number, number, number][], pendingBets = 0): Exposure => {
  const totalStake = rows.reduce((sum, [, , stake]) => sum + stake, 0);
  return { marketId, totalStake, pendingBets, selections: rows.map(([id, bets, stake, payout]) => ({ id, bets, stake, payout, profitIfWins: totalStake - payout })) };
};

describe("the pushed book", () => {
  it("comes out of the subscription as an exposure event, leaving the market and its seq as they were", async () => {
    ScriptedSocket.opened = [];
    const sub = new MarketSubscription("http://book.test", "m1", { WebSocket: ScriptedSocket as unknown as new (url: string) => WebSocket });
    const got: Exposure[] = [];
    sub.on("exposure", (f) => got.push(f.exposure));
    const socket = await nextSocket(1);
    socket.open();
    socket.deliver({ type: "snapshot", seq: 5, epoch: "ep", market: wireMarket({ id: "m1", seq: 5, epoch: "ep" }) });
    const exposure = book("m1", [["a", 1, 1000, 2500]]);
    socket.deliver({ type: "exposure", seq: 5, exposure });
    socket.deliver({ type: "exposure", seq: 5, exposure: { marketId: "m1" } });
    expect(got).toEqual([exposure]);
    expect(sub.seq).toBe(5);
    expect(sub.state).toBe("live");
    sub.close();
  });
});
