// The SDK's account calls against the real Worker in workerd: register, log
// in, log out (the token refused after), the refusals a punter must be told
// apart, and the wallet routes the server may not have yet answering 404. The
// account page's wallet model keeps one idempotency id across a retry.
import { exports } from "cloudflare:workers";
import { signal } from "@preact/signals";
import { describe, expect, it } from "vitest";
import { accountErrorText } from "../../client/account-messages.ts";
import { WalletMoves, pendingLines } from "../../client/models/wallet-moves.ts";
import { ApiError } from "../../client/sdk/api-error.ts";
import { EdgebookApi } from "../../client/sdk/api.ts";

const BASE = "http://edgebook.test";
let unique = 0;
const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++unique}`;
/** Each client from its own address, so the per-address login budget is never what a test meets. */
const workerFetch = (address: string): typeof fetch => async (input, init) => {
  const request = new Request(input as RequestInfo, init);
  request.headers.set("cf-connecting-ip", address);
  return exports.default.fetch(request);
};
const client = (token?: string) => new EdgebookApi(BASE, token, { fetch: workerFetch(`10.8.${++unique % 250}.${Math.floor(Math.random() * 250)}`) });

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("accounts through the SDK", () => {
  it("registers, logs out (the token then refused), and logs in again to the same account", async () => {
    const name = uniqueName("reg");
    const api = client();
    const first = await api.register(name, "a-long-password");
    expect(api.token).toBe(first.token);
    expect((await api.me()).id).toBe(first.account.id);
    const old = first.token;
    await api.logout();
    expect(api.token).toBeUndefined();
    expect((await refusal(client(old).me())).status).toBe(401);
    const again = client();
    const second = await again.login(name, "a-long-password");
    expect(second.account.id).toBe(first.account.id);
    expect(second.account.balance).toBe(first.account.balance);
  });

  it("tells a taken name, a short password and a wrong password apart, and says the same for an unknown name", async () => {
    const name = uniqueName("taken");
    await client().register(name, "a-long-password");
    const taken = await refusal(client().register(name, "another-password"));
    expect([taken.status, taken.code]).toEqual([409, "NAME_TAKEN"]);
    const short = await refusal(client().register(uniqueName("short"), "123456789"));
    expect([short.status, short.code]).toEqual([400, "INVALID"]);
    const wrong = await refusal(client().login(name, "not-the-password"));
    const unknown = await refusal(client().login(uniqueName("nobody"), "not-the-password"));
    expect([wrong.status, wrong.code]).toEqual([401, "UNAUTHENTICATED"]);
    expect([unknown.status, unknown.code, unknown.message]).toEqual([wrong.status, wrong.code, wrong.message]);
    expect(accountErrorText(taken, "")).toMatch(/taken/);
    expect(accountErrorText(wrong)).toBe("Wrong name or password.");
    expect(accountErrorText(new ApiError(429, "RATE_LIMITED", "slow down"))).toMatch(/Too many attempts/);
  });
});

describe("the account page's wallet", () => {
  /** A session for the model: the real client, and a record of the balances it was told. */
  async function walletFor(api: EdgebookApi) {
    const balances: number[] = [];
    const session = { api: signal(api), setBalance: (b: number) => void balances.push(b), refresh: async () => {} };
    return { wallet: new WalletMoves(session), balances };
  }

  it("marks each wallet part unavailable when the server answers 404 for its route, without failing the others", async () => {
    // A Worker without the routes (or with them: then they answer and the parts are available).
    const api = client();
    await api.session(uniqueName("guest"));
    const { wallet } = await walletFor(api);
    await wallet.load();
    const has = async (path: string) => (await exports.default.fetch(new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${api.token}` } }))).status !== 404;
    expect(wallet.statementState.value).toBe((await has("/api/me/statement")) ? "available" : "unavailable");
    expect(wallet.limitsState.value).toBe((await has("/api/me/limits")) ? "available" : "unavailable");
  });

  it("sends a deposit's retry under the same idempotency id and a new submit under a fresh one", async () => {
    const sent: { id: string; amount: number }[] = [];
    let failNext = true;
    // The network fails the first attempt after the request left: the outcome is unknown, so the retry must reuse the id.
    const flaky: typeof fetch = async (input, init) => {
      const url = new URL(new Request(input as RequestInfo).url);
      if (url.pathname === "/api/me/deposit") {
        sent.push(JSON.parse(String(init?.body)));
        if (failNext) {
          failNext = false;
          throw new TypeError("network down");
        }
        return Response.json({ balance: 100_000 + sent[sent.length - 1].amount });
      }
      return Response.json({ error: { code: "NOT_FOUND", message: "no such route" } }, { status: 404 });
    };
    const { wallet, balances } = await walletFor(new EdgebookApi(BASE, "token", { fetch: flaky }));
    await wallet.deposit.submit(2_050);
    expect(wallet.deposit.retryable.value).toEqual({ id: sent[0].id, amount: 2_050 });
    await wallet.deposit.retry();
    await wallet.deposit.submit(500);
    expect(sent.map((s) => s.amount)).toEqual([2_050, 2_050, 500]);
    expect(sent[1].id).toBe(sent[0].id);
    expect(sent[2].id).not.toBe(sent[0].id);
    expect(sent.every((s) => /^[A-Za-z0-9_-]{8,64}$/.test(s.id))).toBe(true);
    expect(balances).toEqual([102_050, 100_500]);
    expect(wallet.deposit.retryable.value).toBeNull();
  });
});

