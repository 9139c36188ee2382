// The contract's HTTP API as the benchmarks use it: sessions, markets, odds,
// bets, the account. Errors become exceptions carrying status and code.
import type { Account, BetReplyFrame, Market } from "../../worker/protocol/schemas.ts";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(message: string, status: number, code: string | undefined) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function call<T = any>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    throw new ApiError(`${method} ${path}: ${res.status} ${json?.error?.code ?? ""} ${json?.error?.message ?? text.slice(0, 200)}`.trim(), res.status, json?.error?.code);
  }
  return json as T;
}

export async function openSession(base: string, name: string, adminKey?: string): Promise<{ token: string; account: Account }> {
  return call(base, "POST", "/api/session", undefined, adminKey === undefined ? { name } : { name, adminKey });
}

export async function createMarket(base: string, admin: string, id: string): Promise<Market> {
  const body = {
    id,
    name: "Match odds",
    event: "Bench Reds v Bench Blues",
    selections: [
      { id: "home", name: "Reds", odds: 2.5 },
      { id: "draw", name: "Draw", odds: 3.2 },
      { id: "away", name: "Blues", odds: 2.9 },
    ],
  };
  const r = await call<{ market: Market }>(base, "POST", "/api/markets", admin, body);
  return r.market;
}

export async function pushOdds(base: string, admin: string, marketId: string, odds: Record<string, number>): Promise<number> {
  const r = await call<{ seq: number }>(base, "POST", `/api/markets/${marketId}/odds`, admin, { odds });
  return r.seq;
}

export async function placeBetHttp(base: string, token: string, marketId: string, bet: Record<string, unknown>): Promise<BetReplyFrame> {
  return call<BetReplyFrame>(base, "POST", `/api/markets/${marketId}/bets`, token, bet);
}

export async function me(base: string, token: string): Promise<Account> {
  return (await call<{ account: Account }>(base, "GET", "/api/me", token)).account;
}

/** Run `fn` over `items` with at most `limit` running at once. */
export async function inBatches<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
