// How the Worker and the objects reach the book: the one book object, its
// summary shards and its relays, and the two settings that size them.
import { shardIndex } from "../rules/book-rules.ts";
import type { Book } from "./book.ts";
import type { BookRelay } from "./book-relay.ts";
import type { BookShard } from "./book-shard.ts";

/** 2,000 markets moving once a second over 16 shards: about 125 calls a second into each. */
const DEFAULT_SHARDS = 16;
/** Book sockets per relay object before another relay is opened. */
const DEFAULT_RELAY_SIZE = 100;

function setting(env: Env, name: string, fallback: number): number {
  const n = Number((env as unknown as Record<string, string | undefined>)[name]);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

export const bookShards = (env: Env) => setting(env, "BOOK_SHARDS", DEFAULT_SHARDS);
export const bookRelaySize = (env: Env) => setting(env, "BOOK_RELAY_SIZE", DEFAULT_RELAY_SIZE);

export function bookOf(env: Env): DurableObjectStub<Book> {
  return env.BOOK.get(env.BOOK.idFromName("book"));
}

export function shardName(index: number): string {
  return `shard-${index}`;
}

export function shardFor(env: Env, marketId: string): DurableObjectStub<BookShard> {
  return env.BOOK_SHARD.get(env.BOOK_SHARD.idFromName(shardName(shardIndex(marketId, bookShards(env)))));
}

export function bookRelay(env: Env, index: number): DurableObjectStub<BookRelay> {
  return env.BOOK_RELAY.get(env.BOOK_RELAY.idFromName(`book/relay-${index}`));
}
