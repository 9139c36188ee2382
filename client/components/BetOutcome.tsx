// The bet's outcome: a sentence for the live region, and the controls that
// go with it (countdown, take the new price, retry, new bet).
import { RejectReason } from "../../worker/protocol/codes.ts";
import { formatMoney, formatOdds, formatSeconds, type OddsFormat } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import type { Phase, SlipEntry } from "../models/bet-slip.ts";
import { reasonText } from "../reasons.ts";

/** How an answer looks: each its own style, so a lost bet never looks like a success. */
export type OutcomeKind = "draft" | "sending" | "pending" | "accepted" | "won" | "lost" | "void" | "refused" | "failed";

export function outcomeKind(phase: Phase): OutcomeKind {
  switch (phase.kind) {
    case "accepted":
      return phase.bet.status === "won" || phase.bet.status === "lost" || phase.bet.status === "void" ? phase.bet.status : "accepted";
    case "rejected":
      return "refused";
    default:
      return phase.kind;
  }
}

export function outcomeSentence(phase: Phase, format: OddsFormat): string {
  switch (phase.kind) {
    case "draft":
      return "";
    case "sending":
      return "Placing your bet…";
    case "pending":
      return "Bet pending: your stake is held during the in-play delay, then the bet is confirmed or refused.";
    case "accepted": {
      const b = phase.bet;
      const what = `${formatMoney(b.stake)} at ${formatOdds(b.odds, format)}`;
      switch (b.status) {
        case "won":
          return `Bet won: ${what}, paid ${formatMoney(b.payout)}.`;
        case "lost":
          return `Bet lost: ${what}. The stake is gone.`;
        case "void":
          return `Bet void: ${what}. The stake of ${formatMoney(b.stake)} was returned.`;
        default:
          return `Bet accepted: ${what}, returns ${formatMoney(b.payout)}.`;
      }
    }
    case "rejected": {
      const money = phase.held
        ? `Your stake of ${formatMoney(phase.stake)} was held during the in-play delay and is back in your balance.`
        : "No money moved.";
      return `Bet refused. ${reasonText(phase.reason)} ${money}`;
    }
    case "failed":
      return `Bet not sent: ${phase.message}. No money moved.`;
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
