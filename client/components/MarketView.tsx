// One market in full: badges, connection and viewers, and per selection its
// name, a sparkline of recent prices and the live price.
import { useEffect } from "preact/hooks";
import { useSignal } from "@preact/signals";
import { MarketStatus } from "../../worker/protocol/codes.ts";
import { formatDelay, formatMoney } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import type { LiveMarket } from "../models/live-market.ts";
import { href } from "../models/router.ts";
import { ConnectionBadge } from "./ConnectionBadge.tsx";
import { MarketBadges } from "./MarketBadges.tsx";
import { OpenBetsHere } from "./MyBetsPage.tsx";
import { OddsButton } from "./OddsButton.tsx";
import { OddsChart } from "./OddsChart.tsx";
import { StatusOverlay } from "./StatusOverlay.tsx";

export function MarketView({ id }: { id: string }) {
  const { lobby } = useApp();
  const missing = useSignal(false);
  const live = useSignal<LiveMarket | null>(null);

  // The page holds the market's own socket (detail, bets, balance) while it is shown.
  useEffect(() => {
    missing.value = false;
    live.value = lobby.get(id) ?? null;
    let left = false;
    lobby.open(id).then(
      (m) => {
        if (left) return;
        live.value = m;
        missing.value = m === null;
      },
      () => (missing.value = !left),
    );
    return () => {
      left = true;
      lobby.leave(id);
    };
  }, [id]);

  if (!live.value) {
    return missing.value ? (
      <section data-testid="market-not-found">
        <h1 class="page-title">No such market</h1>
        <p>
          <a href={href.markets}>Back to all markets</a>
        </p>
      </section>
    ) : (
      <p class="muted">Loading market…</p>
    );
  }
  return <MarketDetail live={live.value} />;
}

function MarketDetail({ live }: { live: LiveMarket }) {
  const market = live.market.value;
  return (
    <section class="market-view" data-testid={`market-view-${market.id}`} aria-labelledby="market-title">
      <p class="crumbs">
        <a href={href.markets}>Markets</a> / <span>{market.event}</span>
      </p>
      <header class="mv-head">
        <h1 id="market-title" class="page-title">
          {market.name}
        </h1>
        <MarketBadges market={market} />
      </header>
      <div class="mv-meta">
        <ConnectionBadge state={live.connection} testId="market-connection" />
        <span class="viewers" data-testid="viewers">
          {live.viewers.value === null ? "–" : live.viewers.value} watching
        </span>
        <span class="limits">
          Stake {formatMoney(market.minStake)}–{formatMoney(market.maxStake)} · max return {formatMoney(market.maxPayout)}
        </span>
      </div>
      <div class={`mv-prices${live.connection.value === "live" ? "" : " prices-offline"}`}>
        <ul class="mv-list">
          {market.selections.map((s) => (
            <li class={`mv-row${market.winner === s.id ? " mv-winner" : ""}`} key={s.id}>
              <span class="sel-name">{s.name}</span>
              <OddsChart price={live.price(s.id)} testId={`odds-chart-${market.id}-${s.id}`} />
              <OddsButton live={live} selectionId={s.id} name={s.name} />
            </li>
          ))}
        </ul>
        <StatusOverlay market={market} />
      </div>
      {market.status === MarketStatus.OPEN && market.inPlay && market.betDelayMs > 0 && (
        <p class="muted small">In play: bets are confirmed after a {formatDelay(market.betDelayMs)} delay.</p>
      )}
      <OpenBetsHere marketId={market.id} />
    </section>
  );
}
