// One frame from one socket: size cap, rate limit, decode against the schema,
// then act. Every failure becomes a frame to that socket alone; nothing here
// throws to the hub, and no other socket notices.
import { CloseCode, ErrorCode, RejectReason } from "../protocol/codes.ts";
import { decodeFrame } from "../protocol/frame-decoder.ts";
import type { MarketHub } from "./market-hub.ts";

export async function handleFrame(hub: MarketHub, ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
  const decoded = decodeFrame(message);
  if (decoded.kind === "too-big") {
    hub.room.close(ws, CloseCode.TOO_BIG, "frame over 4 KiB");
    return;
  }
  if (decoded.kind === "ping") {
    // Normally the auto-response answers without waking us; a ping that reaches us is answered the same.
    hub.room.send(ws, "pong");
    return;
  }
  const admitted = hub.room.admit(ws, Date.now());
  if (admitted === "flooding") {
    hub.room.close(ws, CloseCode.POLICY, "rate limit: too many frames");
    return;
  }
  const betId = decoded.kind === "invalid" ? decoded.betId : decoded.kind === "frame" ? decoded.frame.id : null;
  if (admitted === "limited") {
    if (betId) hub.sendFrame(ws, { type: "bet", id: betId, status: "rejected", reason: RejectReason.RATE_LIMITED });
    else hub.sendFrame(ws, { type: "error", code: ErrorCode.RATE_LIMITED, message: "more than 20 frames a second" });
    return;
  }
  if (decoded.kind !== "frame") {
    if (betId) {
      hub.sendFrame(ws, { type: "bet", id: betId, status: "rejected", reason: RejectReason.INVALID });
      return;
    }
    const message =
      decoded.kind === "binary" ? "frames are UTF-8 JSON text" : decoded.kind === "not-json" ? "frame is not JSON" : decoded.message;
    hub.sendFrame(ws, { type: "error", code: ErrorCode.INVALID, message });
    return;
  }
  const { type: _type, ...bet } = decoded.frame;
  const who = hub.room.attachment(ws);
  if (!who.account || !who.canBet) {
    hub.sendFrame(ws, { type: "bet", id: bet.id, status: "rejected", reason: RejectReason.UNAUTHENTICATED });
    return;
  }
  const reply = await hub.placeBet(who.account, bet);
  if (reply) hub.room.send(ws, JSON.stringify(reply));
}
