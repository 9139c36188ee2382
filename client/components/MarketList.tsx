// The lobby: markets grouped under their event, in the server's order.
import type { LiveMarket } from "../models/live-market.ts";
import { useApp } from "../models/app-model.ts";
import { MarketCard } from "./MarketCard.tsx";

function byEvent(markets: LiveMarket[]): [string, LiveMarket[]][] {
  const groups = new Map<string, LiveMarket[]>();
  for (const m of markets) {
    const event = m.market.peek().event; // Events never change: no need to re-render the list on a status tick.
    const list = groups.get(event);
    if (list) list.push(m);
    else groups.set(event, [m]);
  }
  return [...groups];
}

export function MarketList() {
  const { lobby } = useApp();
  const markets = lobby.markets.value;
  if (!lobby.loaded.value) return <p class="muted">Loading markets…</p>;
  return (
    <section class="market-list" data-testid="market-list" aria-labelledby="markets-title">
      <h1 id="markets-title" class="page-title">
        Markets
      </h1>
      {lobby.error.value && (
        <p class="form-error" data-testid="markets-error">
          Could not load markets: {lobby.error.value}
        </p>
      )}
      {markets.length === 0 && !lobby.error.value && <p class="muted">No markets yet.</p>}
      {byEvent(markets).map(([event, list]) => (
        <section class="event" key={event}>
          <h2 class="event-title">{event}</h2>
          <div class="cards">
            {list.map((m) => (
              <MarketCard key={m.id} live={m} />
            ))}
          </div>
        </section>
      ))}
    </section>
  );
}
