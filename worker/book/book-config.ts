// How the book's objects (and the Worker) reach one another: the one book
// object, its summary shards and its relays, by name. The stubs are typed
// through the bindings (Env); their sizes are settings (config.ts).
import { configOf } from "../config.ts";
import { shardName, shardOf } from "../rules/book-rules.ts";

export const bookOf = (env: Env) => env.BOOK.getByName("book");
export const bookShard = (env: Env, index: number) => env.BOOK_SHARD.getByName(shardName(index));
export const bookRelay = (env: Env, index: number) => env.BOOK_RELAY.getByName(`book/relay-${index}`);

/** The shard that holds this market's summary. */
export const shardFor = (env: Env, marketId: string) => env.BOOK_SHARD.getByName(shardOf(marketId, configOf(env).bookShards));
