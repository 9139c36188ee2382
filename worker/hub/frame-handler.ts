// One frame from one hub socket: screened (size, heartbeat, rate limit,
// schema), then a bet is placed for the socket's verified account. Every
// failure becomes a frame to that socket alone; no other socket notices.
import { RejectReason } from "../protocol/codes.ts";
import type { BetBody, BetReplyFrame, ServerFrame } from "../protocol/schemas.ts";
import type { AccountId } from "../protocol/units.ts";
import { screenFrame } from "../platform/frame-screening.ts";
import type { SocketRoom } from "../platform/socket-room.ts";

export type PlaceBet = (account: AccountId, body: BetBody) => Promise<BetReplyFrame>;

export async function handleFrame(sockets: SocketRoom, place: PlaceBet, ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
  const frame = screenFrame(sockets, ws, message);
  if (!frame) return;
  const { type: _type, ...bet } = frame;
  const who = sockets.attachment(ws);
  if (!who.account || !who.canBet) {
    const refusal: ServerFrame = { type: "bet", id: bet.id, status: "rejected", reason: RejectReason.UNAUTHENTICATED };
    sockets.send(ws, JSON.stringify(refusal));
    return;
  }
  sockets.send(ws, JSON.stringify(await place(who.account, bet)));
}
