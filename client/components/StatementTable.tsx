// The wallet's statement: every ledger entry, newest first, with the balance
// after it, a page at a time ("More").
import { formatMoney, formatProfit, formatTime } from "../format.ts";
import { accountErrorText } from "../account-messages.ts";
import type { WalletMoves } from "../models/wallet-moves.ts";
import type { EntryKind } from "../../worker/rules/ledger.ts";

/** Every ledger kind the server sends (worker/rules/ledger.ts EntryKind), in words. */
const KINDS: Record<EntryKind, string> = {
  grant: "Opening balance",
  deposit: "Deposit",
  withdrawal: "Withdrawal",
  stake: "Stake",
  payout: "Payout",
  refund: "Refund",
  cashout: "Cash out",
};

export function StatementTable({ wallet }: { wallet: WalletMoves }) {
  const entries = wallet.statement.value;
  const error = wallet.statementError.value;
  return (
    <>
      {error !== null && <p class="form-error">Could not load the statement: {accountErrorText(error)}</p>}
      {entries.length === 0 && wallet.statementState.value === "available" && <p class="muted">No entries yet.</p>}
      {entries.length > 0 && (
        <div class="table-scroll">
          <table class="statement" data-testid="statement">
            <caption class="sr-only">Statement, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col" class="num">Amount</th>
                <th scope="col" class="num">Balance</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq} data-testid={`statement-row-${e.seq}`}>
                  <td>{formatTime(e.ts)}</td>
                  <td>{KINDS[e.kind as EntryKind] ?? e.kind}</td>
                  <td class={e.amount > 0 ? "num pos" : e.amount < 0 ? "num neg" : "num"}>{formatProfit(e.amount)}</td>
                  <td class="num">{formatMoney(e.balance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {wallet.next.value !== undefined && (
        <button type="button" class="btn btn-ghost btn-small" disabled={wallet.statementBusy.value} onClick={() => void wallet.more()} data-testid="statement-more">
          More
        </button>
      )}
    </>
  );
}
