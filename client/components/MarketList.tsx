// The lobby: markets grouped under their event, in the server's order, with a
// search by event name. Every price on it comes over the one book socket.
import type { LiveMarket } from "../models/live-market.ts";
import { useApp } from "../models/app-model.ts";
import { BookPager } from "./BookPager.tsx";
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
  const all = lobby.markets.value;
  const markets = lobby.shown.value;
  const filter = lobby.eventFilter.value;
  if (!lobby.loaded.value) return <p class="muted">Loading markets…</p>;
  return (
    <section class="market-list" data-testid="market-list" aria-labelledby="markets-title">
      <div class="list-head">
        <h1 id="markets-title" class="page-title">
          Markets
        </h1>
        <div class="field event-search">
          <label for="event-search">Find an event</label>
          <input
            id="event-search"
            type="search"
            placeholder="Team or event name"
            value={filter}
            onInput={(e) => (lobby.eventFilter.value = e.currentTarget.value)}
            data-testid="event-search"
          />
        </div>
      </div>
      <BookPager lobby={lobby} />
      {lobby.error.value && (
        <p class="form-error" data-testid="markets-error">
          Could not load markets: {lobby.error.value}
        </p>
      )}
      {all.length === 0 && filter.trim() === "" && !lobby.error.value && <p class="muted">No markets yet.</p>}
      {markets.length === 0 && filter.trim() !== "" && (
        <p class="muted" data-testid="event-search-empty">
          No event matches “{filter.trim()}”.
        </p>
      )}
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
