// A market in the list: name, badges and a live price per selection. Re-renders
// only on status changes; price ticks go straight to the OddsButtons.
import { MarketStatus } from "../../worker/protocol/codes.ts";
import type { LiveMarket } from "../models/live-market.ts";
import { href } from "../models/router.ts";
import { MarketBadges } from "./MarketBadges.tsx";
import { OddsButton } from "./OddsButton.tsx";
import { StatusOverlay } from "./StatusOverlay.tsx";

export function MarketCard({ live }: { live: LiveMarket }) {
  const market = live.market.value;
  const blocked = market.status !== MarketStatus.OPEN;
  return (
    <article class={`card${blocked ? " card-blocked" : ""}`} data-testid={`market-card-${market.id}`} data-status={market.status}>
      <header class="card-head">
        <a class="card-title" href={href.market(market.id)} data-testid={`market-link-${market.id}`}>
          {market.name}
        </a>
        <MarketBadges market={market} />
      </header>
      <div class={`card-prices${live.connection.value === "live" ? "" : " prices-offline"}`}>
        <ul class="sel-list">
          {market.selections.map((s) => (
            <li class="sel" key={s.id}>
              <span class="sel-name">{s.name}</span>
              <OddsButton live={live} selectionId={s.id} name={s.name} />
            </li>
          ))}
        </ul>
        <StatusOverlay market={market} />
      </div>
    </article>
  );
}
