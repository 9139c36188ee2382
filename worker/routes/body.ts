// Request bodies: capped in size (413), parsed as JSON (400) and checked
// against the route's schema (400), before any handler sees them.
import type { Context } from "hono";
import type * as v from "valibot";
import { ErrorCode, fail } from "../errors.ts";
import { parse } from "../protocol/schemas.ts";

export const MAX_BODY_BYTES = 16 * 1024;

export async function readBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) fail(ErrorCode.TOO_LARGE, `body over ${MAX_BODY_BYTES} bytes`);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) fail(ErrorCode.TOO_LARGE, `body over ${MAX_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return fail(ErrorCode.INVALID, "body is not JSON");
  }
  const result = parse(schema, json);
  if (!result.ok) fail(ErrorCode.INVALID, result.message);
  return (result as { ok: true; value: v.InferOutput<S> }).value;
}
