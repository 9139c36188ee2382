// The WebSocket upgrade inside the hub. The Worker has already checked the
// Origin, the market id, the caller's address budget and the ticket's or
// token's signature; it passes the verified identity in headers it sets
// itself. Here: spend the ticket, cap sockets per account, accept, and send
// the first frames (a replay from the log, or a snapshot).
import { ErrorCode } from "../protocol/codes.ts";
import type { AccountId } from "../protocol/units.ts";
import type { MarketHub } from "./market-hub.ts";

/** Headers only the Worker sets on the request it makes to the hub. */
export const HubHeader = {
  ACCOUNT: "x-edgebook-account",
  CAN_BET: "x-edgebook-can-bet",
  TICKET: "x-edgebook-ticket",
  TICKET_EXPIRES: "x-edgebook-ticket-expires",
  MAX_SOCKETS: "x-edgebook-max-sockets",
} as const;

const REPLAY_PAGE = 1000;

export function upgradeSocket(hub: MarketHub, request: Request): Response {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    return refuse(426, ErrorCode.INVALID, "expected a WebSocket upgrade");
  }
  const market = hub.getMarket();
  if (!market) return refuse(404, ErrorCode.NOT_FOUND, "no such market");

  const now = Date.now();
  const h = request.headers;
  const account = (h.get(HubHeader.ACCOUNT) || null) as AccountId | null;
  const ticket = h.get(HubHeader.TICKET);
  if (ticket && !hub.store.spendTicket(ticket, Number(h.get(HubHeader.TICKET_EXPIRES)), now)) {
    return refuse(401, ErrorCode.UNAUTHENTICATED, "ticket already used");
  }
  const maxSockets = Number(h.get(HubHeader.MAX_SOCKETS) ?? "8");
  if (account && hub.room.countFor(account) >= maxSockets) {
    return refuse(429, ErrorCode.RATE_LIMITED, `at most ${maxSockets} sockets per account on one market`);
  }

  const url = new URL(request.url);
  const sinceParam = url.searchParams.get("since");
  const since = sinceParam !== null && /^\d{1,15}$/.test(sinceParam) ? Number(sinceParam) : null;
  const epoch = url.searchParams.get("epoch");
  const conflateParam = Number(url.searchParams.get("conflateMs") ?? 0);
  const conflateMs = Number.isSafeInteger(conflateParam) ? Math.min(Math.max(conflateParam, 0), 5000) : 0;

  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  hub.room.accept(server, { account, canBet: h.get(HubHeader.CAN_BET) === "1", connectedAt: now, conflateMs });

  // Nothing below awaits, so no change can land between the replay and the live stream.
  const plan = hub.replayPlan(since, epoch);
  if (plan.kind === "replay") {
    for (let after = plan.after; ; ) {
      const page = hub.store.eventsAfter(after, REPLAY_PAGE);
      for (const e of page) hub.room.send(server, e.frame);
      if (page.length < REPLAY_PAGE) break;
      after = page[page.length - 1].seq;
    }
  } else {
    hub.sendFrame(server, hub.snapshotFrame());
  }
  hub.viewersChanged();
  return new Response(null, { status: 101, webSocket: client });
}

function refuse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
