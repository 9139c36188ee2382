// The typed HTTP client for every route of the contract. Bodies go out as the
// shared request types; answers are checked against the shared schemas, so a
// caller never holds a value the contract does not promise.
import * as v from "valibot";
import {
  AccountSchema,
  BetReplyFrame,
  BetSchema,
  CashOutReplyFrame,
  ErrorBodySchema,
  ExposureSchema,
  MarketEventSchema,
  MarketSchema,
  OddsHistorySchema,
  parse,
} from "../../worker/protocol/schemas.ts";
import type {
  Account,
  Bet,
  BetBody,
  CashOutBody,
  CreateMarketBody,
  Exposure,
  Market,
  MarketEvent,
  OddsPoint,
  StatusBody,
  BetReplyFrame as BetReply,
} from "../../worker/protocol/schemas.ts";
import { MarketPageSchema, type MarketPage } from "../../worker/protocol/book.ts";
import * as pk from "../../worker/protocol/passkeys.ts";
import { MultipleAnswerSchema, MultiplePageSchema, type Multiple, type MultipleBody } from "../../worker/protocol/multiples.ts";
import type { MarketStatus } from "../../worker/protocol/codes.ts";
import { ApiError } from "./api-error.ts";
import { BalanceAnswer, LimitsAnswer, StatementAnswer, type Limits, type LimitsState, type StatementPage } from "./wallet-schemas.ts";

const SessionAnswer = v.object({ token: v.string(), account: AccountSchema });
const AccountAnswer = v.object({ account: AccountSchema });
const BetsAnswer = v.object({ bets: v.array(BetSchema) });
const MarketsAnswer = v.object({ markets: v.array(MarketSchema) });
const MarketAnswer = v.object({ market: MarketSchema });
const SeqAnswer = v.object({ seq: v.number() });
const TicketAnswer = v.object({ ticket: v.string() });
const EventsAnswer = v.object({ events: v.array(MarketEventSchema), next: v.optional(v.number()) });
const ExposureAnswer = v.object({ exposure: ExposureSchema });
const HealthAnswer = v.object({ ok: v.literal(true) });
const HistoryAnswer = OddsHistorySchema;
/** 204 and the account routes whose 200 the contract gives no body: nothing to read. */
const NoAnswer = v.unknown();

export type Session = v.InferOutput<typeof SessionAnswer>;
export type EventsPage = { events: MarketEvent[]; next?: number };
/** `odds` maps selection ids to decimal odds. */
export type OddsUpdate = Record<string, number>;
/** `GET /api/markets` filters (docs/protocol.md); `status` may hold several. */
export type MarketQuery = { status?: MarketStatus[]; event?: string; inPlay?: boolean; limit?: number; cursor?: string };
export type Settlement = { winner: string } | { void: true };

export interface ApiOptions {
  /** Per request; 15 s unless set. */
  timeoutMs?: number;
  /** For tests or non-standard hosts; the global fetch otherwise. */
  fetch?: typeof fetch;
}

