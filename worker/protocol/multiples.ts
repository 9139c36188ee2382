// Multiples on the wire (contract v1.1, "Multiples"): the request, the
// resource and the account's list. Schemas once; the route validates against
// them, the OpenAPI document and the web app are built from them.
import * as v from "valibot";
import { AcceptPolicy, BetStatus, RejectReason } from "./codes.ts";
import { BetIdSchema, IdSchema, MoneySchema, OddsSchema } from "./schemas.ts";

const values = <T extends Record<string, string>>(o: T) => Object.values(o) as [T[keyof T], ...T[keyof T][]];

export const MULTIPLE_MIN_LEGS = 2;
export const MULTIPLE_MAX_LEGS = 10;

export const LegBody = v.strictObject({ marketId: IdSchema, selectionId: IdSchema, odds: OddsSchema });

export const MultipleBody = v.strictObject({
  id: v.pipe(BetIdSchema, v.description("The client's idempotency key for this multiple")),
  stake: v.pipe(MoneySchema, v.minValue(1, "stake is at least 1"), v.maxValue(10_000_000_000, "stake is at most 10^10")),
  legs: v.pipe(
    v.array(LegBody),
    v.minLength(MULTIPLE_MIN_LEGS, "a multiple has 2 to 10 legs"),
    v.maxLength(MULTIPLE_MAX_LEGS, "a multiple has 2 to 10 legs"),
    v.check((legs) => new Set(legs.map((l) => l.marketId)).size === legs.length, "each leg of a multiple is on a different market"),
  ),
  accept: v.optional(v.picklist(values(AcceptPolicy))),
});

export const LegResultSchema = v.picklist(["won", "lost", "void"]);

export const MultipleSchema = v.object({
  id: v.string(),
  stake: v.number(),
  status: v.picklist(values(BetStatus)),
  legs: v.array(
    v.object({
      marketId: v.string(),
      selectionId: v.string(),
      odds: v.pipe(v.number(), v.description("The price the leg was accepted at (the price asked while pending or rejected)")),
      result: v.optional(LegResultSchema),
    }),
  ),
  odds: v.pipe(v.number(), v.description("The exact product of the legs' odds")),
  payout: v.pipe(v.number(), v.description("floor(stake x product) when accepted; what was credited when won (void legs at 1.00); the stake when void; else 0")),
  placedAt: v.number(),
  settledAt: v.optional(v.number()),
  reason: v.optional(v.picklist(values(RejectReason))),
});

export const MultipleAnswerSchema = v.object({ multiple: MultipleSchema });
export const MultiplePageSchema = v.object({ multiples: v.array(MultipleSchema), next: v.optional(v.string()) });

export const MultiplesQuery = v.object({
  cursor: v.optional(v.pipe(v.string(), v.description("The previous page's `next`, as given"))),
  limit: v.optional(
    v.pipe(v.number(), v.safeInteger("limit is a whole number"), v.minValue(1, "limit is at least 1"), v.maxValue(200, "limit is at most 200"), v.description("Page size, default 50")),
    50,
  ),
});

export type LegBody = v.InferOutput<typeof LegBody>;
export type MultipleBody = v.InferOutput<typeof MultipleBody>;
export type Multiple = v.InferOutput<typeof MultipleSchema>;
export type LegResultWire = v.InferOutput<typeof LegResultSchema>;
