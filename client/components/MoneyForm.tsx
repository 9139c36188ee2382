// Deposit or withdraw: an amount typed in the punter's money format, sent as
// integer cents under a fresh idempotency id per submit; "Try again" resends
// the same submit (same id), so a lost answer never moves the money twice.
import { useSignal } from "@preact/signals";
import { accountErrorText } from "../account-messages.ts";
import { formatMoney, parseMoney } from "../format.ts";
import type { MoneyMove } from "../models/wallet-moves.ts";

const WORDS = {
  deposit: { title: "Deposit", button: "Deposit", done: "Deposited", invalid: "The amount was refused. Check it and try again." },
  withdraw: { title: "Withdraw", button: "Withdraw", done: "Withdrew", invalid: "The amount was refused. Check it and try again." },
} as const;

export function MoneyForm({ move }: { move: MoneyMove }) {
  const text = useSignal("");
  const problem = useSignal<string | null>(null);
  const words = WORDS[move.kind];
  const id = `money-${move.kind}`;

  const submit = (e: Event) => {
    e.preventDefault();
    const cents = parseMoney(text.value);
    problem.value = cents === null || cents <= 0 ? "Enter an amount, such as 20 or 20.50." : null;
    if (cents !== null && cents > 0) void move.submit(cents);
  };

  const error = move.error.value;
  const done = move.done.value;
  return (
    <form class="money-form" onSubmit={submit} noValidate data-testid={`${move.kind}-form`} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} class="form-title">
        {words.title}
      </h3>
      <label class="field" for={`${id}-amount`}>
        Amount
        <input
          id={`${id}-amount`}
          inputMode="decimal"
          placeholder="0.00"
          value={text.value}
          onInput={(e) => (text.value = e.currentTarget.value)}
          data-testid={`${move.kind}-amount`}
          aria-invalid={problem.value !== null}
        />
      </label>
      <button type="submit" class="btn btn-primary" disabled={move.busy.value} data-testid={`${move.kind}-submit`}>
        {words.button}
      </button>
      <div aria-live="polite" data-testid={`${move.kind}-result`}>
        {problem.value && <p class="form-error">{problem.value}</p>}
        {done !== null && <p class="form-ok">{`${words.done} ${formatMoney(done)}.`}</p>}
        {error !== null && <p class="form-error">{accountErrorText(error, words.invalid)}</p>}
      </div>
      {move.retryable.value && (
        <button type="button" class="btn btn-ghost" disabled={move.busy.value} onClick={() => void move.retry()} data-testid={`${move.kind}-retry`}>
          Try again
        </button>
      )}
    </form>
  );
}
