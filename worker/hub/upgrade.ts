// The WebSocket upgrade inside the hub. The Worker has already checked the
// Origin, the market id, the caller's address budget and the ticket's or
// token's signature; it passes the verified identity in headers it sets
// itself. Here: spend the ticket, cap sockets per account, accept (or hand a
// viewer to a relay), and send the first frames (a replay or a snapshot).
import { ErrorCode, Role } from "../protocol/codes.ts";
import type { AccountId } from "../protocol/units.ts";
import { AddressHeader, HubHeader, RelayHeader } from "../platform/object-headers.ts";
import { refuse } from "../platform/socket-object.ts";
import type { SocketRoom } from "../platform/socket-room.ts";
import { type ExposureFeed, TRADER_TAG } from "./exposure-feed.ts";
import type { HubStore } from "./hub-store.ts";
import type { MarketRoom } from "./market-room.ts";

export interface UpgradeDeps {
  store: HubStore;
  sockets: SocketRoom;
  live: MarketRoom;
  exposure: ExposureFeed;
  /** After a punter's socket has its first frames: what else it should know at once (its cash out values). */
  greet?: (ws: WebSocket, account: AccountId) => void;
}

export async function upgradeSocket({ store, sockets, live, exposure, greet }: UpgradeDeps, request: Request): Promise<Response> {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    return refuse(426, ErrorCode.INVALID, "expected a WebSocket upgrade");
  }
  const market = live.current;
  if (!market) return refuse(404, ErrorCode.NOT_FOUND, "no such market");

  const now = Date.now();
  const h = request.headers;
  const account = (h.get(HubHeader.ACCOUNT) || null) as AccountId | null;
  // A used ticket is refused as used; a fresh one refused by the socket cap stays unspent,
  // to use once another socket closes. Nothing awaits between these checks and the spend.
  const ticket = h.get(HubHeader.TICKET);
  if (ticket && store.ticketSpent(ticket)) return refuse(401, ErrorCode.UNAUTHENTICATED, "ticket already used");
  const { address, full } = sockets.heldFrom(request);
  if (full) return refuse(429, ErrorCode.RATE_LIMITED, "too many sockets held from this address");
  const maxSockets = Number(h.get(HubHeader.MAX_SOCKETS) ?? "8");
  if (account && sockets.countFor(account) >= maxSockets) {
    return refuse(429, ErrorCode.RATE_LIMITED, `at most ${maxSockets} sockets per account on one market`);
  }
  if (ticket && !store.spendTicket(ticket, Number(h.get(HubHeader.TICKET_EXPIRES)), now)) {
    return refuse(401, ErrorCode.UNAUTHENTICATED, "ticket already used");
  }

  const url = new URL(request.url);
  // A full hub places new viewers on relays; punters' sockets stay here, where their bets are.
  const relayAfter = Number(h.get(HubHeader.RELAY_AFTER) ?? 0);
  if (!account && relayAfter > 0 && sockets.count() >= relayAfter) {
    const relay = live.placeOnRelay(relayAfter);
    const headers = new Headers({ Upgrade: "websocket", [RelayHeader.MARKET]: market.id, [RelayHeader.INDEX]: String(relay.index) });
    for (const name of Object.values(AddressHeader)) headers.set(name, h.get(name) ?? "");
    return relay.stub.fetch(new Request(url, { headers }));
  }
  const sinceParam = url.searchParams.get("since");
  const since = sinceParam !== null && /^\d{1,15}$/.test(sinceParam) ? Number(sinceParam) : null;
  const epoch = url.searchParams.get("epoch");
  const conflateParam = Number(url.searchParams.get("conflateMs") ?? 0);
  const conflateMs = Number.isSafeInteger(conflateParam) ? Math.min(Math.max(conflateParam, 0), 5000) : 0;

  // Nothing from here to the end awaits, so no change can land between the first frames and the live stream.
  const first = live.firstFrames(since, epoch, false, address);
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  const ends = Number(h.get(HubHeader.SESSION_EXPIRES));
  const expiresAt = account && Number.isSafeInteger(ends) && ends > 0 ? ends : null;
  // A trader is an authenticated admin session (the Worker verified the role); the tag survives hibernation.
  const trader = account !== null && h.get(HubHeader.ROLE) === Role.ADMIN;
  const session = (account && h.get(HubHeader.SESSION_ID)) || undefined;
  const attachment = { account, canBet: h.get(HubHeader.CAN_BET) === "1", connectedAt: now, conflateMs, expiresAt, ...(session ? { session } : {}) };
  sockets.accept(server, attachment, address, trader ? [TRADER_TAG] : []);

  // A long replay goes out a page a turn; live frames to this socket queue behind it.
  sockets.sendPaged(server, first.frames);
  if (trader) exposure.welcome(server);
  // Queued behind the replay like any live frame: values after the snapshot or the replayed frames.
  if (account) greet?.(server, account);
  live.welcome(server, first.viewers, now);
  return new Response(null, { status: 101, webSocket: client });
}
