// The bet slip: the accept-odds preference and one entry per picked selection.
// Beside the prices on a wide screen; on a phone a sheet over the page (the
// Close button shows there only).
import { AcceptPolicy } from "../../worker/protocol/codes.ts";
import { useApp } from "../models/app-model.ts";
import { BetSlipEntry } from "./BetSlipEntry.tsx";
import { MultipleSlipPanel } from "./MultipleSlipPanel.tsx";

export function BetSlipPanel() {
  const { slip, prefs } = useApp();
  const entries = slip.entries.value;
  return (
    <section class="slip" id="bet-slip" data-testid="bet-slip" aria-labelledby="slip-title" tabIndex={-1}>
      <header class="slip-head">
        <h2 id="slip-title">Bet slip</h2>
        {entries.length > 0 && (
          <button type="button" class="btn btn-ghost btn-small" onClick={() => slip.clear()} data-testid="slip-clear">
            Clear
          </button>
        )}
        <button type="button" class="btn btn-ghost btn-small slip-close" onClick={() => (slip.sheetOpen.value = false)} data-testid="slip-close">
          Close
        </button>
      </header>
      <label class="field field-inline">
        <span>If the price moves</span>
        <select
          data-testid="accept-policy"
          value={prefs.accept.value}
          onChange={(e) => (prefs.accept.value = e.currentTarget.value as AcceptPolicy)}
        >
          <option value={AcceptPolicy.BETTER}>Accept higher odds</option>
          <option value={AcceptPolicy.ANY}>Accept any odds</option>
          <option value={AcceptPolicy.EXACT}>Only this price</option>
        </select>
      </label>
      {entries.length === 0 ? (
        <p class="muted slip-empty">Pick a price to add a selection.</p>
      ) : (
        <ul class="slip-list">
          {entries.map((e) => (
            <BetSlipEntry key={e.key} entry={e} />
          ))}
        </ul>
      )}
      <MultipleSlipPanel />
    </section>
  );
}
