// On narrow screens the bet slip is a sheet over the page; this bar opens it
// without moving the page. Hidden by CSS on wide screens, where the slip is beside the prices.
import { useApp } from "../models/app-model.ts";

export function SlipBar() {
  const { slip } = useApp();
  const count = slip.entries.value.length;
  if (count === 0 || slip.sheetOpen.value) return null;
  const open = () => {
    slip.sheetOpen.value = true;
    // After the sheet is drawn; preventScroll keeps the page where the punter left it.
    requestAnimationFrame(() => document.getElementById("bet-slip")?.focus({ preventScroll: true }));
  };
  return (
    <div class="slip-bar">
      <button type="button" class="btn btn-primary btn-block" onClick={open} data-testid="slip-bar">
        Bet slip ({count})
      </button>
    </div>
  );
}
