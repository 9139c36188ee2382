// A settled or voided market's final result for the trader, in place of its
// book (all zeros once every bet is decided): what the book took, what
// settlement paid out, and the margin it kept, as four labelled figures.
import type { FinalResult as Final } from "../../worker/protocol/schemas.ts";
import { formatMoney, formatProfit } from "../format.ts";

interface Props {
  marketId: string;
  marketName: string;
  final: Final;
}

export function FinalResult({ marketId, marketName, final }: Props) {
  const figures: [string, string, string | undefined][] = [
    ["Bets", String(final.bets), undefined],
    ["Taken", formatMoney(final.taken), undefined],
    ["Paid out", formatMoney(final.paidOut), undefined],
    ["Margin", formatProfit(final.margin), final.margin > 0 ? "pos" : final.margin < 0 ? "neg" : undefined],
  ];
  return (
    <section class="xp-final" aria-label={`Final result for ${marketName} (${marketId})`} data-testid={`admin-final-${marketId}`} data-taken={final.taken} data-paid-out={final.paidOut} data-margin={final.margin}>
      <h3 class="xp-final-title">Final result: stakes taken, paid out and the margin kept</h3>
      <dl class="xp-final-figures">
        {figures.map(([label, value, tone]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd class={tone}>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
