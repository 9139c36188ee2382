// One selection on the slip: stake in currency units, potential return, place,
// and the outcome in words in a polite live region. The in-play countdown sits
// outside that region, so it is not read out on every tick.
import { useComputed } from "@preact/signals";
import { formatMoney, formatOdds } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import { QUICK_STAKES, type SlipEntry } from "../models/bet-slip.ts";
import { BetOutcome, outcomeKind, outcomeSentence } from "./BetOutcome.tsx";

export function BetSlipEntry({ entry }: { entry: SlipEntry }) {
  const { slip, prefs } = useApp();
  const market = entry.live.market.value;
  const phase = entry.phase.value;
  const tid = `${entry.live.id}-${entry.selectionId}`;
  const inputId = `stake-${tid}`;
  const price = useComputed(() => formatOdds(entry.odds.value, prefs.oddsFormat.value));
  const ret = useComputed(() => (entry.potentialReturn.value === null ? "–" : formatMoney(entry.potentialReturn.value)));
  const sentence = useComputed(() => outcomeSentence(entry.phase.value, prefs.oddsFormat.value));
  const flying = phase.kind === "sending" || phase.kind === "pending";
  const problem = entry.problem.value;
  const moved = entry.moved.value;
  const format = prefs.oddsFormat.value;

  return (
    <li class={`slip-entry slip-${outcomeKind(phase)}`} data-testid={`slip-entry-${tid}`}>
      <div class="slip-entry-head">
        <div>
          <div class="slip-sel">{entry.selectionName}</div>
          <div class="slip-market muted small">{market.name}</div>
        </div>
        <span class={`slip-price${moved ? " slip-price-old" : ""}`} data-testid="slip-price">
          {price}
        </span>
        <button
          type="button"
          class="btn btn-icon"
          aria-label={`Remove ${entry.selectionName} from the bet slip`}
          disabled={flying}
          onClick={() => slip.remove(entry)}
          data-testid="slip-remove"
        >
          ×
        </button>
      </div>
      {moved && (
        <div class={`slip-change slip-change-${moved.to > moved.from ? "up" : "down"}`} role="alert" data-testid="price-change" data-direction={moved.to > moved.from ? "up" : "down"}>
          <span>
            <span aria-hidden="true">{moved.to > moved.from ? "▲" : "▼"} </span>
            Price {moved.to > moved.from ? "up" : "down"}: was <s data-testid="old-price">{formatOdds(moved.from, format)}</s>, now{" "}
            <strong data-testid="new-price">{formatOdds(moved.to, format)}</strong>
          </span>
          <button type="button" class="btn btn-primary btn-small" onClick={() => slip.acceptPrice(entry)} data-testid="accept-price">
            Accept {formatOdds(moved.to, format)}
          </button>
        </div>
      )}
      <div class="slip-entry-body">
        <label class="field" for={inputId}>
          <span>Stake</span>
        </label>
        <input
          id={inputId}
          class="stake-input"
          data-testid="stake-input"
          inputMode="decimal"
          autoComplete="off"
          placeholder={formatMoney(market.minStake)}
          value={entry.stakeText.value}
          disabled={flying}
          onInput={(e) => slip.setStake(entry, e.currentTarget.value)}
        />
        <div class="quick-stakes" role="group" aria-label="Quick stakes">
          {QUICK_STAKES.map((q) => (
            <button
              key={q}
              type="button"
              class="btn btn-ghost btn-small"
              disabled={flying}
              aria-pressed={entry.stakeText.value === q}
              onClick={() => slip.setStake(entry, q)}
              data-testid={`quick-stake-${q}`}
            >
              {q}
            </button>
          ))}
        </div>
        <span class="slip-return">
          Returns <strong data-testid="potential-return">{ret}</strong>
        </span>
      </div>
      {phase.kind === "draft" && (
        <div class="slip-actions">
          <button
            type="button"
            class="btn btn-primary btn-block"
            data-testid="place-bet"
            disabled={problem !== null}
            onClick={() => slip.place(entry)}
          >
            Place bet
          </button>
          {problem && entry.stakeText.value !== "" && (
            <p class="slip-problem small" data-testid="slip-problem">
              {problem}
            </p>
          )}
          {problem && entry.stakeText.value === "" && <p class="muted small">{problem}</p>}
        </div>
      )}
      <p class="slip-outcome" role="status" aria-live="polite" data-testid="bet-outcome" data-phase={phase.kind} data-outcome={outcomeKind(phase)}>
        {sentence}
      </p>
      <BetOutcome entry={entry} />
    </li>
  );
}
