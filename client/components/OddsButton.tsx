// One live price, with the arrow of its last move beside it (colour alone is
// not enough). The price text, the flash class and the arrow are signals bound
// straight into the DOM: a tick updates one text node and one class, and the
// component never re-renders. No aria-live here: ticks must not flood readers.
import { useComputed } from "@preact/signals";
import { MarketStatus } from "../../worker/protocol/codes.ts";
import { formatOdds } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import type { LiveMarket } from "../models/live-market.ts";

interface Props {
  live: LiveMarket;
  selectionId: string;
  name: string;
}

export function OddsButton({ live, selectionId, name }: Props) {
  const { prefs, slip } = useApp();
  const price = live.price(selectionId);
  const key = `${live.id}/${selectionId}`;
  const text = useComputed(() => formatOdds(price.odds.value, prefs.oddsFormat.value));
  const cls = useComputed(() => (price.flash.value ? `odds-btn flash-${price.flash.value}` : "odds-btn"));
  const closed = useComputed(() => live.market.value.status !== MarketStatus.OPEN);
  const picked = useComputed(() => slip.entries.value.some((e) => e.key === key));
  // The name says which price this is; an attribute change is not announced, unlike a live region.
  const label = useComputed(() => `${name} ${text.value}${price.move.value ? `, moved ${price.move.value}` : ""}`);
  const arrow = useComputed(() => (price.move.value === "up" ? "▲" : price.move.value === "down" ? "▼" : ""));
  const arrowCls = useComputed(() => `move-arrow${price.move.value ? ` move-${price.move.value}` : ""}`);
  return (
    <span class="odds-cell">
      <button
        type="button"
        class={cls}
        data-testid={`odds-${live.id}-${selectionId}`}
        disabled={closed}
        aria-pressed={picked}
        aria-label={label}
        onClick={() => slip.add(live, selectionId)}
      >
        {text}
      </button>
      <span class={arrowCls} aria-hidden="true" data-testid={`move-${live.id}-${selectionId}`}>
        {arrow}
      </span>
    </span>
  );
}
