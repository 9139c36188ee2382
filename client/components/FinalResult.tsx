// A settled or voided market's final result for the trader, in place of its
// book (all zeros once every bet is decided): what the book took, what
// settlement paid out, and the margin it kept.
import type { FinalResult as Final } from "../../worker/protocol/schemas.ts";
import { formatMoney, formatProfit } from "../format.ts";
import { TableHead } from "./TableHead.tsx";

interface Props {
  marketId: string;
  marketName: string;
  final: Final;
}

export function FinalResult({ marketId, marketName, final }: Props) {
  const captionId = `xp-final-caption-${marketId}`;
  return (
    <div class="xp-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table class="xp-table" data-testid={`admin-final-${marketId}`} data-taken={final.taken} data-paid-out={final.paidOut} data-margin={final.margin}>
        <caption id={captionId}>
          Final result for {marketName} ({marketId}): stakes taken, paid out and the margin kept
        </caption>
        <TableHead columns={["Bets", "Taken", "Paid out", "Margin"]} />
        <tbody>
          <tr>
            <td>{final.bets}</td>
            <td>{formatMoney(final.taken)}</td>
            <td>{formatMoney(final.paidOut)}</td>
            <td class={final.margin > 0 ? "pos" : final.margin < 0 ? "neg" : undefined}>{formatProfit(final.margin)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
