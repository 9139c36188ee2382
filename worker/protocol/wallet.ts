// The account's own money on the wire: deposits and withdrawals, the
// statement, limits and self-exclusion (contract: "Accounts that last").
// Schemas once; the routes validate against them and the OpenAPI document is
// built from them.
import * as v from "valibot";
import { BET_ID_PATTERN } from "./units.ts";

/** One deposit or withdrawal: at most 10^10 minor units, so balances stay exact integers. */
const Amount = v.pipe(v.number(), v.safeInteger("must be an integer number of minor units"), v.minValue(1), v.maxValue(10_000_000_000), v.description("Integer minor units (cents), 1 to 10^10"));
/** A limit's value: 0 allows nothing. */
const LimitValue = v.pipe(v.number(), v.safeInteger("must be an integer number of minor units"), v.minValue(0), v.maxValue(1_000_000_000_000), v.description("Integer minor units (cents)"));

export const MoneyRequestBody = v.strictObject({
  id: v.pipe(v.string(), v.regex(BET_ID_PATTERN, "must be 8 to 64 characters of A-Z a-z 0-9 _ -"), v.description("Idempotency key, as for bets; one namespace for deposits and withdrawals")),
  amount: Amount,
});

const limitFields = {
  depositPerDay: v.optional(LimitValue),
  lossPerDay: v.optional(LimitValue),
  stakePerBet: v.optional(LimitValue),
};
const AskedLimit = v.optional(v.nullable(LimitValue));
/** The whole set of limits asked for: a limit left out (or null, an addition) asks for none. */
export const LimitsBody = v.strictObject({ depositPerDay: AskedLimit, lossPerDay: AskedLimit, stakePerBet: AskedLimit });

export const ExclusionBody = v.strictObject({
  days: v.pipe(v.number(), v.safeInteger("days is a whole number"), v.minValue(1), v.maxValue(3650), v.description("1 to 3650")),
});

export const StatementQuery = v.object({
  cursor: v.optional(v.pipe(v.string(), v.description("The previous page's `next`, as given"))),
  limit: v.optional(v.pipe(v.number(), v.safeInteger("limit is a whole number"), v.minValue(1, "limit is at least 1"), v.maxValue(500, "limit is at most 500"), v.description("Page size (addition)")), 100),
});

// ---- Answers ----

/** Money on the wire: whole minor units, always. */
const Cents = v.pipe(v.number(), v.safeInteger("must be an integer number of minor units"));
export const BalanceSchema = v.object({ balance: Cents });

export const StatementEntrySchema = v.object({
  seq: v.number(),
  ts: v.number(),
  kind: v.picklist(["grant", "deposit", "withdrawal", "stake", "payout", "refund", "cashout"]),
  amount: v.pipe(Cents, v.description("Signed: credits positive, debits negative")),
  balance: v.pipe(Cents, v.description("The balance after this entry")),
  ref: v.pipe(v.string(), v.description("marketId/betId for a bet's money, the request id for a deposit or withdrawal, `opening` for the opening grant")),
});
export const StatementSchema = v.object({ entries: v.array(StatementEntrySchema), next: v.optional(v.string()) });

const PendingLimitSchema = v.object({
  value: v.pipe(v.nullable(v.number()), v.description("The limit from `at` on; null removes it")),
  at: v.pipe(v.number(), v.description("When it applies (ms since the epoch)")),
});
export const LimitsSchema = v.object({
  limits: v.object(limitFields),
  pending: v.optional(
    v.object({ depositPerDay: v.optional(PendingLimitSchema), lossPerDay: v.optional(PendingLimitSchema), stakePerBet: v.optional(PendingLimitSchema) }),
  ),
});

export const ExclusionSchema = v.object({ until: v.pipe(v.nullable(v.number()), v.description("When the self-exclusion ends (ms since the epoch); null when none is running")) });

export type MoneyRequestBody = v.InferOutput<typeof MoneyRequestBody>;
export type LimitsBody = v.InferOutput<typeof LimitsBody>;
export type Statement = v.InferOutput<typeof StatementSchema>;
export type LimitsAnswer = v.InferOutput<typeof LimitsSchema>;