/**
 * The wallet routes as the contract's table gives them, answered by a script:
 * they are not on this server yet (another branch), so what the client sends
 * and how it reads the answers is checked against the contract's shapes.
 */
describe("the wallet routes' client, against the contract's shapes", () => {
  function scripted(answers: Record<string, (url: URL, body: unknown) => Response>) {
    const asked: string[] = [];
    const fetcher: typeof fetch = async (input, init) => {
      const url = new URL(new Request(input as RequestInfo).url);
      const method = init?.method ?? "GET";
      asked.push(`${method} ${url.pathname}${url.search}`);
      const answer = answers[`${method} ${url.pathname}`];
      return answer ? answer(url, init?.body === undefined ? undefined : JSON.parse(String(init.body))) : Response.json({ error: { code: "NOT_FOUND", message: "no such route" } }, { status: 404 });
    };
    return { api: new EdgebookApi(BASE, "token", { fetch: fetcher }), asked };
  }
  const entry = (seq: number, amount: number, balance: number) => ({ seq, ts: 1_700_000_000_000 + seq, kind: "deposit", amount, balance, ref: `m_${seq}` });

  it("pages the statement by passing each page's next back as the cursor, and stops when there is none", async () => {
    const { api, asked } = scripted({
      "GET /api/me/statement": (url) =>
        url.searchParams.get("cursor") === "c/2" ? Response.json({ entries: [entry(1, 100, 100)] }) : Response.json({ entries: [entry(3, -50, 150), entry(2, 100, 200)], next: "c/2" }),
    });
    const session = { api: signal(api), setBalance: () => {}, refresh: async () => {} };
    const wallet = new WalletMoves(session);
    await wallet.more();
    expect(wallet.next.value).toBe("c/2");
    await wallet.more();
    expect(wallet.statement.value.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(wallet.next.value).toBeUndefined();
    expect(asked).toEqual(["GET /api/me/statement", "GET /api/me/statement?cursor=c%2F2"]);
  });

  it("refuses a statement whose amounts are not whole cents", async () => {
    const { api } = scripted({ "GET /api/me/statement": () => Response.json({ entries: [entry(1, 10.5, 10.5)] }) });
    const err = await refusal(api.statement());
    expect(err.code).toBe("BAD_RESPONSE");
  });

  it("sends limits and self-exclusion as the contract's bodies, and reads a 200 with or without a body", async () => {
    const bodies: unknown[] = [];
    const { api } = scripted({
      "PUT /api/me/limits": (_u, body) => (bodies.push(body), new Response(null, { status: 200 })),
      "POST /api/me/exclusion": (_u, body) => (bodies.push(body), Response.json({ until: 1 })),
      "POST /api/me/withdraw": () => Response.json({ error: { code: "INSUFFICIENT_FUNDS", message: "more than the balance" } }, { status: 409 }),
    });
    await api.setLimits({ lossPerDay: 5_000 });
    await api.exclude(30);
    expect(bodies).toEqual([{ lossPerDay: 5_000 }, { days: 30 }]);
    const err = await refusal(api.withdraw("m_0123456789", 1));
    expect([err.status, accountErrorText(err)]).toEqual([409, "That is more than your balance."]);
  });

  it("shows each pending raise or removal with when it applies", () => {
    const at = Date.UTC(2026, 11, 5, 12, 0);
    // The server's shape (worker/protocol/wallet.ts): each pending change as {value, at}, null removing the limit.
    const when = new Date(at).toLocaleString("en-GB", { dateStyle: "short", timeStyle: "short" });
    expect(pendingLines({ limits: { lossPerDay: 1_000 }, pending: { lossPerDay: { value: 5_000, at }, stakePerBet: { value: null, at } } })).toEqual([
      `Losses per day: 50.00 from ${when}`,
      `Stake per bet: no limit from ${when}`,
    ]);
    expect(pendingLines({ limits: {} })).toEqual([]);
  });
});
