// The Worker entry: the Hono app and the Durable Object classes, nothing else.
import { buildApp } from "./app.ts";

export { Account } from "./account/account.ts";
export { Book } from "./book/book.ts";
export { BookRelay } from "./book/book-relay.ts";
export { BookShard } from "./book/book-shard.ts";
export { Catalog } from "./catalog/catalog.ts";
export { Limiter } from "./limiter/limiter.ts";
export { MarketHub } from "./hub/market-hub.ts";
export { MarketRelay } from "./relay/market-relay.ts";
export { Wallet } from "./wallet/wallet.ts";

const app = buildApp() satisfies ExportedHandler<Env>;
export default app;
/**
 * The same handler under a name of its own, for the local server: its front
 * sends /api/* straight to this entrypoint (as Cloudflare's edge does with
 * run_worker_first), not through the local runtime's asset router. Only
 * `fetch`, which checks the front's key: the local runtime's direct socket
 * also takes RPC calls, and the Hono app itself would answer them (its route
 * table, its handlers, its error hooks) without any check.
 */
export const api = {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
