// One frame from one hub socket: screened (size, heartbeat, rate limit,
// schema), then a bet is placed for the socket's verified account. Every
// failure becomes a frame to that socket alone; no other socket notices.
import { type RejectReason as Reason, RejectReason } from "../protocol/codes.ts";
import type { BetBody, BetReplyFrame, CashOutBody, CashOutReplyFrame, ServerFrame } from "../protocol/schemas.ts";
import type { AccountId, BetId } from "../protocol/units.ts";
import { screenFrame } from "../platform/frame-screening.ts";
import type { SocketRoom } from "../platform/socket-room.ts";

export interface BetTaker {
  place(account: AccountId, body: BetBody, session?: string): Promise<BetReplyFrame>;
  /** Was a stake of this session refused as logged out since last asked? */
  ended?(session: string): boolean;
  /** A punter's bet frame refused before it became a bet: the id's first outcome, or this refusal, kept. */
  refuse(account: AccountId, id: BetId, reason: Reason, body: BetBody | null): Promise<BetReplyFrame>;
}

/** Takes a punter's cash out request (cashout-desk.ts). */
export interface CashOutTaker {
  request(account: AccountId, betId: BetId, body: CashOutBody): Promise<CashOutReplyFrame>;
  /** Is the account's session not logged out? Asked before a socket's cash out request. */
  sessionLive?(account: AccountId, session: string): Promise<boolean>;
}

export async function handleFrame(sockets: SocketRoom, desk: BetTaker, ws: WebSocket, message: string | ArrayBuffer, cashOuts?: CashOutTaker): Promise<void> {
  const send = (reply: BetReplyFrame) => sockets.send(ws, JSON.stringify(reply));
  let refusal: Promise<BetReplyFrame> | null = null;
  const frame = screenFrame(sockets, ws, message, (betId, reason, refused) => {
    const who = sockets.attachment(ws);
    if (!who.account || !who.canBet) return false;
    // Screening names a bet id only for bet frames.
    const body = refused === null || refused.type !== "bet" ? null : (({ type: _type, ...bet }) => bet)(refused);
    refusal = desk.refuse(who.account, betId as BetId, reason, body);
    return true;
  });
  if (refusal) send(await refusal);
  if (!frame) return;
  if (frame.type === "cashout") {
    const who = sockets.attachment(ws);
    const { type: _type, betId, ...body } = frame;
    // A session logged out since the socket opened cashes nothing out: UNAUTHENTICATED, and its sockets here end.
    if (who.account && who.session !== undefined && cashOuts?.sessionLive && !(await cashOuts.sessionLive(who.account, who.session))) {
      sockets.send(ws, JSON.stringify({ type: "cashout", id: body.id, betId, status: "rejected", reason: "UNAUTHENTICATED" } satisfies CashOutReplyFrame));
      sockets.closeSession(who.account, who.session);
      return;
    }
    const reply: CashOutReplyFrame =
      who.account && who.canBet && cashOuts
        ? await cashOuts.request(who.account, betId as BetId, body)
        : { type: "cashout", id: body.id, betId, status: "rejected", reason: "NOT_OPEN_BET" };
    sockets.send(ws, JSON.stringify(reply));
    return;
  }
  const { type: _type, ...bet } = frame;
  const who = sockets.attachment(ws);
  if (!who.account || !who.canBet) {
    const refusal: ServerFrame = { type: "bet", id: bet.id, status: "rejected", reason: RejectReason.UNAUTHENTICATED };
    sockets.send(ws, JSON.stringify(refusal));
    return;
  }
  send(await desk.place(who.account, bet, who.session));
  // The wallet refused it as logged out: that session's sockets here end, after the answer.
  if (who.session !== undefined && desk.ended?.(who.session)) sockets.closeSession(who.account, who.session);
}
