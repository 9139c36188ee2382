// Words for every reason a bet is refused, as the punter should read them.
import type { RejectReason } from "../worker/protocol/codes.ts";

const SENTENCES: Record<RejectReason, string> = {
  UNAUTHENTICATED: "You need to log in as a punter to place bets.",
  INVALID: "The bet was not valid. Check the stake and try again.",
  UNKNOWN_SELECTION: "That selection is no longer in this market.",
  MARKET_SUSPENDED: "The market was suspended, so the bet was not taken. No money was taken.",
  MARKET_CLOSED: "The market is closed to new bets.",
  ODDS_CHANGED: "The price moved before your bet could be taken.",
  STAKE_TOO_LOW: "Your stake is below this market's minimum.",
  STAKE_TOO_HIGH: "Your stake is above this market's maximum.",
  PAYOUT_TOO_HIGH: "The potential return is above this market's maximum payout. Try a smaller stake.",
  INSUFFICIENT_FUNDS: "Your balance is too low for this stake.",
  RATE_LIMITED: "Too many bets in a short time. Wait a moment and try again.",
};

export function reasonText(reason: RejectReason | undefined): string {
  return reason ? SENTENCES[reason] : "The bet was not taken.";
}
