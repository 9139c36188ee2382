// The whole book on the wire: the compact Summary of a market, the book
// socket's frames, and the market list's answer. Schemas once, types inferred;
// shared by the worker, the SDK and the OpenAPI document.
import * as v from "valibot";
import { MarketStatus } from "./codes.ts";
import { MarketSchema, SelectionSchema } from "./schemas.ts";

const statuses = Object.values(MarketStatus) as [MarketStatus, ...MarketStatus[]];

/** What the lobby needs of a market; `seq` is the market's own, so a client keeps the newest per market. */
export const SummarySchema = v.object({
  id: v.string(),
  name: v.string(),
  event: v.string(),
  status: v.picklist(statuses),
  inPlay: v.boolean(),
  selections: v.array(SelectionSchema),
  seq: v.number(),
  winner: v.optional(v.string()),
});

// ---- Book socket, server to client (the client sends only the text `ping`) ----

/** First frame, and again whenever the client must replace its whole view. */
export const BookFrame = v.object({ type: v.literal("book"), markets: v.array(SummarySchema) });
export const SummaryFrame = v.object({ type: v.literal("summary"), market: SummarySchema });
export const AddedFrame = v.object({ type: v.literal("added"), market: SummarySchema });
export const RemovedFrame = v.object({ type: v.literal("removed"), id: v.string() });
export const BookErrorFrame = v.object({ type: v.literal("error"), code: v.string(), message: v.string() });

const cents = v.pipe(v.number(), v.integer());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * A market's book in four figures, for traders only (the market's own socket
 * carries the detail): the same figures as its exposure answer, summed.
 * `worstCase` is the lowest `profitIfWins` over its selections (0 with none).
 */
export const MarketTotalsSchema = v.object({
  id: v.string(),
  /** The market's seq when the hub read the figures. */
  seq: v.number(),
  /** Open stakes (the exposure's `totalStake`), in cents. */
  staked: cents,
  /** The book's result if the market's worst selection for it wins, in cents (negative is a loss). */
  worstCase: cents,
  /** Open bets, summed over the selections. */
  bets: count,
  /** Bets held or being debited (the exposure's `pendingBets`). */
  pending: count,
});

/**
 * Book sockets opened by a trader (admin) session only, never a viewer's:
 * after the first `book` frame every market of the view with figures, then
 * whichever of the view's markets changed, conflated as summaries are.
 */
export const TotalsFrame = v.object({ type: v.literal("totals"), markets: v.array(MarketTotalsSchema) });

export const BookServerFrame = v.variant("type", [BookFrame, SummaryFrame, AddedFrame, RemovedFrame, BookErrorFrame, TotalsFrame]);

/** `GET /api/markets`: one page, oldest first; `next` is absent on the last page. */
export const MarketPageSchema = v.object({ markets: v.array(MarketSchema), next: v.optional(v.string()) });

export type Summary = v.InferOutput<typeof SummarySchema>;
export type BookFrame = v.InferOutput<typeof BookFrame>;
export type SummaryFrame = v.InferOutput<typeof SummaryFrame>;
export type AddedFrame = v.InferOutput<typeof AddedFrame>;
export type RemovedFrame = v.InferOutput<typeof RemovedFrame>;
export type MarketTotals = v.InferOutput<typeof MarketTotalsSchema>;
export type TotalsFrame = v.InferOutput<typeof TotalsFrame>;
export type BookServerFrame = v.InferOutput<typeof BookServerFrame>;
export type MarketPage = v.InferOutput<typeof MarketPageSchema>;
