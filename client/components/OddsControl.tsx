// A trader's control for one selection's price: one tick down or up the
// ladder, or a typed price. Each change is pushed at once.
import { useComputed, useSignal } from "@preact/signals";
import { stepOdds } from "../../worker/protocol/ladder.ts";
import { oddsFromDecimal, oddsToDecimal } from "../../worker/protocol/units.ts";
import type { LiveMarket } from "../models/live-market.ts";

interface Props {
  live: LiveMarket;
  selectionId: string;
  name: string;
  disabled: boolean;
  push: (selectionId: string, odds: number) => void;
}

export function OddsControl({ live, selectionId, name, disabled, push }: Props) {
  const price = live.price(selectionId);
  const typed = useSignal("");
  const invalid = useSignal(false);
  const current = useComputed(() => price.odds.value.toFixed(2));
  const cls = useComputed(() => (price.flash.value ? `oc-price flash-${price.flash.value}` : "oc-price"));
  const tid = `${live.id}-${selectionId}`;
  const step = (ticks: number) => {
    const h = oddsFromDecimal(price.odds.peek());
    if (h !== null) push(selectionId, oddsToDecimal(stepOdds(h, ticks)));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const value = Number(typed.value.trim());
    if (typed.value.trim() === "" || oddsFromDecimal(value) === null) {
      invalid.value = true;
      return;
    }
    invalid.value = false;
    typed.value = "";
    push(selectionId, value);
  };
  const inputId = `oc-${tid}`;
  return (
    <form class="oc" onSubmit={submit} data-testid={`admin-odds-${tid}`}>
      <label class="oc-name" for={inputId}>
        {name}
        <span class="sr-only"> new price</span>
      </label>
      <span class={cls} data-testid={`admin-price-${tid}`}>
        {current}
      </span>
      <button type="button" class="btn btn-tick" disabled={disabled} onClick={() => step(-1)} aria-label={`${name}: one tick down`} data-testid={`admin-odds-down-${tid}`}>
        −
      </button>
      <button type="button" class="btn btn-tick" disabled={disabled} onClick={() => step(1)} aria-label={`${name}: one tick up`} data-testid={`admin-odds-up-${tid}`}>
        +
      </button>
      <input
        id={inputId}
        class={`oc-input${invalid.value ? " invalid" : ""}`}
        inputMode="decimal"
        placeholder="New price"
        value={typed.value}
        disabled={disabled}
        aria-invalid={invalid.value}
        aria-describedby={invalid.value ? `${inputId}-err` : undefined}
        onInput={(e) => (typed.value = e.currentTarget.value)}
        data-testid={`admin-odds-input-${tid}`}
      />
      <button type="submit" class="btn btn-small" disabled={disabled} data-testid={`admin-odds-set-${tid}`}>
        Set
      </button>
      {invalid.value && (
        <span id={`${inputId}-err`} class="form-error small oc-err">
          Odds are 1.01 to 1000, at most two decimals
        </span>
      )}
    </form>
  );
}
