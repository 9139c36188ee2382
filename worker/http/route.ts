// A route declared once: its summary, who may call it, its path parameters,
// query and body schemas, its answer and the refusals its handler gives. The
// middleware `route(spec)` enforces the spec (session and role, parameters,
// query, body) and carries it, so the OpenAPI document (openapi.ts) is built
// from the very schemas that validate requests and cannot drift from them.
import type { Context, MiddlewareHandler } from "hono";
import type * as v from "valibot";
import { ErrorCode, fail } from "../errors.ts";
import { parse } from "../protocol/schemas.ts";
import { readBody } from "./body.ts";
import type { AppEnv } from "./context.ts";
import { readQuery } from "./query.ts";
import { type Who, requireSession } from "./session.ts";

export type Status = 101 | 200 | 201 | 204 | 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429;
type QuerySchema = v.ObjectSchema<v.ObjectEntries, undefined>;

export interface RouteSpec {
  summary: string;
  /** Absent: anyone, no session needed. */
  who?: Who;
  /** Path parameters by name; a value that fails its schema names nothing (404). */
  params?: Record<string, v.GenericSchema>;
  query?: QuerySchema;
  body?: v.GenericSchema;
  answer: { status: 101 | 200 | 201 | 204; description: string; schema?: v.GenericSchema };
  /** Refusals the handler itself gives, beyond those the spec implies. */
  refusals?: Status[];
}

export interface Valid<S extends RouteSpec> {
  body: S["body"] extends v.GenericSchema ? v.InferOutput<S["body"]> : undefined;
  query: S["query"] extends QuerySchema ? v.InferOutput<S["query"]> : Record<string, never>;
}

const SPEC = Symbol("route spec");
export type RouteMiddleware = MiddlewareHandler<AppEnv> & { [SPEC]: RouteSpec };

export function route(spec: RouteSpec): RouteMiddleware {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (spec.who) c.set("session", await requireSession(c, spec.who));
    for (const [name, schema] of Object.entries(spec.params ?? {})) {
      if (!parse(schema, c.req.param(name)).ok) fail(ErrorCode.NOT_FOUND, `no such ${name === "id" ? "market" : name}`);
    }
    const query = spec.query ? readQuery(new URL(c.req.url).searchParams, spec.query) : {};
    const body = spec.body ? await readBody(c, spec.body) : undefined;
    c.set("valid", { body, query });
    await next();
  };
  return Object.assign(middleware, { [SPEC]: spec });
}

/** The spec a handler carries, if it is a route middleware. */
export function specOf(handler: unknown): RouteSpec | undefined {
  return typeof handler === "function" && SPEC in handler ? (handler as RouteMiddleware)[SPEC] : undefined;
}

/** What the route middleware checked, typed by the spec it checked against. */
export function valid<S extends RouteSpec>(c: Context<AppEnv>, _spec: S): Valid<S> {
  return c.get("valid") as Valid<S>;
}

/** Every status a route may answer: its own, and those its spec implies. */
export function statusesOf(spec: RouteSpec, method: string): Status[] {
  const all = new Set<Status>([spec.answer.status, ...(spec.refusals ?? [])]);
  if (spec.who) all.add(401);
  if (spec.who === "admin" || spec.who === "punter") all.add(403);
  if (spec.params) all.add(404);
  if (spec.query) all.add(400);
  if (spec.body) [400, 413, 415].forEach((s) => all.add(s as Status));
  // The cross-site guard (http/same-origin.ts) stands before every state-changing route.
  if (method !== "GET") [403, 415].forEach((s) => all.add(s as Status));
  return [...all].sort((a, b) => a - b);
}
