// Self-exclusion for 1 to 3,650 days, only after a confirmation that says it
// cannot be shortened: the server then refuses bets, deposits and new sessions.
import { useSignal } from "@preact/signals";
import { accountErrorText } from "../account-messages.ts";
import type { WalletMoves } from "../models/wallet-moves.ts";
import { ConfirmDialog } from "./ConfirmDialog.tsx";

const MAX_DAYS = 3650;

export function ExclusionForm({ wallet }: { wallet: WalletMoves }) {
  const text = useSignal("");
  const asking = useSignal<number | null>(null);
  const problem = useSignal<string | null>(null);

  const submit = (e: Event) => {
    e.preventDefault();
    const days = /^\d{1,4}$/.test(text.value.trim()) ? Number(text.value.trim()) : NaN;
    if (!(days >= 1 && days <= MAX_DAYS)) return void (problem.value = `Enter a number of days from 1 to ${MAX_DAYS.toLocaleString("en-GB")}.`);
    problem.value = null;
    asking.value = days;
  };

  const excluded = wallet.excludedDays.value;
  const error = wallet.exclusionError.value;
  return (
    <form class="exclusion-form" onSubmit={submit} noValidate data-testid="exclusion-form">
      <p class="muted small">Take a break from betting. During it you cannot bet, deposit or log in. It cannot be shortened once set.</p>
      <label class="field" for="exclusion-days">
        Days (1 to {MAX_DAYS.toLocaleString("en-GB")})
        <input id="exclusion-days" inputMode="numeric" value={text.value} onInput={(e) => (text.value = e.currentTarget.value)} data-testid="exclusion-days" />
      </label>
      <button type="submit" class="btn btn-danger" disabled={excluded !== null} data-testid="exclusion-submit">
        Exclude me…
      </button>
      <div aria-live="polite" data-testid="exclusion-result">
        {problem.value && <p class="form-error">{problem.value}</p>}
        {error !== null && <p class="form-error">{accountErrorText(error, "The number of days was refused.")}</p>}
        {excluded !== null && <p class="form-ok">{`You are excluded for ${excluded} day${excluded === 1 ? "" : "s"}.`}</p>}
      </div>
      {asking.value !== null && (
        <ConfirmDialog
          title="Exclude yourself?"
          message={`For ${asking.value} day${asking.value === 1 ? "" : "s"} you will not be able to bet, deposit or log in. This cannot be shortened or undone, not even by us.`}
          confirmLabel="Exclude me"
          testId="exclusion-confirm"
          onCancel={() => (asking.value = null)}
          onConfirm={() => {
            const days = asking.value;
            asking.value = null;
            if (days !== null) void wallet.exclude(days);
          }}
        />
      )}
    </form>
  );
}
