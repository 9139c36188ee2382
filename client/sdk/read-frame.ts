// Reading one socket frame: UTF-8 JSON text checked against a stream's schema.
// Shared by the market and the book subscriptions; never throws.
import type * as v from "valibot";
import { parse } from "../../worker/protocol/schemas.ts";

/** What a dropped frame is reported with: its start, and why. */
export type InvalidFrame = { data: string; message: string };

/** The frame, or null after telling `invalid` why it was dropped. */
export function readFrame<S extends v.GenericSchema>(schema: S, data: unknown, invalid: (e: InvalidFrame) => void): v.InferOutput<S> | null {
  if (typeof data !== "string") {
    invalid({ data: "(binary)", message: "frames are UTF-8 JSON text" });
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    invalid({ data: data.slice(0, 200), message: "frame is not JSON" });
    return null;
  }
  const parsed = parse(schema, json);
  if (parsed.ok) return parsed.value;
  invalid({ data: data.slice(0, 200), message: parsed.message });
  return null;
}
