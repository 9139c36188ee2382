// The selected market's detail on the trader's console, under its row in the
// grid: prices per selection on the ladder beside the live book, in play with
// its bet delay, close, and settle or void behind a confirmation. Its row
// (TraderRow) holds suspend/resume; focus in a price makes that selection the
// target of the arrow keys.
import { useSignal } from "@preact/signals";
import { MarketStatus } from "../../worker/protocol/codes.ts";
import type { StatusBody } from "../../worker/protocol/schemas.ts";
import { useApp } from "../models/app-model.ts";
import type { LiveMarket } from "../models/live-market.ts";
import { href } from "../models/router.ts";
import { AuditTrailView } from "./AuditTrailView.tsx";
import { ConfirmDialog } from "./ConfirmDialog.tsx";
import { ConnectionBadge } from "./ConnectionBadge.tsx";
import { ExposureTable } from "./ExposureTable.tsx";
import { MarketBadges } from "./MarketBadges.tsx";
import { OddsControl } from "./OddsControl.tsx";

type Pending = { kind: "settle"; winner: string } | { kind: "void" } | null;

interface Props {
  live: LiveMarket;
  error: string | null;
  report: (id: string, error: string | null) => void;
}

export function TraderMarket({ live, error, report }: Props) {
  const { trader } = useApp();
  const market = live.market.value;
  const id = market.id;
  const finished = market.status === MarketStatus.SETTLED || market.status === MarketStatus.VOIDED;
  const delayText = useSignal(String(market.betDelayMs / 1000));
  const winner = useSignal(market.selections[0]?.id ?? "");
  const confirm = useSignal<Pending>(null);
  const busy = useSignal(false);
  const statusBusy = trader.busy.value.has(id);
  const ladder = trader.ladder(live);
  const shownError = error ?? ladder.error.value;

  const run = async (action: () => Promise<string | null>) => {
    busy.value = true;
    const error = await action();
    busy.value = false;
    report(id, error);
  };
  const delayMs = (): number | null => {
    const seconds = Number(delayText.value);
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 30) return null;
    return Math.round(seconds * 1000);
  };
  const setInPlay = (inPlay: boolean) => {
    const betDelayMs = delayMs();
    if (betDelayMs === null) return report(id, "Bet delay is 0 to 30 seconds");
    void run(() => trader.setStatus(id, { status: market.status as StatusBody["status"], inPlay, betDelayMs }));
  };
  const winnerName = market.selections.find((s) => s.id === winner.value)?.name ?? winner.value;

  return (
    <article class={`tm tm-selected${finished ? " tm-finished" : ""}`} data-testid={`admin-detail-${id}`} data-status={market.status} aria-label={`Market ${market.name}, detail`}>
      <header class="tm-head">
        <div>
          <a class="card-title" href={href.market(id)}>
            {market.name}
          </a>
          <div class="muted small">
            {market.event} · <code>{id}</code> · seq <span data-testid={`admin-seq-${id}`}>{live.seq}</span>
          </div>
        </div>
        <MarketBadges market={market} />
        <ConnectionBadge state={live.connection} testId={`admin-connection-${id}`} />
      </header>

      <div class="tm-body">
        <div class="tm-odds">
          {market.selections.map((s) => (
            <OddsControl
              key={s.id}
              live={live}
              ladder={ladder}
              selectionId={s.id}
              name={s.name}
              disabled={finished}
              onSelect={() => (trader.selectedSelection.value = s.id)}
            />
          ))}
        </div>
        <ExposureTable live={live} marketName={market.name} selections={market.selections} />
      </div>

      {!finished && (
        <div class="tm-controls">
          {market.status !== MarketStatus.CLOSED && (
            <button
              type="button"
              class="btn btn-ghost"
              disabled={busy.value || statusBusy}
              onClick={() => void run(() => trader.setStatus(id, { status: MarketStatus.CLOSED }))}
              data-testid={`admin-close-${id}`}
            >
              Close
            </button>
          )}
          <span class="tm-inplay">
            <label for={`delay-${id}`}>Bet delay (s)</label>
            <input
              id={`delay-${id}`}
              class="delay-input"
              type="number"
              min="0"
              max="30"
              step="0.5"
              value={delayText.value}
              onInput={(e) => (delayText.value = e.currentTarget.value)}
              data-testid={`admin-delay-${id}`}
            />
            <button
              type="button"
              class={`btn ${market.inPlay ? "btn-ghost" : "btn-inplay"}`}
              disabled={busy.value || statusBusy}
              aria-pressed={market.inPlay}
              aria-keyshortcuts="i"
              onClick={() => setInPlay(!market.inPlay)}
              data-testid={`admin-inplay-${id}`}
            >
              {market.inPlay ? "Go pre-match" : "Go in-play"}
            </button>
            {market.inPlay && (
              <button type="button" class="btn btn-ghost btn-small" disabled={busy.value || statusBusy} onClick={() => setInPlay(true)} data-testid={`admin-delay-apply-${id}`}>
                Set delay
              </button>
            )}
          </span>
          <span class="tm-settle">
            <label for={`winner-${id}`}>Winner</label>
            <select id={`winner-${id}`} value={winner.value} onChange={(e) => (winner.value = e.currentTarget.value)} data-testid={`admin-winner-${id}`}>
              {market.selections.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <button type="button" class="btn btn-danger" disabled={busy.value || statusBusy} onClick={() => (confirm.value = { kind: "settle", winner: winner.value })} data-testid={`admin-settle-${id}`}>
              Settle
            </button>
            <button type="button" class="btn btn-danger-ghost" disabled={busy.value || statusBusy} onClick={() => (confirm.value = { kind: "void" })} data-testid={`admin-void-${id}`}>
              Void
            </button>
          </span>
        </div>
      )}

      <AuditTrailView market={market} />

      {shownError && (
        <p class="form-error" role="alert" data-testid={`admin-error-${id}`}>
          {shownError}
        </p>
      )}

      {confirm.value?.kind === "settle" && (
        <ConfirmDialog
          title="Settle market?"
          message={`Settle "${market.name}" with winner "${winnerName}". Bets on ${winnerName} are paid; every other bet loses. This cannot be undone.`}
          confirmLabel={`Settle: ${winnerName} wins`}
          onCancel={() => (confirm.value = null)}
          onConfirm={() => {
            const chosen = (confirm.value as { winner: string }).winner;
            confirm.value = null;
            void run(() => trader.settle(id, { winner: chosen }));
          }}
        />
      )}
      {confirm.value?.kind === "void" && (
        <ConfirmDialog
          title="Void market?"
          message={`Void "${market.name}": every accepted stake is returned. This cannot be undone.`}
          confirmLabel="Void market"
          onCancel={() => (confirm.value = null)}
          onConfirm={() => {
            confirm.value = null;
            void run(() => trader.settle(id, { void: true }));
          }}
        />
      )}
    </article>
  );
}
