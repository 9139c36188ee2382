// The wire protocol as runtime schemas, shared by the worker, the web app, the
// SDK and the OpenAPI document. Types are inferred from these; nothing is
// declared twice. Validation only: conversion to internal units happens after.
import * as v from "valibot";
import { AcceptPolicy, BetStatus, MarketStatus, RejectReason, Role } from "./codes.ts";
import { issueText } from "./issue-text.ts";
import { BET_ID_PATTERN, ID_PATTERN, oddsFromDecimal } from "./units.ts";

const values = <T extends Record<string, string>>(o: T) =>
  Object.values(o) as [T[keyof T], ...T[keyof T][]];

export const IdSchema = v.pipe(
  v.string(),
  v.regex(ID_PATTERN, "must match ^[a-z0-9][a-z0-9-]{0,63}$"),
);
export const BetIdSchema = v.pipe(
  v.string(),
  v.regex(BET_ID_PATTERN, "must be 8 to 64 characters of A-Z a-z 0-9 _ -"),
);
export const OddsSchema = v.pipe(
  v.number(),
  v.minValue(1.01),
  v.maxValue(1000),
  // A whole number of hundredths, exactly: 2.0000000001 is within any rounding
  // tolerance of 2 but is not odds of two decimals. h / 100 is the double
  // nearest the decimal h/100, which is what JSON.parse gives for it.
  v.check((n) => {
    const h = oddsFromDecimal(n);
    return h !== null && h / 100 === n;
  }, "must have at most two decimals"),
  v.description("Decimal odds, 1.01 to 1000, at most two decimals"),
);
export const MoneySchema = v.pipe(
  v.number(),
  v.safeInteger("must be an integer number of minor units"),
  v.minValue(0),
  v.description("Integer minor units (cents)"),
);
/**
 * A market's stake limits stop at 10^10 minor units, so stake x odds (hundredths,
 * at most 10^5) stays below 2^53 and every payout is computed exactly: a bet's
 * stake is checked against maxStake before its payout is.
 */
const StakeLimit = v.pipe(MoneySchema, v.minValue(1), v.maxValue(10_000_000_000));
const Text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
/**
 * A person's name (guest, account, passkey account): text without control,
 * format (zero-width, bidirectional overrides) or line-separator characters,
 * which could make one name look like another on screen or in the audit trail.
 */
export const AccountName = v.pipe(Text(40), v.regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, "must not contain control or invisible formatting characters"));
const DelayMs = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(30_000));

// ---- HTTP request bodies ----

/** A password: 10 to 256 characters (Unicode code points after NFC); never trimmed. */
const Password = v.pipe(
  v.string(),
  v.check((p) => [...p.normalize("NFC")].length >= 10, "must be at least 10 characters"),
  v.check((p) => [...p.normalize("NFC")].length <= 256, "must be at most 256 characters"),
);

/** A guest session `{name}`, an admin's `{name, adminKey}`, or a registered account's `{name, password}`. */
export const SessionBody = v.strictObject({
  name: AccountName,
  adminKey: v.optional(v.pipe(v.string(), v.maxLength(512))),
  // Checked at login by the hash alone: a short one simply does not match.
  password: v.optional(v.pipe(v.string(), v.maxLength(1024))),
});

export const RegisterBody = v.strictObject({ name: AccountName, password: Password });

export const SelectionInput = v.strictObject({ id: IdSchema, name: Text(80), odds: OddsSchema });

export const CreateMarketBody = v.strictObject({
  id: IdSchema,
  name: Text(120),
  event: Text(120),
  selections: v.pipe(
    v.array(SelectionInput),
    v.minLength(1),
    v.maxLength(40),
    v.check((s) => new Set(s.map((x) => x.id)).size === s.length, "selection ids must be unique"),
  ),
  betDelayMs: v.optional(DelayMs),
  minStake: v.optional(StakeLimit),
  maxStake: v.optional(StakeLimit),
  maxPayout: v.optional(v.pipe(MoneySchema, v.minValue(1))),
  feedTimeoutMs: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(600_000))),
});

export const OddsBody = v.strictObject({
  odds: v.pipe(v.record(IdSchema, OddsSchema), v.check((o) => Object.keys(o).length > 0, "odds must name at least one selection")),
});

export const StatusBody = v.strictObject({
  status: v.picklist([MarketStatus.OPEN, MarketStatus.SUSPENDED, MarketStatus.CLOSED]),
  inPlay: v.optional(v.boolean()),
  betDelayMs: v.optional(DelayMs),
  reason: v.optional(Text(120)),
});

export const SettleBody = v.union([
  v.strictObject({ winner: IdSchema }),
  v.strictObject({ void: v.literal(true) }),
]);

export const FeedHeartbeatBody = v.strictObject({});

const betFields = {
  id: BetIdSchema,
  selectionId: IdSchema,
  stake: MoneySchema,
  odds: OddsSchema,
  accept: v.optional(v.picklist(values(AcceptPolicy))),
};
export const BetBody = v.strictObject(betFields);

// ---- Client to server frames (besides the text `ping`) ----

