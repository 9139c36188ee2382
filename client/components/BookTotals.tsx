// Totals over the books the console holds for the markets on screen: stakes
// held, bets, and the book's result if each market goes its worst way. A
// market's book comes pushed on its own socket (opened for the selected
// market), so only those count, and the line says how many of the shown do.
import { formatMoney, formatProfit } from "../format.ts";
import { bookTotals } from "../models/exposure.ts";
import type { LiveMarket } from "../models/live-market.ts";

export function BookTotals({ markets }: { markets: LiveMarket[] }) {
  const books = markets.flatMap((m) => {
    const book = m.exposure.value;
    return book && !book.final ? [book] : [];
  });
  const t = bookTotals(books);
  return (
    <section
      class="book-totals"
      aria-label="Book totals"
      data-testid="admin-totals"
      data-markets={t.markets}
      data-staked={t.staked}
      data-bets={t.bets}
      data-pending={t.pending}
      data-worst={t.worstCase}
    >
      <p class="small">
        <strong>Book totals</strong> over {t.markets} of {markets.length} markets shown: the books this console holds
        live (a market's book comes with its socket, open for the selected market). Other markets are not counted.
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
