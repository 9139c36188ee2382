// Builds the Hono app: request id and log line, config, security headers,
// routes, and the one onError that turns every failure into the contract's
// error shape. No stack or internal detail ever leaves.
import { Hono } from "hono";
import * as v from "valibot";
import { MissingSecret, WeakSecret, configOf, weakSecrets } from "./config.ts";
import type { AppEnv } from "./http/context.ts";
import { AppError, ErrorCode, errorBody } from "./errors.ts";
import { log, setLogLevel } from "./log.ts";
import { frontGate } from "./http/client-address.ts";
import { bookRoutes } from "./http/routes/book.ts";
import { marketRoutes } from "./http/routes/markets.ts";
import { meRoutes } from "./http/routes/me.ts";
import { multipleRoutes } from "./http/routes/multiples.ts";
import { openApiDocument } from "./http/openapi.ts";
import { passkeyRoutes } from "./http/routes/passkeys.ts";
import { type RouteSpec, route } from "./http/route.ts";
import { sameOrigin } from "./http/same-origin.ts";
import { sessionRoutes } from "./http/routes/session.ts";
import { socketRoutes } from "./http/routes/socket.ts";

const Health = { summary: "Liveness", answer: { status: 200, description: "Alive", schema: v.object({ ok: v.boolean() }) } } satisfies RouteSpec;
const OpenApi = { summary: "This document", answer: { status: 200, description: "OpenAPI 3 document" } } satisfies RouteSpec;

export function buildApp() {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    const requestId = crypto.randomUUID();
    const started = Date.now();
    c.set("requestId", requestId);
    const config = configOf(c.env);
    c.set("config", config);
    setLogLevel(config.logLevel);
    const weak = weakSecrets(c.env);
    if (weak) throw new WeakSecret(weak);
    await next();
    // A 101 response carries the socket and cannot take new headers.
    if (c.res.status !== 101) {
      // A response relayed from a Durable Object has immutable headers: copy it first.
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set("x-request-id", requestId);
      c.res.headers.set("x-content-type-options", "nosniff");
      c.res.headers.set("referrer-policy", "no-referrer");
      c.res.headers.set("cache-control", "no-store");
    }
    // The path only: query strings can carry tickets.
    log.info("http", { requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started });
  });

  app.use("/api/*", frontGate);
  app.use("/api/*", sameOrigin);
  app.get("/api/health", route(Health), (c) => c.json({ ok: true }));
  let document: Record<string, unknown> | undefined;
  app.get("/api/openapi.json", route(OpenApi), (c) => c.json((document ??= openApiDocument(app))));
  app.route("/api", sessionRoutes);
  app.route("/api", passkeyRoutes);
  app.route("/api/me", meRoutes);
  app.route("/api", multipleRoutes);
  app.route("/api/markets", socketRoutes);
  app.route("/api/markets", marketRoutes);
  app.route("/api/book", bookRoutes);

  app.notFound((c) => c.json(errorBody(ErrorCode.NOT_FOUND, "no such route"), 404));
  app.onError((err, c) => {
    if (err instanceof AppError) return c.json(errorBody(err.code, err.message), err.status);
    if (err instanceof WeakSecret) {
      log.error("config", err, { requestId: c.get("requestId") });
      return c.json(errorBody(ErrorCode.INTERNAL, "the server refuses to run with weak secrets; its log says which"), 500);
    }
    if (err instanceof MissingSecret) {
      log.error("config", err, { requestId: c.get("requestId") });
      return c.json(errorBody(ErrorCode.INTERNAL, "the server is not configured for sessions"), 500);
    }
    log.error("http.unhandled", err, { requestId: c.get("requestId"), path: c.req.path });
    return c.json(errorBody(ErrorCode.INTERNAL, "internal error"), 500);
  });
  return app;
}
