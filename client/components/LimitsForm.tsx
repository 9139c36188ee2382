// Responsible-gambling limits: deposit per day, loss per day, stake per bet.
// A lower limit applies at once; a raise or removal waits 24 h and is shown as pending.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { accountErrorText } from "../account-messages.ts";
import { formatMoney, parseMoney } from "../format.ts";
import { LIMIT_NAMES as NAMES, pendingLines, type WalletMoves } from "../models/wallet-moves.ts";
import type { LimitName, Limits } from "../sdk/index.ts";

const shown = (cents: number | null | undefined) => (cents == null ? "" : formatMoney(cents).replaceAll(",", ""));

export function LimitsForm({ wallet }: { wallet: WalletMoves }) {
  const state = wallet.limits.value;
  const texts = useSignal<Record<LimitName, string>>({ depositPerDay: "", lossPerDay: "", stakePerBet: "" });
  const problem = useSignal<string | null>(null);
  // Boxes the punter typed in since the last save. The server's limits fill
  // the boxes when they arrive, but never over typing: the first answer can
  // land after the punter started (a slow network), and overwriting the box
  // then saved no limit while the page said "Limits saved."
  const edited = useSignal(false);
  useEffect(() => {
    if (state && !edited.peek()) texts.value = { depositPerDay: shown(state.limits.depositPerDay), lossPerDay: shown(state.limits.lossPerDay), stakePerBet: shown(state.limits.stakePerBet) };
  }, [state]);

  const submit = (e: Event) => {
    e.preventDefault();
    const limits: Limits = {};
    for (const [key, label] of NAMES) {
      const text = texts.value[key].trim();
      if (text === "") continue;
      const cents = parseMoney(text);
      if (cents === null) return void (problem.value = `${label}: enter an amount, or leave it empty for no limit.`);
      limits[key] = cents;
    }
    problem.value = null;
    // The boxes show what the server holds once it answers (a raise stays at the old value, pending).
    edited.value = false;
    void wallet.saveLimits(limits);
  };

  const lines = state ? pendingLines(state) : [];
  const error = wallet.limitsError.value;
  return (
    <form class="limits-form" onSubmit={submit} noValidate data-testid="limits-form">
      <p class="muted small">A lower limit applies at once; a higher one, or none, only after 24 hours. Leave a box empty for no limit.</p>
      <div class="form-grid">
        {NAMES.map(([key, label]) => (
          <label class="field" for={`limit-${key}`} key={key}>
            {label}
            <input
              id={`limit-${key}`}
              inputMode="decimal"
              placeholder="No limit"
              value={texts.value[key]}
              onInput={(e) => {
                edited.value = true;
                texts.value = { ...texts.value, [key]: e.currentTarget.value };
              }}
              data-testid={`limit-${key}`}
            />
          </label>
        ))}
      </div>
      <button type="submit" class="btn btn-primary" data-testid="limits-submit">
        Save limits
      </button>
      <div aria-live="polite" data-testid="limits-result">
        {problem.value && <p class="form-error">{problem.value}</p>}
        {error !== null && <p class="form-error">{accountErrorText(error, "A limit was refused. Check the amounts.")}</p>}
        {wallet.limitsSaved.value && error === null && <p class="form-ok">Limits saved.</p>}
      </div>
      {lines.length > 0 && (
        <div data-testid="limits-pending">
          <h3 class="form-title">Waiting to apply</h3>
          <ul>
            {lines.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
