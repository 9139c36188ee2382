// A Cash out button for one open bet with its live value from the market's
// socket, a slider to cash out only a part of the stake, and what became of
// the last request, in plain words.
import { useSignal } from "@preact/signals";
import type { Bet } from "../../worker/protocol/schemas.ts";
import { formatMoney } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import { type CashOutAsk, partValue } from "../models/cash-outs.ts";

const REFUSED: Record<NonNullable<CashOutAsk["reason"]>, string> = {
  ODDS_CHANGED: "The value changed before your cash out could be taken. Try again at the new value.",
  MARKET_SUSPENDED: "Cash out is paused while the market is suspended.",
  MARKET_CLOSED: "This market is closed: the bet can no longer be cashed out.",
  NOT_OPEN_BET: "This bet is no longer open, so it cannot be cashed out.",
  INVALID: "That cash out could not be sent. Check the part of the stake and try again.",
  ID_REUSED: "That cash out was already asked for with other details.",
  RATE_LIMITED: "Too many requests in a short time. Wait a moment and try again.",
  UNAUTHENTICATED: "This session has ended. Log in again to cash out.",
};

function outcomeText(ask: CashOutAsk): string {
  if (ask.status === "sending") return "Cashing out…";
  if (ask.status === "pending") return "In play: your cash out is confirmed after the bet delay.";
  if (ask.status === "done") return `Cashed out for ${formatMoney(ask.value ?? 0)}.`;
  const now = typeof ask.value === "number" ? ` It is now worth ${formatMoney(ask.value)}.` : "";
  return `Not cashed out. ${ask.reason ? REFUSED[ask.reason] : ""}${now}`;
}

export function CashOutControl({ bet }: { bet: Bet }) {
  const { lobby, cashOuts } = useApp();
  const percent = useSignal(100);
  const live = lobby.get(bet.marketId);
  const whole = live?.cashOutValue(bet.id).value;
  const part = percent.value >= 100 ? undefined : Math.max(1, Math.floor((bet.stake * percent.value) / 100));
  // The part's value from the same formula as the server's, at the price on screen; only while the market is open.
  const value = part === undefined || whole == null ? whole : partValue(bet, part, live?.price(bet.selectionId).odds.value);
  const ask = cashOuts.asks.value.get(bet.id);
  const busy = ask?.status === "sending" || ask?.status === "pending";
  const label = value === undefined ? "Cash out" : value === null ? "Cash out unavailable" : `Cash out ${formatMoney(value)}`;
  return (
    <div class="cash-out" data-testid={`cashout-${bet.id}`}>
      <button
        type="button"
        class="btn btn-small"
        data-testid="cashout-button"
        data-value={value ?? ""}
        disabled={value == null || busy}
        onClick={() => value != null && void cashOuts.request(bet, value, part)}
      >
        {label}
      </button>
      <label class="small cash-out-part">
        Part{" "}
        <input
          type="range"
          min={10}
          max={100}
          step={10}
          value={percent.value}
          data-testid="cashout-part"
          aria-valuetext={`${percent.value}% of the stake`}
          onInput={(e) => (percent.value = Number((e.target as HTMLInputElement).value))}
        />{" "}
        <span data-testid="cashout-part-stake">{formatMoney(part ?? bet.stake)}</span> of {formatMoney(bet.stake)}
      </label>
      {value === undefined && <span class="muted small">Open the market to see its live value.</span>}
      {ask && (
        <p class={`small cash-out-${ask.status}`} role="status" data-testid="cashout-outcome" data-status={ask.status}>
          {outcomeText(ask)}
        </p>
      )}
    </div>
  );
}
