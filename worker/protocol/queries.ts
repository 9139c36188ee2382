// The query strings the HTTP routes take, as schemas of their decoded values:
// the route middleware checks every request against them and the OpenAPI
// document is generated from them. A query value arrives as text; integers
// and booleans are decoded before the check (see worker/http/query.ts).
import * as v from "valibot";
import { MarketStatus } from "./codes.ts";

const Int = (min: number, max: number, what: string) =>
  v.pipe(v.number(), v.safeInteger(`${what} is a whole number`), v.minValue(min, `${what} is at least ${min}`), v.maxValue(max, `${what} is at most ${max}`));
const EventText = (description: string) => v.pipe(v.string(), v.maxLength(120, "event is at most 120 characters"), v.description(description));

export const MarketListQuery = v.object({
  status: v.optional(
    v.pipe(
      v.array(v.picklist(Object.values(MarketStatus), "status is one of open, suspended, closed, settled, voided")),
      v.description("Repeatable: any of the statuses given"),
    ),
  ),
  event: v.optional(EventText("The event name contains this, case-blind")),
  inPlay: v.optional(v.boolean("inPlay is true or false")),
  limit: v.optional(v.pipe(Int(1, 500, "limit"), v.description("Page size")), 100),
  cursor: v.optional(v.pipe(v.string(), v.description("The previous page's `next`, as given"))),
});

export const HistoryQuery = v.object({
  limit: v.optional(v.pipe(Int(1, 200, "limit"), v.description("How many changes")), 60),
});

export const EventsQuery = v.object({
  after: v.optional(v.pipe(Int(-1, Number.MAX_SAFE_INTEGER, "after"), v.description("The seq to start after; the previous page's `next`")), -1),
  limit: v.optional(v.pipe(Int(1, 1000, "limit"), v.description("Page size")), 100),
});

/** The market socket's parameters; `since` and `conflateMs` that are not integers are ignored (a snapshot is sent). */
export const MarketSocketQuery = v.object({
  ticket: v.optional(v.pipe(v.string(), v.description("A single-use ticket from POST /api/markets/{id}/ticket"))),
  since: v.optional(v.pipe(v.string(), v.description("Resume after this seq (an integer)"))),
  epoch: v.optional(v.pipe(v.string(), v.description("The epoch the client's seq belongs to"))),
  conflateMs: v.optional(v.pipe(v.string(), v.description("Conflate odds frames over this many ms, 0 to 5000 (an integer)"))),
});

export const BookSocketQuery = v.object({
  event: v.optional(EventText("Markets whose event name contains this, case-blind")),
  ids: v.optional(v.pipe(v.string(), v.description("Comma-separated market ids, up to 500"))),
});

export const BookStatsQuery = v.object({
  reset: v.optional(v.pipe(v.picklist(["1"], "reset is 1 or absent"), v.description("1: read the counts and start them again"))),
});
