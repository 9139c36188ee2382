// The small status tags next to a market's name: IN-PLAY with its bet delay,
// and the market status when it is not open.
import { MarketStatus } from "../../worker/protocol/codes.ts";
import type { Market } from "../../worker/protocol/schemas.ts";
import { formatDelay } from "../format.ts";

export function MarketBadges({ market }: { market: Market }) {
  return (
    <span class="badges">
      {market.inPlay && (
        <span class="badge badge-inplay" data-testid={`inplay-badge-${market.id}`}>
          In-play{market.betDelayMs > 0 && <span class="badge-sub"> · {formatDelay(market.betDelayMs)} delay</span>}
        </span>
      )}
      {market.status !== MarketStatus.OPEN && (
        <span class={`badge badge-${market.status}`} data-testid={`status-badge-${market.id}`}>
          {market.status}
        </span>
      )}
    </span>
  );
}
