// The punter's balance; moves with every `balance` frame.
import { useComputed } from "@preact/signals";
import { formatMoney } from "../format.ts";
import { useApp } from "../models/app-model.ts";

export function BalanceBadge() {
  const { session } = useApp();
  const text = useComputed(() => (session.balance.value === null ? "" : formatMoney(session.balance.value)));
  if (session.balance.value === null) return null;
  return (
    <span class="balance" data-testid="balance">
      <span class="balance-label">Balance</span> {text}
    </span>
  );
}
