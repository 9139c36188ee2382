// Logout and the market sockets already open (review2's finding). Contract v1.1: after
// POST /api/session/logout "that token is refused from then on". A socket opened before the
// logout (by Bearer token or by ticket) carries its session's id; its bets' stake debits carry
// it to the wallet, which refuses a logged-out one with no money moved: the bet is rejected
// UNAUTHENTICATED and that session's sockets close with 4003. Another session of the same
// account keeps betting on its own socket.
import { describe, expect, it } from "vitest";
import { betsOf, ledgerOf, netByBet } from "../helpers/money.ts";
import { type TestSocket, adminSession, call, createMarket, marketAndPunter, mustOpen, uniqueId } from "../helpers/api.ts";

const bet = (id: string) => ({ type: "bet", id, selectionId: "home", stake: 100, odds: 2.5 });

/** A guest's socket with bet `betId` accepted on it: the market, the account, its token, and its balance after the stake. */
async function guestWithBet(betId: string) {
  const { market, token } = await marketAndPunter();
  const me = (await call("GET", "/api/me", { token })).json.account;
  const ws = await mustOpen(market.id, { token });
  await ws.next("snapshot");
  ws.send(bet(betId));
  expect(await ws.next("bet")).toMatchObject({ id: betId, status: "accepted" });
  const before = (await ledgerOf(me.id)).balance;
  expect(before).toBe(me.balance - 100);
  return { market, me, token, ws, before };
}

/** A socket opened (by `open`) before its session's logout: a bet sent on it after the logout is not accepted. */
async function betAfterLogout(id: string, open: (marketId: string, token: string) => Promise<TestSocket>) {
  const { market, token } = await marketAndPunter();
  const ws = await open(market.id, token);
  await ws.next("snapshot");
  expect((await call("POST", "/api/session/logout", { token })).status).toBe(204);
  ws.send({ type: "bet", id, selectionId: "home", stake: 100, odds: 2.5 });
  await ws.drain(500);
  expect((await betsOf(market.id)).filter((b) => b.id === id && b.status === "accepted")).toEqual([]);
}

describe("logout and sockets already open", () => {
  it("takes no bet from a socket whose session was logged out after it opened", async () => {
    await betAfterLogout("after-logout-1", (marketId, token) => mustOpen(marketId, { token }));
  });

  it("takes no bet from a socket opened with a ticket whose session was logged out after it opened", async () => {
    await betAfterLogout("after-logout-2", async (marketId, token) => {
      const ticket = (await call("POST", `/api/markets/${marketId}/ticket`, { token })).json.ticket;
      return mustOpen(marketId, { query: `ticket=${ticket}` });
    });
  });

  it("rejects a guest socket's bet after its logout UNAUTHENTICATED, moves no money, and closes the socket with 4003", async () => {
    const { market, me, token, ws, before } = await guestWithBet("before-logout");

    expect((await call("POST", "/api/session/logout", { token })).status).toBe(204);
    ws.send(bet("after-logout-3"));
    expect(await ws.next("bet")).toMatchObject({ id: "after-logout-3", status: "rejected", reason: "UNAUTHENTICATED" });
    expect(await ws.closedWith()).toMatchObject({ code: 4003, reason: "session ended" });
    expect((await ledgerOf(me.id)).balance).toBe(before);
    expect((await netByBet(me.id)).has(`${market.id}/after-logout-3`)).toBe(false);
    expect((await betsOf(market.id)).find((b) => b.id === "after-logout-3")).toMatchObject({ status: "rejected", reason: "UNAUTHENTICATED" });
  });

  it("closes only the logged-out session's socket: another session of the same registered account keeps betting on its own, and a retry of the refused id there answers the same refusal", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const name = uniqueId("n");
    const password = "correct horse battery";
    const reg = await call("POST", "/api/accounts", { body: { name, password } });
    expect(reg.status).toBe(201);
    const first = reg.json.token as string;
    const account = reg.json.account.id as string;
    const second = (await call("POST", "/api/session", { body: { name, password } })).json.token as string;
    const ticket = (await call("POST", `/api/markets/${market.id}/ticket`, { token: first })).json.ticket;
    const gone = await mustOpen(market.id, { query: `ticket=${ticket}` });
    const kept = await mustOpen(market.id, { token: second });
    await gone.next("snapshot");
    await kept.next("snapshot");

    expect((await call("POST", "/api/session/logout", { token: first })).status).toBe(204);
    gone.send(bet("logged-out"));
    expect(await gone.next("bet")).toMatchObject({ id: "logged-out", status: "rejected", reason: "UNAUTHENTICATED" });
    expect(await gone.closedWith()).toMatchObject({ code: 4003 });

    kept.send(bet("logged-out"));
    expect(await kept.next("bet")).toMatchObject({ id: "logged-out", status: "rejected", reason: "UNAUTHENTICATED" });
    kept.send(bet("still-in"));
    expect(await kept.next("bet")).toMatchObject({ id: "still-in", status: "accepted" });
    expect(kept.closed).toBeNull();
    const moved = await netByBet(account);
    expect(moved.has(`${market.id}/logged-out`)).toBe(false);
    expect(moved.get(`${market.id}/still-in`)).toMatchObject({ stake: -100 });
    kept.close();
  });

  it("refuses a cash out asked on a socket after its session's logout UNAUTHENTICATED, credits nothing, and closes the socket with 4003", async () => {
    const { me, token, ws, before } = await guestWithBet("to-cash-out");

    expect((await call("POST", "/api/session/logout", { token })).status).toBe(204);
    ws.send({ type: "cashout", betId: "to-cash-out", id: "co-after-logout", value: 1, accept: "better" });
    let answer: any;
    do answer = await ws.next("cashout");
    while (answer.status === undefined);
    expect(answer).toMatchObject({ id: "co-after-logout", betId: "to-cash-out", status: "rejected", reason: "UNAUTHENTICATED" });
    expect(await ws.closedWith()).toMatchObject({ code: 4003, reason: "session ended" });
    expect((await ledgerOf(me.id)).balance).toBe(before);
    expect((await ledgerOf(me.id)).entries.filter((e) => e.kind === "cashout")).toEqual([]);
  });
});
