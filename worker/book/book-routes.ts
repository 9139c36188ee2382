// The book's HTTP face: the book socket's front door (the market socket's
// checks, then the view asked for) and the call counts a benchmark reads
// (admin only).
import { Hono } from "hono";
import { adminOnly } from "../auth/session.ts";
import { admitSocketOpen } from "../auth/socket-door.ts";
import type { AppEnv } from "../context.ts";
import { ErrorCode, fail } from "../errors.ts";
import { parseView } from "../rules/book-view.ts";
import { bookOf, bookRelay, bookShards, shardName } from "./book-config.ts";
import { BookHeader } from "./book-relay.ts";

export const bookRoutes = new Hono<AppEnv>()
  .get("/ws", async (c) => {
    await admitSocketOpen(c);
    const view = parseView(new URL(c.req.url).searchParams);
    if ("error" in view) return fail(ErrorCode.INVALID, view.error);
    const headers = new Headers({ Upgrade: "websocket", [BookHeader.VIEW]: JSON.stringify(view) });
    return bookOf(c.env).fetch(new Request("https://book/ws", { headers }));
  })
  .get("/stats", adminOnly, async (c) => {
    const reset = c.req.query("reset") === "1";
    const n = bookShards(c.env);
    const shards = await Promise.all(
      Array.from({ length: n }, (_, i) => c.env.BOOK_SHARD.get(c.env.BOOK_SHARD.idFromName(shardName(i))).stats(reset)),
    );
    const book = await bookOf(c.env).stats(reset);
    const relays = await Promise.all(Array.from({ length: book.relays }, (_, i) => bookRelay(c.env, i).stats(reset)));
    return c.json({ book, shards, relays });
  });
