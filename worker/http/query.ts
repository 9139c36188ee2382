// A query string read against a route's query schema: each declared name's
// text decoded to what the schema expects (a list where it takes an array,
// an integer or a boolean where it takes one), then checked. Names the schema
// does not declare are ignored, as caches and proxies add their own.
import type * as v from "valibot";
import { ErrorCode, fail } from "../errors.ts";
import { parse } from "../protocol/schemas.ts";

type Entry = v.GenericSchema & { type: string; wrapped?: v.GenericSchema };

/** The schema under `optional`, whose type says how to decode the text. */
export function innerOf(schema: v.GenericSchema): Entry {
  const entry = schema as Entry;
  return entry.type === "optional" && entry.wrapped ? innerOf(entry.wrapped) : entry;
}

function decode(text: string, type: string): unknown {
  if (type === "number") return /^-?\d{1,16}$/.test(text) ? Number(text) : text;
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}

export function readQuery<S extends v.ObjectSchema<v.ObjectEntries, undefined>>(params: URLSearchParams, schema: S): v.InferOutput<S> {
  const raw: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(schema.entries)) {
    const values = params.getAll(name);
    if (values.length === 0) continue;
    const inner = innerOf(entry);
    if (inner.type === "array") {
      const item = innerOf((inner as unknown as { item: v.GenericSchema }).item);
      raw[name] = values.map((text) => decode(text, item.type));
    } else if (values.length > 1) {
      fail(ErrorCode.INVALID, `${name} may be given once`);
    } else {
      raw[name] = decode(values[0], inner.type);
    }
  }
  const result = parse(schema, raw);
  if (!result.ok) fail(ErrorCode.INVALID, result.message);
  return result.value;
}
