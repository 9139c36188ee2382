// One frame from one socket: size cap, rate limit, parse against the schema,
// then act. Every failure becomes a frame to that socket alone; nothing here
// throws to the hub, and no other socket notices.
import * as v from "valibot";
import { CloseCode, ErrorCode, RejectReason } from "../protocol/codes.ts";
import { BetIdSchema, ClientFrame, parse } from "../protocol/schemas.ts";
import type { MarketHub } from "./market-hub.ts";
import { tooBig } from "./socket-room.ts";

export async function handleFrame(hub: MarketHub, ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
  if (tooBig(message)) {
    hub.room.close(ws, CloseCode.TOO_BIG, "frame over 4 KiB");
    return;
  }
  if (typeof message !== "string") {
    hub.sendFrame(ws, { type: "error", code: ErrorCode.INVALID, message: "frames are UTF-8 JSON text" });
    return;
  }
  if (message === "ping") {
    // Normally answered by the auto-response without waking us; answered here too just in case.
    hub.room.send(ws, "pong");
    return;
  }
  const admitted = hub.room.admit(ws, Date.now());
  if (admitted === "flooding") {
    hub.room.close(ws, CloseCode.POLICY, "rate limit: too many frames");
    return;
  }

  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    hub.sendFrame(ws, { type: "error", code: admitted === "ok" ? ErrorCode.INVALID : ErrorCode.RATE_LIMITED, message: "frame is not JSON" });
    return;
  }
  const betId = betIdOf(json);
  if (admitted === "limited") {
    if (betId) hub.sendFrame(ws, { type: "bet", id: betId, status: "rejected", reason: RejectReason.RATE_LIMITED });
    else hub.sendFrame(ws, { type: "error", code: ErrorCode.RATE_LIMITED, message: "more than 20 frames a second" });
    return;
  }
  const frame = parse(ClientFrame, json);
  if (!frame.ok) {
    if (betId) hub.sendFrame(ws, { type: "bet", id: betId, status: "rejected", reason: RejectReason.INVALID });
    else hub.sendFrame(ws, { type: "error", code: ErrorCode.INVALID, message: frame.message });
    return;
  }
  const bet = frame.value;
  const who = hub.room.attachment(ws);
  if (!who.account || !who.canBet) {
    hub.sendFrame(ws, { type: "bet", id: bet.id, status: "rejected", reason: RejectReason.UNAUTHENTICATED });
    return;
  }
  const { type: _type, ...body } = bet;
  const reply = await hub.placeBet(who.account, body);
  if (reply) hub.room.send(ws, JSON.stringify(reply));
}

/** The bet id of something shaped like a bet frame, so even a refusal can name the bet. */
function betIdOf(json: unknown): string | null {
  if (typeof json !== "object" || json === null || (json as { type?: unknown }).type !== "bet") return null;
  const id = (json as { id?: unknown }).id;
  return v.is(BetIdSchema, id) ? id : null;
}
