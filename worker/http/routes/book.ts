// The book's HTTP face: the book socket's front door (the market socket's
// checks, then the view asked for, then who is asking: a trader session's
// socket hears the book figures too) and the call counts a benchmark reads
// (admin only).
import { Hono } from "hono";
import * as v from "valibot";
import { bookOf, bookRelay, bookShard } from "../../book/book-config.ts";
import { signingSecret } from "../../config.ts";
import { ErrorCode, fail } from "../../errors.ts";
import { BookHeader, HubHeader } from "../../platform/object-headers.ts";
import { BookSocketQuery, BookStatsQuery } from "../../protocol/queries.ts";
import { parseView } from "../../rules/book-view.ts";
import type { AppEnv } from "../context.ts";
import { type RouteSpec, route, valid } from "../route.ts";
import { bearer, liveSession, stillLive } from "../session.ts";
import { admitSocketOpen } from "../socket-door.ts";
import { spend } from "../stubs.ts";
import { SESSION_TTL_MS, TICKET_TTL_MS, nowSeconds, sign, verify } from "../tokens.ts";
import { unwrap } from "../unwrap.ts";

/** What a book ticket names instead of a market: no market id has this shape, so neither socket takes the other's ticket. */
const BOOK_TICKET = "@book";

const Ticket = {
  summary: "A single-use ticket for the book socket, valid 60 s: a trader's socket then hears the book figures",
  who: "session",
  answer: { status: 201, description: "Ticket", schema: v.object({ ticket: v.string() }) },
  refusals: [429],
} satisfies RouteSpec;
const Socket = {
  summary: "The book socket (WebSocket upgrade): summaries of many markets live on one socket; frames in docs/protocol.md",
  query: v.object({
    ...BookSocketQuery.entries,
    ticket: v.optional(v.pipe(v.string(), v.description("A single-use ticket from POST /api/book/ticket (or send Authorization: Bearer)"))),
  }),
  answer: { status: 101, description: "Switching protocols" },
  refusals: [401, 403, 429],
} satisfies RouteSpec;
const Stats = {
  summary: "Calls taken by the book object and each summary shard: total and the busiest second (admin)",
  who: "admin",
  query: BookStatsQuery,
  answer: { status: 200, description: "Call counts", schema: v.looseObject({}) },
} satisfies RouteSpec;

export const bookRoutes = new Hono<AppEnv>()
  .post("/ticket", route(Ticket), async (c) => {
    const s = c.get("session");
    await spend(c, s.sub, "ticket", c.get("config").ticketsPer10s, "too many tickets for this account; try again shortly");
    const at = nowSeconds();
    const claims = { typ: "ticket", sub: s.sub, role: s.role, mkt: BOOK_TICKET, jti: crypto.randomUUID(), iat: at, exp: at + TICKET_TTL_MS / 1000, sxp: s.exp } as const;
    const ticket = await sign({ ...claims, ...(s.jti !== undefined ? { sid: s.jti } : {}), ...(s.acct !== undefined ? { acct: s.acct } : {}) }, signingSecret(c.get("config")));
    return c.json({ ticket }, 201);
  })
  .get("/ws", route(Socket), async (c) => {
    const held = await admitSocketOpen(c);
    const url = new URL(c.req.url);
    const view = unwrap(parseView(url.searchParams));
    const headers = new Headers({ Upgrade: "websocket", [BookHeader.VIEW]: JSON.stringify(view), ...held });
    const secret = signingSecret(c.get("config"));
    const ticket = url.searchParams.get("ticket");
    const token = bearer(c.req.header("authorization"));
    if (ticket !== null) {
      const claims = await verify(ticket, "ticket", secret);
      if (!claims || claims.mkt !== BOOK_TICKET) fail(ErrorCode.UNAUTHENTICATED, "ticket is invalid, expired or for a market socket");
      if (!(await stillLive(c.env, claims.sub, claims.acct, claims.sid))) fail(ErrorCode.UNAUTHENTICATED, "ticket was taken with a session that has logged out");
      headers.set(HubHeader.ACCOUNT, claims.sub);
      headers.set(HubHeader.ROLE, claims.role);
      // Spent by the book object (one for the whole book), kept there until it expires.
      headers.set(HubHeader.TICKET, claims.jti);
      headers.set(HubHeader.TICKET_EXPIRES, String(claims.exp * 1000));
      headers.set(HubHeader.SESSION_EXPIRES, String((claims.sxp ?? claims.exp + SESSION_TTL_MS / 1000) * 1000));
    } else if (token !== null) {
      const claims = await liveSession(c.env, token, secret);
      if (!claims) fail(ErrorCode.UNAUTHENTICATED, "session token is invalid, expired or logged out");
      headers.set(HubHeader.ACCOUNT, claims.sub);
      headers.set(HubHeader.ROLE, claims.role);
      headers.set(HubHeader.SESSION_EXPIRES, String(claims.exp * 1000));
    } else if (c.req.header("authorization") !== undefined) {
      fail(ErrorCode.UNAUTHENTICATED, "malformed Authorization header");
    }
    return bookOf(c.env).fetch(new Request("https://book/ws", { headers }));
  })
  .get("/stats", route(Stats), async (c) => {
    const reset = valid(c, Stats).query.reset === "1";
    const n = c.get("config").bookShards;
    const shards = await Promise.all(Array.from({ length: n }, async (_, i) => unwrap(await bookShard(c.env, i).stats(reset))));
    const book = unwrap(await bookOf(c.env).stats(reset));
    const relays = await Promise.all(Array.from({ length: book.relays }, async (_, i) => unwrap(await bookRelay(c.env, i).stats(reset))));
    return c.json({ book, shards, relays });
  });
