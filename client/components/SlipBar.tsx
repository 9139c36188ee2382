// On narrow screens the bet slip sits below the prices; this bar keeps it one
// tap away. Hidden by CSS on wide screens, where the slip is beside the prices.
import { useApp } from "../models/app-model.ts";

export function SlipBar() {
  const { slip } = useApp();
  const count = slip.entries.value.length;
  if (count === 0) return null;
  const open = () => {
    const el = document.getElementById("bet-slip");
    el?.scrollIntoView({ behavior: "smooth", block: "start" });
    el?.focus({ preventScroll: true });
  };
  return (
    <div class="slip-bar">
      <button type="button" class="btn btn-primary btn-block" onClick={open} data-testid="slip-bar">
        Bet slip ({count})
      </button>
    </div>
  );
}
