// The answers of the wallet's account routes (contract, "Accounts that last"):
// statement, deposit and withdraw, limits, self-exclusion. Kept here until the
// server's own schemas for them land in worker/protocol, which should replace these.
import * as v from "valibot";

const Cents = v.pipe(v.number(), v.safeInteger());
const Limit = v.optional(v.nullable(v.pipe(Cents, v.minValue(0))));

export const LimitsShape = v.object({ depositPerDay: Limit, lossPerDay: Limit, stakePerBet: Limit });

export const StatementEntrySchema = v.object({
  seq: v.number(),
  ts: v.number(),
  kind: v.string(),
  amount: Cents,
  balance: Cents,
  ref: v.optional(v.nullable(v.string())),
});

/** `next` is opaque: sent back as it came, as text. */
export const StatementAnswer = v.object({
  entries: v.array(StatementEntrySchema),
  next: v.optional(v.nullable(v.pipe(v.union([v.string(), v.number()]), v.transform(String)))),
});

export const BalanceAnswer = v.object({ balance: Cents });

/**
 * `pending` is the contract's "project's choice": each raised or removed limit
 * as its new value (null for removed), either bare or as `{value, at}` with the
 * time it applies. Other keys are left alone.
 */
const PendingLimit = v.union([v.nullable(Cents), v.object({ value: v.nullable(Cents), at: v.optional(v.number()) })]);
export const LimitsAnswer = v.object({
  limits: LimitsShape,
  pending: v.optional(v.nullable(v.object({ depositPerDay: v.optional(PendingLimit), lossPerDay: v.optional(PendingLimit), stakePerBet: v.optional(PendingLimit), at: v.optional(v.number()) }))),
});

export type StatementEntry = v.InferOutput<typeof StatementEntrySchema>;
export type StatementPage = { entries: StatementEntry[]; next?: string };
export type Limits = v.InferOutput<typeof LimitsShape>;
export type LimitName = keyof Limits;
export type LimitsState = v.InferOutput<typeof LimitsAnswer>;
