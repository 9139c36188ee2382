// The WebSocket upgrade inside the hub. The Worker has already checked the
// Origin, the market id, the caller's address budget and the ticket's or
// token's signature; it passes the verified identity in headers it sets
// itself. Here: spend the ticket, cap sockets per account, accept, and send
// the first frames (a replay from the log, or a snapshot).
import { ErrorCode } from "../protocol/codes.ts";
import type { AccountId } from "../protocol/units.ts";
import type { MarketHub } from "./market-hub.ts";
import { RelayHeader } from "./market-relay.ts";

/** Headers only the Worker sets on the request it makes to the hub. */
export const HubHeader = {
  ACCOUNT: "x-edgebook-account",
  CAN_BET: "x-edgebook-can-bet",
  TICKET: "x-edgebook-ticket",
  TICKET_EXPIRES: "x-edgebook-ticket-expires",
  MAX_SOCKETS: "x-edgebook-max-sockets",
  RELAY_AFTER: "x-edgebook-relay-after",
} as const;

export async function upgradeSocket(hub: MarketHub, request: Request): Promise<Response> {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    return refuse(426, ErrorCode.INVALID, "expected a WebSocket upgrade");
  }
  const market = hub.getMarket();
  if (!market) return refuse(404, ErrorCode.NOT_FOUND, "no such market");

  const now = Date.now();
  const h = request.headers;
  const account = (h.get(HubHeader.ACCOUNT) || null) as AccountId | null;
  // A used ticket is refused as used; a fresh one refused by the socket cap stays unspent,
  // to use once another socket closes. Nothing awaits between these checks and the spend.
  const ticket = h.get(HubHeader.TICKET);
  if (ticket && hub.store.ticketSpent(ticket)) return refuse(401, ErrorCode.UNAUTHENTICATED, "ticket already used");
  const maxSockets = Number(h.get(HubHeader.MAX_SOCKETS) ?? "8");
  if (account && hub.room.countFor(account) >= maxSockets) {
    return refuse(429, ErrorCode.RATE_LIMITED, `at most ${maxSockets} sockets per account on one market`);
  }
  if (ticket && !hub.store.spendTicket(ticket, Number(h.get(HubHeader.TICKET_EXPIRES)), now)) {
    return refuse(401, ErrorCode.UNAUTHENTICATED, "ticket already used");
  }

  const url = new URL(request.url);
  // A full hub places new viewers on relays; punters' sockets stay here, where their bets are.
  const relayAfter = Number(h.get(HubHeader.RELAY_AFTER) ?? 0);
  if (!account && relayAfter > 0 && hub.room.count() >= relayAfter) {
    const index = hub.placeOnRelay(relayAfter);
    const headers = new Headers({ Upgrade: "websocket", [RelayHeader.MARKET]: market.id, [RelayHeader.INDEX]: String(index) });
    return hub.fanout.stub(index).fetch(new Request(url, { headers }));
  }
  const sinceParam = url.searchParams.get("since");
  const since = sinceParam !== null && /^\d{1,15}$/.test(sinceParam) ? Number(sinceParam) : null;
  const epoch = url.searchParams.get("epoch");
  const conflateParam = Number(url.searchParams.get("conflateMs") ?? 0);
  const conflateMs = Number.isSafeInteger(conflateParam) ? Math.min(Math.max(conflateParam, 0), 5000) : 0;

  // Nothing from here to the end awaits, so no change can land between the first frames and the live stream.
  const first = hub.firstFrames(since, epoch);
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  hub.room.accept(server, { account, canBet: h.get(HubHeader.CAN_BET) === "1", connectedAt: now, conflateMs });

  for (const text of first.frames) hub.room.send(server, text);
  hub.room.send(server, first.viewers);
  hub.viewersChanged();
  return new Response(null, { status: 101, webSocket: client });
}

export function refuse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
