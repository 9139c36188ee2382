// The OpenAPI 3 document, generated from the same schemas that validate the
// requests: no second copy to drift.
import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import * as book from "../protocol/book.ts";
import * as s from "../protocol/schemas.ts";

const json = (schema: v.GenericSchema) => {
  const out = toJsonSchema(schema, { target: "openapi-3.0", errorMode: "ignore" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
};
const content = (schema: v.GenericSchema | Record<string, unknown>) => ({
  "application/json": { schema: "kind" in schema ? json(schema as v.GenericSchema) : schema },
});
const ok = (status: number, description: string, schema: v.GenericSchema | Record<string, unknown>) => ({
  [status]: { description, content: content(schema) },
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((code) => [code, { $ref: `#/components/responses/E${code}` }]));
const body = (schema: v.GenericSchema) => ({ required: true, content: content(schema) });
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,63}$" } };
const session = [{ bearer: [] }];
const obj = (props: Record<string, unknown>) => ({ type: "object", properties: props, required: Object.keys(props) });
const seqAnswer = obj({ seq: { type: "integer" } });

export interface RouteDoc {
  method: string;
  path: string;
}

export function openApiDocument(): Record<string, unknown> {
  const market = json(s.MarketSchema);
  return {
    openapi: "3.0.3",
    info: { title: "Edgebook", version: "1.0.0", description: "Live betting markets: HTTP API. The market socket is described in docs/protocol.md." },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      responses: Object.fromEntries(
        [400, 401, 403, 404, 409, 413, 429].map((code) => [
          `E${code}`,
          { description: "Error", content: content(s.ErrorBodySchema) },
        ]),
      ),
    },
    paths: {
      "/api/session": {
        post: {
          summary: "Open a session: a new punter account, or an admin session with adminKey",
          requestBody: body(s.SessionBody),
          responses: { ...ok(201, "Session opened", obj({ token: { type: "string" }, account: json(s.AccountSchema) })), ...errors(400, 401, 413, 429) },
        },
      },
      "/api/me": {
        get: { summary: "The session's account", security: session, responses: { ...ok(200, "Account", obj({ account: json(s.AccountSchema) })), ...errors(401) } },
      },
      "/api/me/bets": {
        get: {
          summary: "The account's bets, newest first",
          security: session,
          responses: { ...ok(200, "Bets", obj({ bets: { type: "array", items: json(s.BetSchema) } })), ...errors(401) },
        },
      },
      "/api/markets": {
        get: {
          summary:
            "Markets with their current odds and status, oldest first, one page at a time; without status, markets settled or voided over an hour ago are left out",
          parameters: [
            { name: "status", in: "query", description: "Repeatable: any of the statuses given", schema: { type: "array", items: { type: "string", enum: ["open", "suspended", "closed", "settled", "voided"] } }, style: "form", explode: true },
            { name: "event", in: "query", description: "The event name contains this, case-blind", schema: { type: "string", maxLength: 120 } },
            { name: "inPlay", in: "query", schema: { type: "boolean" } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
            { name: "cursor", in: "query", description: "The previous page's `next`, as given", schema: { type: "string" } },
          ],
          responses: { ...ok(200, "One page of markets; `next` is absent on the last", json(book.MarketPageSchema)), ...errors(400) },
        },
        post: {
          summary: "Create a market (admin)",
          security: session,
          requestBody: body(s.CreateMarketBody),
          responses: { ...ok(201, "Created", obj({ market })), ...errors(400, 401, 403, 409, 413) },
        },
      },
      "/api/markets/{id}": {
        get: { summary: "One market", parameters: [idParam], responses: { ...ok(200, "Market", obj({ market })), ...errors(404) } },
      },
      "/api/markets/{id}/odds": {
        post: {
          summary: "Push odds (admin); only changed selections are broadcast",
          security: session,
          parameters: [idParam],
          requestBody: body(s.OddsBody),
          responses: { ...ok(200, "The market's seq", seqAnswer), ...errors(400, 401, 403, 404, 409) },
        },
      },
      "/api/markets/{id}/status": {
        post: {
          summary: "Open, suspend or close; in play and bet delay (admin)",
          security: session,
          parameters: [idParam],
          requestBody: body(s.StatusBody),
          responses: { ...ok(200, "The market's seq", seqAnswer), ...errors(400, 401, 403, 404, 409) },
        },
      },
      "/api/markets/{id}/settle": {
        post: {
          summary: "Settle with a winner, or void (admin)",
          security: session,
          parameters: [idParam],
          requestBody: body(s.SettleBody),
          responses: { ...ok(200, "The market's seq", seqAnswer), ...errors(400, 401, 403, 404, 409) },
        },
      },
      "/api/markets/{id}/feed/heartbeat": {
        post: {
          summary: "The odds feed's heartbeat, for markets with a feed watchdog (admin)",
          security: session,
          parameters: [idParam],
          responses: { ...ok(200, "The market's seq", seqAnswer), ...errors(401, 403, 404) },
        },
      },
      "/api/markets/{id}/bets": {
        post: {
          summary: "Place a bet (punter); the answer is the socket's bet frame",
          security: session,
          parameters: [idParam],
          requestBody: body(s.BetBody),
          responses: { ...ok(200, "Bet answer", s.BetReplyFrame), ...errors(400, 401, 403, 404, 413) },
        },
      },
      "/api/markets/{id}/ticket": {
        post: {
          summary: "A single-use ticket for this market's socket, valid 60 s",
          security: session,
          parameters: [idParam],
          responses: { ...ok(201, "Ticket", obj({ ticket: { type: "string" } })), ...errors(401, 404) },
        },
      },
      "/api/markets/{id}/ws": {
        get: {
          summary: "The market socket (WebSocket upgrade); frames in docs/protocol.md",
          parameters: [
            idParam,
            { name: "ticket", in: "query", schema: { type: "string" } },
            { name: "since", in: "query", schema: { type: "integer" } },
            { name: "epoch", in: "query", schema: { type: "string" } },
            { name: "conflateMs", in: "query", schema: { type: "integer" } },
          ],
          responses: { 101: { description: "Switching protocols" }, ...errors(400, 401, 403, 404, 429) },
        },
      },
      "/api/markets/{id}/exposure": {
        get: {
          summary: "Open bets per selection and the book's result if each wins (admin)",
          security: session,
          parameters: [idParam],
          responses: { ...ok(200, "Exposure", obj({ exposure: json(s.ExposureSchema) })), ...errors(401, 403, 404) },
        },
      },
      "/api/markets/{id}/history": {
        get: {
          summary: "The market's last odds changes, oldest first, for a price chart",
          parameters: [idParam, { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 60 } }],
          responses: { ...ok(200, "Odds history", json(s.OddsHistorySchema)), ...errors(400, 404) },
        },
      },
      "/api/markets/{id}/events": {
        get: {
          summary: "The market's event log, oldest first, paged (admin)",
          security: session,
          parameters: [
            idParam,
            { name: "after", in: "query", schema: { type: "integer" } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000 } },
          ],
          responses: {
            ...ok(200, "Events", { type: "object", properties: { events: { type: "array", items: json(s.MarketEventSchema) }, next: { type: "integer" } }, required: ["events"] }),
            ...errors(400, 401, 403, 404),
          },
        },
      },
      "/api/book/ws": {
        get: {
          summary: "The book socket (WebSocket upgrade): summaries of many markets live on one socket; frames in docs/protocol.md",
          parameters: [
            { name: "event", in: "query", description: "Markets whose event name contains this, case-blind", schema: { type: "string", maxLength: 120 } },
            { name: "ids", in: "query", description: "Comma-separated market ids, up to 500", schema: { type: "string" } },
          ],
          responses: { 101: { description: "Switching protocols" }, ...errors(400, 403, 429) },
        },
      },
      "/api/book/stats": {
        get: {
          summary: "Calls taken by the book object and each summary shard: total and the busiest second (admin)",
          security: session,
          parameters: [{ name: "reset", in: "query", schema: { type: "string", enum: ["1"] } }],
          responses: { ...ok(200, "Call counts", { type: "object" }), ...errors(401, 403) },
        },
      },
      "/api/health": { get: { summary: "Liveness", responses: ok(200, "Alive", obj({ ok: { type: "boolean" } })) } },
      "/api/openapi.json": { get: { summary: "This document", responses: { 200: { description: "OpenAPI 3 document" } } } },
    },
  };
}
