// The bet slip's multiple: a toggle once the slip holds selections on 2 to 10
// different markets, then one stake for all of them, the combined odds and
// the return (exact, as the server computes them), and the answer in words.
// A slip that cannot be a multiple (two selections on one market) says why.
import { useComputed } from "@preact/signals";
import { formatMoney } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import { reasonText } from "../reasons.ts";

export function MultipleSlipPanel() {
  const { multiple } = useApp();
  const ret = useComputed(() => (multiple.potentialReturn.value === null ? "–" : formatMoney(multiple.potentialReturn.value)));
  const whyNot = multiple.whyNot.value;
  if (whyNot !== null) {
    return (
      <p class="muted small slip-multiple-why" data-testid="multiple-why">
        {whyNot}
      </p>
    );
  }
  if (!multiple.eligible.value) return null;
  const phase = multiple.phase.value;
  const sending = phase.kind === "sending";
  const problem = multiple.problem.value;
  return (
    <section class="slip-multiple" data-testid="slip-multiple" aria-label="Multiple">
      <label class="field field-inline">
        <input type="checkbox" checked={multiple.on.value} disabled={sending} onChange={(e) => multiple.toggle(e.currentTarget.checked)} data-testid="multiple-toggle" />
        <span>Multiple ({multiple.odds.value?.length ?? 0} legs): one stake, every selection must win</span>
      </label>
      {multiple.on.value && (
        <div class="slip-entry-body">
          <label class="field" for="multiple-stake">
            <span>Stake</span>
          </label>
          <input
            id="multiple-stake"
            class="stake-input"
            data-testid="multiple-stake"
            inputMode="decimal"
            autoComplete="off"
            value={multiple.stakeText.value}
            disabled={sending}
            onInput={(e) => multiple.setStake(e.currentTarget.value)}
          />
          <dl class="bet-figures">
            <div>
              <dt>Combined odds</dt>
              <dd data-testid="multiple-odds">{multiple.combined.value ?? "–"}</dd>
            </div>
            <div>
              <dt>Returns</dt>
              <dd data-testid="multiple-return">{ret}</dd>
            </div>
          </dl>
          <button type="button" class="btn btn-primary btn-block" disabled={sending || problem !== null} onClick={() => void multiple.place()} data-testid="place-multiple">
            {sending ? "Placing…" : "Place multiple"}
          </button>
          {problem && phase.kind === "draft" && <p class="muted small">{problem}</p>}
          <p class="small" role="status" aria-live="polite" data-testid="multiple-outcome" data-phase={phase.kind === "answered" ? phase.multiple.status : phase.kind}>
            {phase.kind === "answered" && phase.multiple.status === "rejected" && `Multiple not placed: ${reasonText(phase.multiple.reason)}`}
            {phase.kind === "answered" && phase.multiple.status !== "rejected" && `Multiple ${phase.multiple.status}: returns ${formatMoney(phase.multiple.payout)}`}
            {phase.kind === "failed" && phase.message}
          </p>
          {phase.kind === "failed" && (
            <button type="button" class="btn btn-ghost btn-small" onClick={() => void multiple.retry()} data-testid="multiple-retry">
              Try again
            </button>
          )}
        </div>
      )}
    </section>
  );
}
