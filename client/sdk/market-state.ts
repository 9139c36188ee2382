// Applying the socket's change frames to a Market, pure: the one place the
// client's copy of a market moves forward, shared by the SDK and the web app.
import { MarketStatus } from "../../worker/protocol/codes.ts";
import type { ChangeFrame, Market } from "../../worker/protocol/schemas.ts";

export type SeqCheck = "next" | "duplicate" | "gap";

/**
 * Where a change frame stands against the last seq applied. A conflated odds
 * frame (`con: true`) stands for every change up to its seq, so it may jump
 * ahead; anything else must be exactly one higher.
 */
export function checkSeq(lastSeq: number, frame: ChangeFrame): SeqCheck {
  if (frame.seq <= lastSeq) return "duplicate";
  if (frame.seq === lastSeq + 1) return "next";
  return frame.type === "odds" && frame.con === true ? "next" : "gap";
}

/** The market after one change frame; the input is left untouched. */
export function applyChange(market: Market, frame: ChangeFrame): Market {
  switch (frame.type) {
    case "odds":
      return {
        ...market,
        seq: frame.seq,
        selections: market.selections.map((s) => (s.id in frame.odds ? { ...s, odds: frame.odds[s.id] } : s)),
      };
    case "status": {
      const next: Market = { ...market, seq: frame.seq, status: frame.status, inPlay: frame.inPlay, betDelayMs: frame.betDelayMs };
      if (frame.reason === undefined) delete next.reason;
      else next.reason = frame.reason;
      return next;
    }
    case "settled": {
      const next: Market = { ...market, seq: frame.seq, status: frame.void ? MarketStatus.VOIDED : MarketStatus.SETTLED };
      if (frame.winner !== undefined) next.winner = frame.winner;
      return next;
    }
  }
}

/** No more changes can come: settled or voided. */
export function isFinished(market: Pick<Market, "status">): boolean {
  return market.status === MarketStatus.SETTLED || market.status === MarketStatus.VOIDED;
}
