// Totals over the markets on the grid (the page, as filtered): stakes held,
// bets, and the book's result if each market goes its worst way. Every
// market's figures come pushed on the one book socket (a trader's), so all
// the shown markets count, whichever is selected; nothing is fetched.
import type { MarketTotals } from "../../worker/protocol/book.ts";
import { formatMoney, formatProfit } from "../format.ts";
import { sumFigures } from "../models/book-figures.ts";
import type { LiveMarket } from "../models/live-market.ts";

interface Props {
  markets: LiveMarket[];
  /** The book socket's figures per market; null until they come. */
  figures: ReadonlyMap<string, MarketTotals> | null;
  /** Which markets these are, as a phrase: "on this page", "on this page matching the filter". */
  scope: string;
}

export function BookTotals({ markets, figures, scope }: Props) {
  const t = sumFigures(
    markets.map((m) => m.id),
    figures ?? new Map(),
  );
  const n = `${t.markets} market${t.markets === 1 ? "" : "s"}`;
  return (
    <section
      class="book-totals"
      aria-label="Book totals"
      data-testid="admin-totals"
      data-live={figures !== null ? "true" : "false"}
      data-markets={t.markets}
      data-staked={t.staked}
      data-bets={t.bets}
      data-pending={t.pending}
      data-worst={t.worstCase}
    >
      <p class="small">
        <strong>Book totals</strong> over the {n} {scope}
        {figures !== null ? ", live from the book." : ": waiting for the book's figures."}
      </p>
      <dl class="bt-figures">
        <div>
          <dt>Staked</dt>
          <dd data-testid="admin-totals-staked">{formatMoney(t.staked)}</dd>
        </div>
        <div>
          <dt>Worst case</dt>
          <dd class={t.worstCase < 0 ? "neg" : t.worstCase > 0 ? "pos" : undefined} data-testid="admin-totals-worst">
            {formatProfit(t.worstCase)}
          </dd>
        </div>
        <div>
          <dt>Bets</dt>
          <dd data-testid="admin-totals-bets">
            {t.bets}
            {t.pending > 0 && ` (${t.pending} pending)`}
          </dd>
        </div>
      </dl>
    </section>
  );
}
