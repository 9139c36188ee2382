// A trader's control for one selection's price: one tick down or up the
// ladder (buttons, or the arrow keys while it has focus), or a typed price.
// The price shown is the one sent, marked until the market's socket confirms it.
import { useComputed, useSignal } from "@preact/signals";
import { oddsFromDecimal } from "../../worker/protocol/units.ts";
import type { LiveMarket } from "../models/live-market.ts";
import type { DraftState, PriceLadder } from "../models/price-ladder.ts";

interface Props {
  live: LiveMarket;
  ladder: PriceLadder;
  selectionId: string;
  name: string;
  disabled: boolean;
  /** Focus inside this control: the arrow keys now step this selection. */
  onSelect: () => void;
}

const STATE_WORDS = { queued: "queued", sent: "sent, waiting for the market", confirmed: "live" } as const;

export function OddsControl({ live, ladder, selectionId, name, disabled, onSelect }: Props) {
  const price = live.price(selectionId);
  const typed = useSignal("");
  const invalid = useSignal(false);
  const state = useComputed<DraftState | "confirmed">(() => ladder.draft(selectionId)?.state ?? "confirmed");
  const current = useComputed(() => (ladder.draft(selectionId)?.odds ?? price.odds.value).toFixed(2));
  const cls = useComputed(() => `oc-price oc-${state.value}${price.flash.value && state.value === "confirmed" ? ` flash-${price.flash.value}` : ""}`);
  const stateWords = useComputed(() => ` (${STATE_WORDS[state.value]})`);
  const tid = `${live.id}-${selectionId}`;
  const step = (ticks: number) => ladder.step(selectionId, ticks);
  const submit = (e: Event) => {
    e.preventDefault();
    const value = Number(typed.value.trim());
    if (typed.value.trim() === "" || oddsFromDecimal(value) === null) {
      invalid.value = true;
      return;
    }
    invalid.value = false;
    typed.value = "";
    ladder.set(selectionId, value);
  };
  const inputId = `oc-${tid}`;
  return (
    <form class="oc" onSubmit={submit} onFocusIn={onSelect} data-testid={`admin-odds-${tid}`}>
      <label class="oc-name" for={inputId}>
        {name}
        <span class="sr-only"> new price</span>
      </label>
      <span class={cls} data-testid={`admin-price-${tid}`} data-state={state}>
        {current}
      </span>
      <span class="sr-only">{stateWords}</span>
      <button type="button" class="btn btn-tick" disabled={disabled} onClick={() => step(-1)} aria-label={`${name}: one tick down`} aria-keyshortcuts="ArrowDown" data-testid={`admin-odds-down-${tid}`}>
        −
      </button>
      <button type="button" class="btn btn-tick" disabled={disabled} onClick={() => step(1)} aria-label={`${name}: one tick up`} aria-keyshortcuts="ArrowUp" data-testid={`admin-odds-up-${tid}`}>
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
