// Client frames from raw socket messages, pure and total: every input, any
// string or any bytes, maps to one outcome and nothing throws. The size cap
// is checked before anything is parsed.
import * as v from "valibot";
import { BetIdSchema, ClientFrame, parse } from "./schemas.ts";

export const FRAME_LIMIT_BYTES = 4096;

export type Decoded =
  | { kind: "too-big" }
  | { kind: "binary" }
  | { kind: "ping" }
  /** A text frame whose bytes were not valid UTF-8 (the runtime hands them over as U+FFFD). */
  | { kind: "bad-utf8" }
  | { kind: "not-json" }
  | { kind: "invalid"; message: string; betId: string | null }
  | { kind: "frame"; frame: ClientFrame };

/** Is a received frame over the limit, counted in its UTF-8 bytes as received? */
export function tooBig(message: string | ArrayBuffer): boolean {
  if (typeof message !== "string") return message.byteLength > FRAME_LIMIT_BYTES;
  // Each UTF-16 unit is 1 to 3 UTF-8 bytes, so most frames are decided without encoding.
  if (message.length * 3 <= FRAME_LIMIT_BYTES) return false;
  if (message.length > FRAME_LIMIT_BYTES) return true;
  return new TextEncoder().encode(message).length > FRAME_LIMIT_BYTES;
}

export function decodeFrame(message: string | ArrayBuffer): Decoded {
  if (tooBig(message)) return { kind: "too-big" };
  if (typeof message !== "string") return { kind: "binary" };
  if (message === "ping") return { kind: "ping" };
  // The runtime decodes a text frame's invalid UTF-8 into U+FFFD. No client
  // frame has a field where U+FFFD could belong, so its presence means the
  // bytes were broken: RFC 6455 closes such a socket with 1007.
  if (message.includes("\uFFFD")) return { kind: "bad-utf8" };
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { kind: "not-json" };
  }
  const result = parse(ClientFrame, json);
  if (result.ok) return { kind: "frame", frame: result.value };
  return { kind: "invalid", message: result.message, betId: betIdOf(json) };
}

/** The bet id of something shaped like a bet frame, so even a refusal can name the bet. */
export function betIdOf(json: unknown): string | null {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
  if (!Object.hasOwn(json, "type") || (json as { type?: unknown }).type !== "bet") return null;
  const id = Object.hasOwn(json, "id") ? (json as { id?: unknown }).id : undefined;
  return v.is(BetIdSchema, id) ? (id as string) : null;
}
