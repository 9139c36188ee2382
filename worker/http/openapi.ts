// The OpenAPI 3 document, built from the app itself: every route the app
// serves and the spec its route middleware enforces (route.ts), with schemas
// converted by @valibot/to-json-schema. Paths, parameters, request bodies and
// statuses come from what validates requests, so the two cannot drift.
// (hono-openapi was weighed: its validators would replace body reading that
// caps chunked bodies, decodes strict UTF-8 and answers 413/415 in the
// contract's shape, and it emits OpenAPI 3.1; a spec per route is smaller.)
import { toJsonSchema } from "@valibot/to-json-schema";
import type { Hono } from "hono";
import type * as v from "valibot";
import { ErrorBodySchema } from "../protocol/schemas.ts";
import { innerOf } from "./query.ts";
import { type RouteSpec, specOf, statusesOf } from "./route.ts";

type Json = Record<string, unknown>;

const REASONS: Record<number, string> = {
  400: "Invalid request (INVALID)",
  401: "No valid session (UNAUTHENTICATED)",
  403: "Not allowed: role, origin or cross-site request (FORBIDDEN)",
  404: "No such resource (NOT_FOUND)",
  409: "Conflict (a conflict code)",
  413: "Body too large (TOO_LARGE)",
  415: "Body is not JSON (UNSUPPORTED_MEDIA_TYPE)",
  429: "Too many requests (RATE_LIMITED)",
};

function json(schema: v.GenericSchema): Json {
  const out = toJsonSchema(schema, { target: "openapi-3.0", errorMode: "ignore" }) as Json;
  delete out.$schema;
  return out;
}

function parameters(path: string, spec: RouteSpec): Json[] {
  const inPath = [...path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: spec.params?.[name] ? json(spec.params[name]) : { type: "string" },
  }));
  const inQuery = Object.entries(spec.query?.entries ?? {}).map(([name, entry]) => {
    const schema = json(innerOf(entry));
    const fallback = (entry as { default?: unknown }).default;
    if (fallback !== undefined && typeof fallback !== "function") schema.default = fallback;
    const many = innerOf(entry).type === "array";
    const { description, ...rest } = schema;
    return { name, in: "query", ...(description ? { description } : {}), schema: rest, ...(many ? { style: "form", explode: true } : {}) };
  });
  return [...inPath, ...inQuery];
}

function operation(path: string, method: string, spec: RouteSpec): Json {
  const responses: Json = {};
  for (const status of statusesOf(spec, method)) {
    if (status === spec.answer.status) {
      const { description, schema } = spec.answer;
      responses[status] = schema ? { description, content: { "application/json": { schema: json(schema) } } } : { description };
    } else {
      responses[status] = { $ref: `#/components/responses/E${status}` };
    }
  }
  const params = parameters(path, spec);
  return {
    summary: spec.summary,
    ...(spec.who ? { security: [{ bearer: [] }] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: json(spec.body) } } } } : {}),
    responses,
  };
}

/** The document for an app: one operation per route that carries a spec. */
export function openApiDocument(app: Hono<any>): Json {
  const paths: Record<string, Json> = {};
  for (const r of app.routes) {
    const spec = specOf(r.handler);
    if (!spec) continue;
    const key = r.path.replace(/:(\w+)/g, "{$1}");
    paths[key] = { ...paths[key], [r.method.toLowerCase()]: operation(r.path, r.method, spec) };
  }
  return {
    openapi: "3.0.3",
    info: { title: "Edgebook", version: "1.0.0", description: "Live betting markets: HTTP API. The market socket is described in docs/protocol.md." },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      responses: Object.fromEntries(
        Object.entries(REASONS).map(([code, description]) => [`E${code}`, { description, content: { "application/json": { schema: json(ErrorBodySchema) } } }]),
      ),
    },
    paths,
  };
}
