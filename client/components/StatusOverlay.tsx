// What covers a market's prices when it cannot be bet on: suspended, closed,
// settled or voided. Server text (the reason, the winner's name) as text only.
import { MarketStatus } from "../../worker/protocol/codes.ts";
import type { Market } from "../../worker/protocol/schemas.ts";

export function StatusOverlay({ market }: { market: Market }) {
  switch (market.status) {
    case MarketStatus.OPEN:
      return null;
    case MarketStatus.SUSPENDED:
    case MarketStatus.CLOSED:
      return (
        <div class={`overlay overlay-${market.status}`} data-testid={`${market.status}-overlay`}>
          <strong>{market.status === MarketStatus.SUSPENDED ? "Suspended" : "Closed"}</strong>
          {market.reason && <span class="overlay-reason">{market.reason}</span>}
        </div>
      );
    case MarketStatus.SETTLED: {
      const winner = market.selections.find((s) => s.id === market.winner)?.name ?? market.winner;
      return (
        <div class="overlay overlay-settled" data-testid="settled-overlay">
          <strong>Settled</strong>
          <span class="overlay-reason">Winner: {winner}</span>
        </div>
      );
    }
    case MarketStatus.VOIDED:
      return (
        <div class="overlay overlay-settled" data-testid="voided-overlay">
          <strong>Void</strong>
          <span class="overlay-reason">All stakes returned</span>
        </div>
      );
  }
}