export class EdgebookApi {
  readonly baseUrl: string;
  /** The session token sent as `Authorization: Bearer`; `session()` sets it. */
  token: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(baseUrl: string, token?: string, options: ApiOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.token = token;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Open a session (an admin one with `adminKey`) and keep its token for later calls. */
  async session(name: string, adminKey?: string): Promise<Session> {
    const body = adminKey === undefined ? { name } : { name, adminKey };
    const answer = await this.#call("POST", "/api/session", SessionAnswer, body);
    this.token = answer.token;
    return answer;
  }

  /** Register an account by name and password (10 characters or more) and keep its session's token. */
  async register(name: string, password: string): Promise<Session> {
    return this.#open("/api/accounts", { name, password });
  }

  /** Log in to a registered account; a wrong name or password is the same 401 `UNAUTHENTICATED`. */
  async login(name: string, password: string): Promise<Session> {
    return this.#open("/api/session", { name, password });
  }

  /** Revoke this session's token on the server and forget it here. */
  async logout(): Promise<void> {
    await this.#call("POST", "/api/session/logout", NoAnswer);
    this.token = undefined;
  }

  /** Passkeys: options for `navigator.credentials.create()` to register `name` as a new account (409 if taken). */
  async passkeyRegisterOptions(name: string): Promise<pk.CreationOptions> {
    return (await this.#call("POST", "/api/passkeys/register/options", pk.CreationOptionsAnswer, { name })).publicKey;
  }

  /** Register `name` with the credential the browser made, and keep its session's token. */
  async passkeyRegister(name: string, credential: pk.RegistrationCredential): Promise<Session> {
    return this.#open("/api/passkeys/register", { name, credential });
  }

  /** Options for `navigator.credentials.get()`: the passkey chosen names the account. */
  async passkeyLoginOptions(): Promise<pk.RequestOptions> {
    return (await this.#call("POST", "/api/passkeys/login/options", pk.RequestOptionsAnswer)).publicKey;
  }

  /** Log in with the credential the browser made; any failed check is 401 `UNAUTHENTICATED`. */
  async passkeyLogin(credential: pk.AuthenticationCredential): Promise<Session> {
    return this.#open("/api/passkeys/login", { credential });
  }

  /** Options to add a passkey to this session's registered account. */
  async addPasskeyOptions(): Promise<pk.CreationOptions> {
    return (await this.#call("POST", "/api/me/passkeys/options", pk.CreationOptionsAnswer)).publicKey;
  }

  async addPasskey(credential: pk.RegistrationCredential): Promise<pk.Passkey> {
    return (await this.#call("POST", "/api/me/passkeys", pk.PasskeyAnswer, { credential })).passkey;
  }

  async passkeys(): Promise<pk.Passkey[]> {
    return (await this.#call("GET", "/api/me/passkeys", pk.PasskeysAnswer)).passkeys;
  }

  async #open(path: string, body: object): Promise<Session> {
    const answer = await this.#call("POST", path, SessionAnswer, body);
    this.token = answer.token;
    return answer;
  }

  /** One page of the wallet's ledger, newest first, each entry with the balance after it; pass `next` back as `cursor`. */
  async statement(cursor?: string): Promise<StatementPage> {
    const page = await this.#call("GET", `/api/me/statement${cursor === undefined ? "" : `?cursor=${encodeURIComponent(cursor)}`}`, StatementAnswer);
    return page.next == null ? { entries: page.entries } : { entries: page.entries, next: page.next };
  }

  /** Demo money in; `id` is the idempotency key: the same id again is credited once. Answers the balance. */
  async deposit(id: string, amount: number): Promise<number> {
    return (await this.#call("POST", "/api/me/deposit", BalanceAnswer, { id, amount })).balance;
  }

  /** Money out; more than the balance is 409 `INSUFFICIENT_FUNDS`. Answers the balance. */
  async withdraw(id: string, amount: number): Promise<number> {
    return (await this.#call("POST", "/api/me/withdraw", BalanceAnswer, { id, amount })).balance;
  }

  /** The limits in force and, when a raise or removal waits its 24 h, the pending ones. */
  async limits(): Promise<LimitsState> {
    return this.#call("GET", "/api/me/limits", LimitsAnswer);
  }

  /** A lower limit applies at once; a higher or removed one after 24 h. */
  async setLimits(limits: Limits): Promise<void> {
    await this.#call("PUT", "/api/me/limits", NoAnswer, limits);
  }

  /** Self-exclusion for 1 to 3650 days: cannot be shortened once set. */
  async exclude(days: number): Promise<void> {
    await this.#call("POST", "/api/me/exclusion", NoAnswer, { days });
  }

  async me(): Promise<Account> {
    return (await this.#call("GET", "/api/me", AccountAnswer)).account;
  }

  /** The session's bets, newest first. */
  async myBets(): Promise<Bet[]> {
    return (await this.#call("GET", "/api/me/bets", BetsAnswer)).bets;
  }

  /** Place a multiple (2 to 10 legs on distinct markets); the same id again answers as it stands. */
  async placeMultiple(body: MultipleBody): Promise<Multiple> {
    return (await this.#call("POST", "/api/multiples", MultipleAnswerSchema, body)).multiple;
  }

  /** One page of the session's multiples, newest first; `next` names the following page. */
  async myMultiples(cursor?: string): Promise<{ multiples: Multiple[]; next?: string }> {
    return this.#call("GET", `/api/me/multiples${cursor === undefined ? "" : `?cursor=${encodeURIComponent(cursor)}`}`, MultiplePageSchema);
  }

  async markets(): Promise<Market[]> {
    return (await this.#call("GET", "/api/markets", MarketsAnswer)).markets;
  }

  /** One page of the market list, oldest first; pass `next` back as `cursor` for the following page. */
  async marketsPage(query: MarketQuery = {}): Promise<MarketPage> {
    const params = new URLSearchParams();
    for (const status of query.status ?? []) params.append("status", status);
    if (query.event !== undefined) params.set("event", query.event);
    if (query.inPlay !== undefined) params.set("inPlay", String(query.inPlay));
    if (query.limit !== undefined) params.set("limit", String(query.limit));
    if (query.cursor !== undefined) params.set("cursor", query.cursor);
    const search = params.toString();
    return this.#call("GET", `/api/markets${search ? `?${search}` : ""}`, MarketPageSchema);
  }

  async market(id: string): Promise<Market> {
    return (await this.#call("GET", `/api/markets/${seg(id)}`, MarketAnswer)).market;
  }

  async createMarket(body: CreateMarketBody): Promise<Market> {
    return (await this.#call("POST", "/api/markets", MarketAnswer, body)).market;
  }

  /** Returns the market's seq after the push (unchanged when the push changed nothing). */
  async pushOdds(id: string, odds: OddsUpdate): Promise<number> {
    return (await this.#call("POST", `/api/markets/${seg(id)}/odds`, SeqAnswer, { odds })).seq;
  }

  async setStatus(id: string, body: StatusBody): Promise<number> {
    return (await this.#call("POST", `/api/markets/${seg(id)}/status`, SeqAnswer, body)).seq;
  }

  async settle(id: string, body: Settlement): Promise<number> {
    return (await this.#call("POST", `/api/markets/${seg(id)}/settle`, SeqAnswer, body)).seq;
  }

  /** The bet answer, as the socket would send it; the same `id` again answers as the bet stands. */
  async placeBet(id: string, bet: BetBody): Promise<BetReply> {
    return this.#call("POST", `/api/markets/${seg(id)}/bets`, BetReplyFrame, bet);
  }

  /** v1.1: cash out a bet of yours (whole, or `stake` of it); the answer as the socket's `cashout` frame. */
  async cashOut(id: string, betId: string, body: CashOutBody): Promise<v.InferOutput<typeof CashOutReplyFrame>> {
    return this.#call("POST", `/api/markets/${seg(id)}/bets/${seg(betId)}/cashout`, CashOutReplyFrame, body);
  }

  /** Admin only: accepted, unsettled bets per selection and the book's result if each wins, in cents. */
  async exposure(id: string): Promise<Exposure> {
    return (await this.#call("GET", `/api/markets/${seg(id)}/exposure`, ExposureAnswer)).exposure;
  }

  /** A single-use socket ticket for this market, valid 60 s. */
  async ticket(id: string): Promise<string> {
    return (await this.#call("POST", `/api/markets/${seg(id)}/ticket`, TicketAnswer)).ticket;
  }

  /** A single-use ticket for the book socket, valid 60 s: a trader's book socket carries the book figures. */
  async bookTicket(): Promise<string> {
    return (await this.#call("POST", "/api/book/ticket", TicketAnswer)).ticket;
  }

  /** One page of the market's event log, oldest first; pass `next` as `after` for the following page. */
  /** The market's last odds changes (at most `limit`, 1 to 200), oldest first: for a price chart. */
  async oddsHistory(id: string, limit = 60): Promise<OddsPoint[]> {
    return (await this.#call("GET", `/api/markets/${seg(id)}/history?limit=${limit}`, HistoryAnswer)).history;
  }

  async events(id: string, page: { after?: number; limit?: number } = {}): Promise<EventsPage> {
    const q = new URLSearchParams();
    if (page.after !== undefined) q.set("after", String(page.after));
    if (page.limit !== undefined) q.set("limit", String(page.limit));
    const query = q.toString() ? `?${q}` : "";
    return this.#call("GET", `/api/markets/${seg(id)}/events${query}`, EventsAnswer);
  }

  async feedHeartbeat(id: string): Promise<number> {
    return (await this.#call("POST", `/api/markets/${seg(id)}/feed/heartbeat`, SeqAnswer, {})).seq;
  }

  async health(): Promise<boolean> {
    return (await this.#call("GET", "/api/health", HealthAnswer)).ok;
  }

  async #call<S extends v.GenericSchema>(method: string, path: string, schema: S, body?: unknown): Promise<v.InferOutput<S>> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new ApiError(0, "NETWORK", err instanceof Error ? err.message : "network error");
    }
    let json: unknown;
    try {
      const text = await res.text();
      json = text === "" && res.ok && schema === NoAnswer ? undefined : JSON.parse(text);
    } catch {
      throw new ApiError(res.status, "BAD_RESPONSE", `${method} ${path}: answer is not JSON (status ${res.status})`);
    }
    if (!res.ok) {
      const error = parse(ErrorBodySchema, json);
      if (!error.ok) throw new ApiError(res.status, "BAD_RESPONSE", `${method} ${path}: status ${res.status}`);
      throw new ApiError(res.status, error.value.error.code as ApiError["code"], error.value.error.message);
    }
    const answer = parse(schema, json);
    if (!answer.ok) throw new ApiError(res.status, "BAD_RESPONSE", `${method} ${path}: ${answer.message}`);
    return answer.value;
  }
}

/** Ids are checked by the server; encoding keeps a hostile id from changing the path. */
function seg(id: string): string {
  return encodeURIComponent(id);
}
