// What every socket's frame goes through first, on the hub and on relays
// alike: the size cap, the heartbeat, the rate limit and the schema. Every
// failure becomes a frame to that socket alone; nothing here throws.
import { CloseCode, ErrorCode, RejectReason } from "../protocol/codes.ts";
import { decodeFrame } from "../protocol/frame-decoder.ts";
import type { ClientFrame, ServerFrame } from "../protocol/schemas.ts";
import type { SocketRoom } from "./socket-room.ts";

/**
 * Who answers a bet frame refused here (INVALID, RATE_LIMITED): given the id
 * and, for a well-formed frame, the frame. Returns false to leave the answer
 * to screening. The hub keeps such refusals under the id, and answers a known
 * id with its first outcome instead.
 */
export type BetRefusalHandler = (betId: string, reason: RejectReason, frame: ClientFrame | null) => boolean;

/** The bet frame to act on, or null when the frame has been answered (or the socket closed) already. */
export function screenFrame(room: SocketRoom, ws: WebSocket, message: string | ArrayBuffer, onBetRefusal?: BetRefusalHandler): ClientFrame | null {
  const decoded = decodeFrame(message);
  if (decoded.kind === "too-big") {
    room.close(ws, CloseCode.TOO_BIG, "frame over 4 KiB");
    return null;
  }
  if (decoded.kind === "bad-utf8") {
    room.close(ws, CloseCode.INVALID_DATA, "text frames must be valid UTF-8");
    return null;
  }
  if (decoded.kind === "ping") {
    // Normally the auto-response answers without waking the object; a ping that reaches it is answered the same.
    room.send(ws, "pong");
    return null;
  }
  const admitted = room.admit(ws, Date.now());
  if (admitted === "flooding") {
    room.close(ws, CloseCode.POLICY, "rate limit: too many frames");
    return null;
  }
  const answer = (frame: ServerFrame) => room.send(ws, JSON.stringify(frame));
  // Only a bet frame's id names a bet; a cash out frame's refusals here are plain error frames.
  const betId = decoded.kind === "invalid" ? decoded.betId : decoded.kind === "frame" && decoded.frame.type === "bet" ? decoded.frame.id : null;
  const handled = (reason: RejectReason) => betId !== null && onBetRefusal !== undefined && onBetRefusal(betId, reason, decoded.kind === "frame" ? decoded.frame : null);
  if (admitted === "limited") {
    if (handled(RejectReason.RATE_LIMITED)) return null;
    if (betId) answer({ type: "bet", id: betId, status: "rejected", reason: RejectReason.RATE_LIMITED });
    else answer({ type: "error", code: ErrorCode.RATE_LIMITED, message: "more than 20 frames a second" });
    return null;
  }
  if (decoded.kind !== "frame") {
    if (handled(RejectReason.INVALID)) return null;
    if (betId) {
      answer({ type: "bet", id: betId, status: "rejected", reason: RejectReason.INVALID });
      return null;
    }
    const message =
      decoded.kind === "binary" ? "frames are UTF-8 JSON text" : decoded.kind === "not-json" ? "frame is not JSON" : decoded.message;
    answer({ type: "error", code: ErrorCode.INVALID, message });
    return null;
  }
  return decoded.frame;
}
