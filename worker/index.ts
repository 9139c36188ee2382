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

export default buildApp() satisfies ExportedHandler<Env>;