export const BetFrame = v.strictObject({ type: v.literal("bet"), ...betFields });

/**
 * v1.1 live cash out. `id` is the request's idempotency key (same shape as a
 * bet id); `value` the cents the punter saw; `accept` exact (default) or
 * better; `stake` (addition) cashes out only that part of the bet's stake, in
 * cents, 1 to the stake less 1: the rest stays an open bet at its odds.
 */
const cashOutFields = {
  id: BetIdSchema,
  value: MoneySchema,
  accept: v.optional(v.picklist([AcceptPolicy.EXACT, AcceptPolicy.BETTER])),
  stake: v.optional(v.pipe(MoneySchema, v.minValue(1))),
};
export const CashOutBody = v.strictObject(cashOutFields);
export const CashOutFrame = v.strictObject({ type: v.literal("cashout"), betId: BetIdSchema, ...cashOutFields });
export const ClientFrame = v.variant("type", [BetFrame, CashOutFrame]);

// ---- Resources ----

export const SelectionSchema = v.object({ id: v.string(), name: v.string(), odds: v.number() });
export const MarketSchema = v.object({
  id: v.string(),
  name: v.string(),
  event: v.string(),
  status: v.picklist(values(MarketStatus)),
  inPlay: v.boolean(),
  betDelayMs: v.number(),
  minStake: v.number(),
  maxStake: v.number(),
  maxPayout: v.number(),
  selections: v.array(SelectionSchema),
  winner: v.optional(v.string()),
  seq: v.number(),
  epoch: v.string(),
  feedTimeoutMs: v.optional(v.number()),
  reason: v.optional(v.string()),
});
export const AccountSchema = v.object({
  id: v.string(),
  name: v.string(),
  role: v.picklist(values(Role)),
  balance: v.number(),
});
export const BetSchema = v.object({
  id: v.string(),
  marketId: v.string(),
  selectionId: v.string(),
  stake: v.number(),
  odds: v.number(),
  status: v.picklist(values(BetStatus)),
  payout: v.number(),
  placedAt: v.number(),
  settledAt: v.optional(v.number()),
  reason: v.optional(v.picklist(values(RejectReason))),
  dueAt: v.optional(v.number()),
});
/**
 * Addition: a settled or voided market's final result, from its decided bets.
 * `taken` is the stakes of accepted bets (won, lost or void), `paidOut` what
 * settlement credits (winners' payouts, void stakes refunded), `margin` is
 * `taken - paidOut` (negative is a loss). Integer minor units.
 */
export const FinalResultSchema = v.object({
  taken: v.number(),
  paidOut: v.number(),
  margin: v.number(),
  bets: v.number(),
});
export type FinalResult = v.InferOutput<typeof FinalResultSchema>;
/** Addition: the trader's view of a market's open book. */
export const ExposureSchema = v.object({
  marketId: v.string(),
  /** Stakes of every accepted, unsettled bet: the book keeps them whatever wins. */
  totalStake: v.number(),
  pendingBets: v.number(),
  selections: v.array(
    v.object({
      id: v.string(),
      bets: v.number(),
      stake: v.number(),
      /** What the book pays if this selection wins. */
      payout: v.number(),
      /** The book's result if this selection wins: totalStake - payout (negative is a loss). */
      profitIfWins: v.number(),
    }),
  ),
  /** Only for a settled or voided market: its final result. */
  final: v.optional(FinalResultSchema),
  /**
   * v1.1 addition, present once any cash out is done: how many, the stake
   * cashed out (the book's whatever wins) and the value paid for it (a cost).
   * Each `profitIfWins` already includes `stake - value`.
   */
  cashedOut: v.optional(v.object({ count: v.number(), stake: v.number(), value: v.number() })),
});
export type Exposure = v.InferOutput<typeof ExposureSchema>;

export const MarketEventSchema = v.looseObject({
  seq: v.number(),
  ts: v.number(),
  type: v.string(),
  by: v.string(),
});
/** One past odds change, as public as the odds themselves: no `by`. */
export const OddsPointSchema = v.object({
  seq: v.number(),
  ts: v.number(),
  odds: v.record(v.string(), v.number()),
});
export const OddsHistorySchema = v.object({ history: v.array(OddsPointSchema) });
export const ErrorBodySchema = v.object({
  error: v.object({ code: v.string(), message: v.string() }),
});

// ---- Server to client frames ----

/** What every frame that changes the market carries: its seq, and when. */
const changeFields = { seq: v.number(), ts: v.number() };

