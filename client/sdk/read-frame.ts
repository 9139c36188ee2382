// Reading one socket frame: UTF-8 JSON text checked against a stream's schema.
// Shared by the market and the book subscriptions; never throws.
import type * as v from "valibot";
import { parse } from "../../worker/protocol/schemas.ts";

export type ReadFrame<T> = { ok: true; frame: T } | { ok: false; data: string; message: string };

export function readFrame<S extends v.GenericSchema>(schema: S, data: unknown): ReadFrame<v.InferOutput<S>> {
  if (typeof data !== "string") return { ok: false, data: "(binary)", message: "frames are UTF-8 JSON text" };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, data: data.slice(0, 200), message: "frame is not JSON" };
  }
  const parsed = parse(schema, json);
  if (!parsed.ok) return { ok: false, data: data.slice(0, 200), message: parsed.message };
  return { ok: true, frame: parsed.value };
}
