// The market socket's front door. Everything a hostile client could abuse is
// checked here, before any Durable Object is touched: the Origin (exact
// match), the market id (shape, then catalogue), the address's budget of
// opens, and the credentials (a single-use ticket or a Bearer token).
import { Hono } from "hono";
import * as v from "valibot";
import { signingSecret } from "../../config.ts";
import { ErrorCode, fail } from "../../errors.ts";
import { HubHeader } from "../../platform/object-headers.ts";
import { Role } from "../../protocol/codes.ts";
import { MarketSocketQuery } from "../../protocol/queries.ts";
import { IdSchema } from "../../protocol/schemas.ts";
import type { AppEnv } from "../context.ts";
import { type RouteSpec, route } from "../route.ts";
import { bearer, liveSession, stillLive } from "../session.ts";
import { admitSocketOpen } from "../socket-door.ts";
import { existingHub, spend } from "../stubs.ts";
import { SESSION_TTL_MS, TICKET_TTL_MS, nowSeconds, sign, verify } from "../tokens.ts";

const Ticket = {
  summary: "A single-use ticket for this market's socket, valid 60 s",
  who: "session",
  params: { id: IdSchema },
  answer: { status: 201, description: "Ticket", schema: v.object({ ticket: v.string() }) },
  refusals: [429],
} satisfies RouteSpec;
const Socket = {
  summary: "The market socket (WebSocket upgrade); frames in docs/protocol.md",
  params: { id: IdSchema },
  query: MarketSocketQuery,
  answer: { status: 101, description: "Switching protocols" },
  refusals: [401, 403, 429],
} satisfies RouteSpec;

export const socketRoutes = new Hono<AppEnv>()
  .post("/:id/ticket", route(Ticket), async (c) => {
    const id = c.req.param("id");
    const s = c.get("session");
    await spend(c, s.sub, "ticket", c.get("config").ticketsPer10s, "too many tickets for this account; try again shortly");
    await existingHub(c, id);
    const ticket = await sign(
      {
        typ: "ticket",
        sub: s.sub,
        role: s.role,
        mkt: id,
        jti: crypto.randomUUID(),
        iat: nowSeconds(),
        exp: nowSeconds() + TICKET_TTL_MS / 1000,
        sxp: s.exp,
        // A ticket names its session, so logging out refuses the ticket too.
        ...(s.jti !== undefined ? { sid: s.jti } : {}),
        ...(s.acct !== undefined ? { acct: s.acct } : {}),
      },
      signingSecret(c.get("config")),
    );
    return c.json({ ticket }, 201);
  })
  .get("/:id/ws", route(Socket), async (c) => {
    const held = await admitSocketOpen(c);
    const config = c.get("config");
    const req = c.req.raw;
    const url = new URL(req.url);
    const id = c.req.param("id");
    const stub = await existingHub(c, id);

    const headers = new Headers({
      Upgrade: "websocket",
      [HubHeader.MAX_SOCKETS]: String(config.maxSocketsPerAccount),
      [HubHeader.RELAY_AFTER]: String(config.relayAfter),
      ...held,
    });
    const ticket = url.searchParams.get("ticket");
    const token = bearer(req.headers.get("authorization") ?? undefined);
    if (ticket !== null) {
      const claims = await verify(ticket, "ticket", signingSecret(config));
      if (!claims || claims.mkt !== id) fail(ErrorCode.UNAUTHENTICATED, "ticket is invalid, expired or for another market");
      if (!(await stillLive(c.env, claims.sub, claims.acct, claims.sid))) fail(ErrorCode.UNAUTHENTICATED, "ticket was taken with a session that has logged out");
      headers.set(HubHeader.ACCOUNT, claims.sub);
      headers.set(HubHeader.CAN_BET, claims.role === Role.PUNTER ? "1" : "0");
      headers.set(HubHeader.ROLE, claims.role);
      headers.set(HubHeader.TICKET, claims.jti);
      // The hub keeps a spent ticket until it expires, on its own clock in milliseconds.
      headers.set(HubHeader.TICKET_EXPIRES, String(claims.exp * 1000));
      // The socket lives no longer than the session the ticket came from (at most a session's life from the ticket).
      headers.set(HubHeader.SESSION_EXPIRES, String((claims.sxp ?? claims.exp + SESSION_TTL_MS / 1000) * 1000));
      if (claims.sid !== undefined) headers.set(HubHeader.SESSION_ID, claims.sid);
    } else if (token !== null) {
      const claims = await liveSession(c.env, token, signingSecret(config));
      if (!claims) fail(ErrorCode.UNAUTHENTICATED, "session token is invalid, expired or logged out");
      headers.set(HubHeader.ACCOUNT, claims.sub);
      headers.set(HubHeader.CAN_BET, claims.role === Role.PUNTER ? "1" : "0");
      headers.set(HubHeader.ROLE, claims.role);
      headers.set(HubHeader.SESSION_EXPIRES, String(claims.exp * 1000));
      if (claims.jti !== undefined) headers.set(HubHeader.SESSION_ID, claims.jti);
    } else if (req.headers.has("authorization")) {
      fail(ErrorCode.UNAUTHENTICATED, "malformed Authorization header");
    }
    // Only the resume and conflation parameters travel on; the ticket stays here.
    const inner = new URL(`https://hub/${id}`);
    for (const key of ["since", "epoch", "conflateMs"]) {
      const value = url.searchParams.get(key);
      if (value !== null) inner.searchParams.set(key, value.slice(0, 64));
    }
    return stub.fetch(new Request(inner, { headers }));
  });
