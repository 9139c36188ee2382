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
  const bytes = await readCapped(c.req.raw.body);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return fail(ErrorCode.INVALID, "body is not JSON");
  }
  const result = parse(schema, json);
  if (!result.ok) fail(ErrorCode.INVALID, result.message);
  return result.value;
}

/**
 * The body's bytes, read chunk by chunk and abandoned as soon as they pass the
 * cap: a chunked body without a Content-Length is never buffered past it.
 */
async function readCapped(stream: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      fail(ErrorCode.TOO_LARGE, `body over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
