// The trader's live book for one market: per selection the open bets, their
// stakes, what the book pays and its result if that selection wins, with the
// worst case marked; a settled or voided market shows its final result instead.
// The market's socket pushes the book (no polling). Quiet on purpose: a table
// redrawn on every bet must not speak.
import { useEffect, useMemo } from "preact/hooks";
import { formatMoney, formatProfit } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import { MarketExposure } from "../models/exposure.ts";
import type { LiveMarket } from "../models/live-market.ts";
import { FinalResult } from "./FinalResult.tsx";
import { TableHead } from "./TableHead.tsx";

interface Props {
  live: LiveMarket;
  /** Names the table, so each market's book is its own region. */
  marketName: string;
  /** For the names; the exposure lists the same selections by id. */
  selections: { id: string; name: string }[];
}

export function ExposureTable({ live, marketName, selections }: Props) {
  const { session } = useApp();
  const marketId = live.id;
  const model = useMemo(() => new MarketExposure(live, () => session.api.peek()), [live]);

  useEffect(() => {
    model.start();
    return () => model.stop();
  }, [model]);

  const exposure = model.exposure.value;
  const stale = model.stale.value;
  const error = model.error.value;
  const worst = model.worstId.value;
  const captionId = `xp-caption-${marketId}`;
  const names = new Map(selections.map((s) => [s.id, s.name]));
  const bets = exposure?.selections.reduce((sum, s) => sum + s.bets, 0) ?? 0;

  return (
    <div class="xp" data-testid={`admin-exposure-${marketId}`} data-stale={stale ? "true" : undefined}>
      {exposure?.final ? (
        <FinalResult marketId={marketId} marketName={marketName} final={exposure.final} />
      ) : exposure ? (
        // Focusable so a keyboard can scroll it when a narrow screen makes it scroll.
        <div class={`xp-scroll${error || stale ? " xp-stale" : ""}`} role="region" aria-labelledby={captionId} tabIndex={0}>
          <table class="xp-table">
            <caption id={captionId}>
              Book for {marketName} ({marketId}): open bets and the result if each selection wins
            </caption>
            <TableHead columns={["Selection", "Bets", "Stake", "Payout", "P/L if it wins"]} />
            <tbody>
              {exposure.selections.map((s) => {
                const isWorst = s.id === worst;
                return (
                  <tr
                    key={s.id}
                    class={isWorst ? "xp-worst" : undefined}
                    data-testid={`admin-exposure-row-${marketId}-${s.id}`}
                    data-profit={s.profitIfWins}
                    data-worst={isWorst ? "true" : undefined}
                  >
                    <th scope="row">
                      {names.get(s.id) ?? s.id}
                      {isWorst && (
                        <>
                          {" "}
                          <span class="xp-flag">Worst case</span>
                        </>
                      )}
                    </th>
                    <td>{s.bets}</td>
                    <td>{formatMoney(s.stake)}</td>
                    <td>{formatMoney(s.payout)}</td>
                    <td class={s.profitIfWins > 0 ? "pos" : s.profitIfWins < 0 ? "neg" : undefined}>{formatProfit(s.profitIfWins)}</td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr data-testid={`admin-exposure-total-${marketId}`} data-total-stake={exposure.totalStake} data-pending={exposure.pendingBets}>
                <th scope="row">Total</th>
                <td>{bets}</td>
                <td>{formatMoney(exposure.totalStake)}</td>
                <td colSpan={2} class="xp-pending">
                  {exposure.pendingBets === 0 ? "none pending" : `${exposure.pendingBets} pending, not counted yet`}
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      ) : (
        !error && <p class="muted small">Loading the book…</p>
      )}
      {error && <p class="form-error small">Book not updated: {error}</p>}
    </div>
  );
}
