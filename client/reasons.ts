// Words for every reason a bet is refused, as the punter should read them:
// what happened and what to do, never a code. Whether money moved is said by
// the slip, which knows whether the stake was held.
import type { RejectReason } from "../worker/protocol/codes.ts";

const SENTENCES: Record<RejectReason, string> = {
  UNAUTHENTICATED: "You need to log in as a punter to place bets.",
  INVALID: "Something in the bet was not right. Check the stake and try again.",
  UNKNOWN_SELECTION: "That selection is no longer in this market.",
  MARKET_SUSPENDED: "Betting on this market was paused before your bet could be taken.",
  MARKET_CLOSED: "This market is closed to new bets.",
  ODDS_CHANGED: "The price moved before your bet could be taken.",
  STAKE_TOO_LOW: "Your stake is below this market's minimum.",
  STAKE_TOO_HIGH: "Your stake is above this market's maximum.",
  PAYOUT_TOO_HIGH: "The potential return is above this market's maximum payout. Try a smaller stake.",
  INSUFFICIENT_FUNDS: "Your balance is too low for this stake.",
  RATE_LIMITED: "Too many bets in a short time. Wait a moment and try again.",
  LIMIT_REACHED: "This bet would pass one of your limits (stake per bet or losses per day).",
  SELF_EXCLUDED: "Your account is self-excluded: no bets until the exclusion ends.",
};

export function reasonText(reason: RejectReason | undefined): string {
  return reason ? SENTENCES[reason] : "The bet was not taken.";
}
