// The book's HTTP face: the book socket's front door (the market socket's
// checks, then the view asked for) and the call counts a benchmark reads
// (admin only).
import { Hono } from "hono";
import { bookOf, bookRelay, bookShard } from "../../book/book-config.ts";
import { BookHeader } from "../../platform/object-headers.ts";
import { parseView } from "../../rules/book-view.ts";
import type { AppEnv } from "../context.ts";
import { adminOnly } from "../session.ts";
import { admitSocketOpen } from "../socket-door.ts";
import { unwrap } from "../unwrap.ts";

export const bookRoutes = new Hono<AppEnv>()
  .get("/ws", async (c) => {
    await admitSocketOpen(c);
    const view = unwrap(parseView(new URL(c.req.url).searchParams));
    const headers = new Headers({ Upgrade: "websocket", [BookHeader.VIEW]: JSON.stringify(view) });
    return bookOf(c.env).fetch(new Request("https://book/ws", { headers }));
  })
  .get("/stats", adminOnly, async (c) => {
    const reset = c.req.query("reset") === "1";
    const n = c.get("config").bookShards;
    const shards = await Promise.all(Array.from({ length: n }, async (_, i) => unwrap(await bookShard(c.env, i).stats(reset))));
    const book = unwrap(await bookOf(c.env).stats(reset));
    const relays = await Promise.all(Array.from({ length: book.relays }, async (_, i) => unwrap(await bookRelay(c.env, i).stats(reset))));
    return c.json({ book, shards, relays });
  });
