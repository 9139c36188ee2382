// One market as a row of the trader's grid: name and event, status and in
// play, each selection's live price (from the book socket), and suspend/resume.
// Focusing or clicking the row selects it: the target of the S and I keys,
// with its detail (ladder, book, settlement) opened beneath.
import { useComputed } from "@preact/signals";
import { MarketStatus } from "../../worker/protocol/codes.ts";
import { isFinished } from "../sdk/index.ts";
import { useApp } from "../models/app-model.ts";
import type { LiveMarket } from "../models/live-market.ts";
import { href } from "../models/router.ts";

interface Props {
  live: LiveMarket;
  selected: boolean;
  report: (id: string, error: string | null) => void;
}

function RowPrice({ live, selectionId }: { live: LiveMarket; selectionId: string }) {
  const price = live.price(selectionId);
  const text = useComputed(() => price.odds.value.toFixed(2));
  const cls = useComputed(() => (price.flash.value ? `tg-odds flash-${price.flash.value}` : "tg-odds"));
  return (
    <span class={cls} data-testid={`admin-row-odds-${live.id}-${selectionId}`}>
      {text}
    </span>
  );
}

export function TraderRow({ live, selected, report }: Props) {
  const { trader } = useApp();
  const market = live.market.value;
  const id = market.id;
  const busy = trader.busy.value.has(id);
  const select = () => {
    if (trader.selectedId.peek() !== id) trader.selectedId.value = id;
  };
  return (
    <tr
      class={`tg-row${selected ? " tg-selected" : ""}`}
      data-testid={`admin-market-${id}`}
      data-status={market.status}
      tabIndex={0}
      aria-current={selected ? "true" : undefined}
      onFocusIn={select}
      onClick={select}
    >
      <td class="tg-name">
        <a href={href.market(id)}>{market.name}</a>
        <span class="tg-event">{market.event}</span>
      </td>
      <td>
        <span class={`badge badge-${market.status}`} data-testid={`admin-status-${id}`}>
          {market.status}
        </span>
        {market.inPlay && (
          <span class="badge badge-inplay" data-testid={`admin-row-inplay-${id}`}>
            In-play
          </span>
        )}
      </td>
      <td class="tg-prices">
        {market.selections.map((s) => (
          <span class="tg-price" key={s.id}>
            <span class="tg-sel">{s.name}</span> <RowPrice live={live} selectionId={s.id} />
          </span>
        ))}
      </td>
      <td class="tg-actions">
        {!isFinished(market) && (
          <button
            type="button"
            class={`btn btn-small ${market.status === MarketStatus.OPEN ? "btn-warn" : "btn-primary"}`}
            disabled={busy}
            onClick={() => void trader.toggleSuspend(live.market.peek()).then((error) => report(id, error))}
            data-testid={`admin-suspend-${id}`}
            aria-keyshortcuts="s"
            aria-label={`${market.status === MarketStatus.OPEN ? "Suspend" : "Open"} ${market.name}, ${market.event}`}
          >
            {market.status === MarketStatus.OPEN ? "Suspend" : "Open"}
          </button>
        )}
      </td>
    </tr>
  );
}
