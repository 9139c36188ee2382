// The bet's outcome: a sentence for the live region, and the controls that
// go with it (countdown, take the new price, retry, new bet).
import { RejectReason } from "../../worker/protocol/codes.ts";
import { formatMoney, formatOdds, formatSeconds, type OddsFormat } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import type { Phase, SlipEntry } from "../models/bet-slip.ts";
import { reasonText } from "../reasons.ts";

export function outcomeSentence(phase: Phase, format: OddsFormat): string {
  switch (phase.kind) {
    case "draft":
      return "";
    case "sending":
      return "Placing your bet…";
    case "pending":
      return "Bet pending: in-play delay before it is confirmed.";
    case "accepted": {
      const b = phase.bet;
      const state = b.status === "accepted" ? "Bet accepted" : `Bet ${b.status}`;
      return `${state}: ${formatMoney(b.stake)} at ${formatOdds(b.odds, format)}, returns ${formatMoney(b.payout)}.`;
    }
    case "rejected":
      return `Bet not placed. ${reasonText(phase.reason)}`;
    case "failed":
      return `Bet not sent: ${phase.message}`;
  }
}

export function BetOutcome({ entry }: { entry: SlipEntry }) {
  const { slip, prefs } = useApp();
  const phase = entry.phase.value;
  switch (phase.kind) {
    case "pending":
      return (
        <p class="slip-countdown" data-testid="bet-countdown">
          <span class="spinner" aria-hidden="true" />
          Confirming in {formatSeconds(phase.dueAt - slip.now.value)}
        </p>
      );
    case "accepted":
      return <NewBetButton entry={entry} label="New bet" />;
    case "rejected":
      return (
        <div class="slip-actions">
          {phase.reason === RejectReason.ODDS_CHANGED && phase.currentOdds !== undefined && (
            <button
              type="button"
              class="btn btn-primary btn-block"
              onClick={() => slip.takePrice(entry, phase.currentOdds!)}
              data-testid="take-price"
            >
              Bet at new price {formatOdds(phase.currentOdds, prefs.oddsFormat.value)}
            </button>
          )}
          <NewBetButton entry={entry} label="Start again" />
        </div>
      );
    case "failed":
      return (
        <button type="button" class="btn btn-ghost btn-small" onClick={() => slip.retry(entry)} data-testid="retry-bet">
          Try again
        </button>
      );
    default:
      return null;
  }
}

function NewBetButton({ entry, label }: { entry: SlipEntry; label: string }) {
  const { slip } = useApp();
  return (
    <button type="button" class="btn btn-ghost btn-small" onClick={() => slip.reset(entry)} data-testid="new-bet">
      {label}
    </button>
  );
}
