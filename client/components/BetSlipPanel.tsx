// The bet slip: the accept-odds preference and one entry per picked selection.
import { AcceptPolicy } from "../../worker/protocol/codes.ts";
import { useApp } from "../models/app-model.ts";
import { BetSlipEntry } from "./BetSlipEntry.tsx";

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
      </header>
      <label class="field field-inline">
        <span>If the price moves</span>
        <select
          data-testid="accept-policy"
          value={prefs.accept.value}
          onChange={(e) => (prefs.accept.value = e.currentTarget.value as AcceptPolicy)}
        >
          <option value={AcceptPolicy.EXACT}>Only my price</option>
          <option value={AcceptPolicy.BETTER}>Accept better prices</option>
          <option value={AcceptPolicy.ANY}>Accept any price</option>
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
    </section>
  );
}
