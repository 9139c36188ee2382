// Decimal, fractional or American odds; remembered by the preferences model.
import { OddsFormat } from "../format.ts";
import { useApp } from "../models/app-model.ts";

export function OddsFormatSwitch() {
  const { prefs } = useApp();
  return (
    <label class="odds-format">
      <span>Odds</span>
      <select
        data-testid="odds-format"
        value={prefs.oddsFormat.value}
        onChange={(e) => (prefs.oddsFormat.value = e.currentTarget.value as OddsFormat)}
      >
        <option value={OddsFormat.DECIMAL}>Decimal</option>
        <option value={OddsFormat.FRACTIONAL}>Fractional</option>
        <option value={OddsFormat.AMERICAN}>American</option>
      </select>
    </label>
  );
}
