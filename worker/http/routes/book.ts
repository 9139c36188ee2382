// The book's HTTP face: the book socket's front door (the market socket's
// checks, then the view asked for) and the call counts a benchmark reads
// (admin only).
import { Hono } from "hono";
import * as v from "valibot";
import { bookOf, bookRelay, bookShard } from "../../book/book-config.ts";
import { BookHeader } from "../../platform/object-headers.ts";
import { BookSocketQuery, BookStatsQuery } from "../../protocol/queries.ts";
import { parseView } from "../../rules/book-view.ts";
import type { AppEnv } from "../context.ts";
import { type RouteSpec, route, valid } from "../route.ts";
import { admitSocketOpen } from "../socket-door.ts";
import { unwrap } from "../unwrap.ts";

const Socket = {
  summary: "The book socket (WebSocket upgrade): summaries of many markets live on one socket; frames in docs/protocol.md",
  query: BookSocketQuery,
  answer: { status: 101, description: "Switching protocols" },
  refusals: [403, 429],
} satisfies RouteSpec;
const Stats = {
  summary: "Calls taken by the book object and each summary shard: total and the busiest second (admin)",
  who: "admin",
  query: BookStatsQuery,
  answer: { status: 200, description: "Call counts", schema: v.looseObject({}) },
} satisfies RouteSpec;

export const bookRoutes = new Hono<AppEnv>()
  .get("/ws", route(Socket), async (c) => {
    const held = await admitSocketOpen(c);
    const view = unwrap(parseView(new URL(c.req.url).searchParams));
    const headers = new Headers({ Upgrade: "websocket", [BookHeader.VIEW]: JSON.stringify(view), ...held });
    return bookOf(c.env).fetch(new Request("https://book/ws", { headers }));
  })
  .get("/stats", route(Stats), async (c) => {
    const reset = valid(c, Stats).query.reset === "1";
    const n = c.get("config").bookShards;
    const shards = await Promise.all(Array.from({ length: n }, async (_, i) => unwrap(await bookShard(c.env, i).stats(reset))));
    const book = unwrap(await bookOf(c.env).stats(reset));
    const relays = await Promise.all(Array.from({ length: book.relays }, async (_, i) => unwrap(await bookRelay(c.env, i).stats(reset))));
    return c.json({ book, shards, relays });
  });
