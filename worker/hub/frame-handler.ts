// One frame from one hub socket: screened (size, heartbeat, rate limit,
// schema), then a bet is placed for the socket's verified account. Every
// failure becomes a frame to that socket alone; no other socket notices.
import { type RejectReason as Reason, RejectReason } from "../protocol/codes.ts";
import type { BetBody, BetReplyFrame, ServerFrame } from "../protocol/schemas.ts";
import type { AccountId, BetId } from "../protocol/units.ts";
import { screenFrame } from "../platform/frame-screening.ts";
import type { SocketRoom } from "../platform/socket-room.ts";

export interface BetTaker {
  place(account: AccountId, body: BetBody): Promise<BetReplyFrame>;
  /** A punter's bet frame refused before it became a bet: the id's first outcome, or this refusal, kept. */
  refuse(account: AccountId, id: BetId, reason: Reason, body: BetBody | null): Promise<BetReplyFrame>;
}

export async function handleFrame(sockets: SocketRoom, desk: BetTaker, ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
  const send = (reply: BetReplyFrame) => sockets.send(ws, JSON.stringify(reply));
  let refusal: Promise<BetReplyFrame> | null = null;
  const frame = screenFrame(sockets, ws, message, (betId, reason, refused) => {
    const who = sockets.attachment(ws);
    if (!who.account || !who.canBet) return false;
    const body = refused === null ? null : (({ type: _type, ...bet }) => bet)(refused);
    refusal = desk.refuse(who.account, betId as BetId, reason, body);
    return true;
  });
  if (refusal) send(await refusal);
  if (!frame) return;
  const { type: _type, ...bet } = frame;
  const who = sockets.attachment(ws);
  if (!who.account || !who.canBet) {
    const refusal: ServerFrame = { type: "bet", id: bet.id, status: "rejected", reason: RejectReason.UNAUTHENTICATED };
    sockets.send(ws, JSON.stringify(refusal));
    return;
  }
  send(await desk.place(who.account, bet));
}