export const SnapshotFrame = v.object({ type: v.literal("snapshot"), seq: v.number(), epoch: v.string(), market: MarketSchema });
export const OddsFrame = v.object({
  type: v.literal("odds"),
  ...changeFields,
  odds: v.record(v.string(), v.number()),
  con: v.optional(v.boolean()),
});
export const StatusFrame = v.object({
  type: v.literal("status"),
  ...changeFields,
  status: v.picklist(values(MarketStatus)),
  inPlay: v.boolean(),
  betDelayMs: v.number(),
  reason: v.optional(v.string()),
});
export const SettledFrame = v.object({
  type: v.literal("settled"),
  ...changeFields,
  winner: v.optional(v.string()),
  void: v.optional(v.literal(true)),
});
export const ViewersFrame = v.object({ type: v.literal("viewers"), count: v.number() });
export const BetReplyFrame = v.object({
  type: v.literal("bet"),
  id: v.string(),
  status: v.picklist(values(BetStatus)),
  bet: v.optional(BetSchema),
  reason: v.optional(v.picklist(values(RejectReason))),
  odds: v.optional(v.number()),
});
export const BalanceFrame = v.object({
  type: v.literal("balance"),
  balance: v.number(),
  /** Addition: rises with every move of this wallet; keep the frame with the highest. */
  asOf: v.optional(v.number()),
});
export const ErrorFrame = v.object({ type: v.literal("error"), code: v.string(), message: v.string() });
/** v1.1: an open bet's cash out value now (null while the market is not open), to the bet's owner only. */
export const CashOutValueFrame = v.object({ type: v.literal("cashout"), betId: v.string(), value: v.nullable(v.number()), seq: v.number() });
export const CashOutStatus = { DONE: "done", PENDING: "pending", REJECTED: "rejected" } as const;
export const CashOutReasons = ["ODDS_CHANGED", "MARKET_SUSPENDED", "MARKET_CLOSED", "NOT_OPEN_BET", "INVALID", "ID_REUSED", "RATE_LIMITED", "UNAUTHENTICATED"] as const;
/**
 * v1.1: the answer to a cash out request. `value` is what was credited when
 * done, or the current value when refused ODDS_CHANGED; `bet` (addition) is
 * the bet as it stands after the answer.
 */
export const CashOutReplyFrame = v.object({
  type: v.literal("cashout"),
  id: v.string(),
  betId: v.string(),
  status: v.picklist(values(CashOutStatus)),
  value: v.optional(v.nullable(v.number())),
  reason: v.optional(v.picklist(CashOutReasons)),
  stake: v.optional(v.number()),
  bet: v.optional(BetSchema),
});
/**
 * Addition: the market's book, pushed to trader (admin) sockets only, on connect and after any
 * change to it (conflated); `exposure` is exactly the answer of GET /api/markets/:id/exposure,
 * `seq` the market's seq when it was computed.
 */
export const ExposureFrame = v.object({ type: v.literal("exposure"), seq: v.number(), exposure: ExposureSchema });

export const ServerFrame = v.variant("type", [
  SnapshotFrame,
  OddsFrame,
  StatusFrame,
  SettledFrame,
  ViewersFrame,
  BetReplyFrame,
  BalanceFrame,
  ErrorFrame,
  CashOutReplyFrame,
  CashOutValueFrame,
  ExposureFrame,
]);

export type SessionBody = v.InferOutput<typeof SessionBody>;
export type RegisterBody = v.InferOutput<typeof RegisterBody>;
export type CreateMarketBody = v.InferOutput<typeof CreateMarketBody>;
export type OddsBody = v.InferOutput<typeof OddsBody>;
export type StatusBody = v.InferOutput<typeof StatusBody>;
export type SettleBody = v.InferOutput<typeof SettleBody>;
export type BetBody = v.InferOutput<typeof BetBody>;
export type ClientFrame = v.InferOutput<typeof ClientFrame>;
export type Market = v.InferOutput<typeof MarketSchema>;
export type Account = v.InferOutput<typeof AccountSchema>;
export type Bet = v.InferOutput<typeof BetSchema>;
export type MarketEvent = v.InferOutput<typeof MarketEventSchema>;
export type OddsPoint = v.InferOutput<typeof OddsPointSchema>;
export type SnapshotFrame = v.InferOutput<typeof SnapshotFrame>;
export type OddsFrame = v.InferOutput<typeof OddsFrame>;
export type StatusFrame = v.InferOutput<typeof StatusFrame>;
export type SettledFrame = v.InferOutput<typeof SettledFrame>;
export type ViewersFrame = v.InferOutput<typeof ViewersFrame>;
export type BetReplyFrame = v.InferOutput<typeof BetReplyFrame>;
export type BalanceFrame = v.InferOutput<typeof BalanceFrame>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrame>;
export type ExposureFrame = v.InferOutput<typeof ExposureFrame>;
export type ServerFrame = v.InferOutput<typeof ServerFrame>;
export type CashOutBody = v.InferOutput<typeof CashOutBody>;
export type CashOutFrame = v.InferOutput<typeof CashOutFrame>;
export type CashOutValueFrame = v.InferOutput<typeof CashOutValueFrame>;
export type CashOutReplyFrame = v.InferOutput<typeof CashOutReplyFrame>;
/** Frames that change the market and carry a seq: what the event log holds. */
export type ChangeFrame = OddsFrame | StatusFrame | SettledFrame;

/** Parse a value against a schema; a one-line message on failure, never a throw. */
export function parse<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): { ok: true; value: v.InferOutput<S> } | { ok: false; message: string } {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, message: issueText(result.issues[0]) };
}
