// The trader's form for a new market: id, name, event, selections with their
// opening odds, and optional delay and limits (entered in currency units,
// sent as cents). Checked against the shared schema before it is sent.
import { useSignal } from "@preact/signals";
import { CreateMarketBody, parse } from "../../worker/protocol/schemas.ts";
import { parseMoney } from "../format.ts";
import { useApp } from "../models/app-model.ts";

interface Row {
  id: string;
  name: string;
  odds: string;
}

const blankRows = (): Row[] => [
  { id: "home", name: "", odds: "" },
  { id: "away", name: "", odds: "" },
];

export function CreateMarketForm() {
  const { trader } = useApp();
  const id = useSignal("");
  const name = useSignal("");
  const event = useSignal("");
  const rows = useSignal<Row[]>(blankRows());
  const delay = useSignal("");
  const minStake = useSignal("");
  const maxStake = useSignal("");
  const maxPayout = useSignal("");
  const result = useSignal<{ ok: boolean; text: string } | null>(null);
  const busy = useSignal(false);

  const setRow = (i: number, patch: Partial<Row>) => {
    rows.value = rows.value.map((r, j) => (j === i ? { ...r, ...patch } : r));
  };

  const money = (text: string, label: string): number | undefined | string => {
    if (text.trim() === "") return undefined;
    const cents = parseMoney(text);
    return cents === null ? `${label} must be an amount like 10 or 2.50` : cents;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const limits = { minStake: money(minStake.value, "Min stake"), maxStake: money(maxStake.value, "Max stake"), maxPayout: money(maxPayout.value, "Max payout") };
    const limitError = Object.values(limits).find((v) => typeof v === "string");
    if (typeof limitError === "string") {
      result.value = { ok: false, text: limitError };
      return;
    }
    const body: Record<string, unknown> = {
      id: id.value.trim(),
      name: name.value.trim(),
      event: event.value.trim(),
      selections: rows.value.map((r) => ({ id: r.id.trim(), name: r.name.trim(), odds: Number(r.odds) })),
    };
    if (delay.value.trim() !== "") body.betDelayMs = Math.round(Number(delay.value) * 1000);
    for (const [k, v] of Object.entries(limits)) if (v !== undefined) body[k] = v;
    const checked = parse(CreateMarketBody, body);
    if (!checked.ok) {
      result.value = { ok: false, text: `Check the form: ${checked.message}` };
      return;
    }
    busy.value = true;
    const error = await trader.createMarket(checked.value);
    busy.value = false;
    if (error) {
      result.value = { ok: false, text: error };
      return;
    }
    result.value = { ok: true, text: `Created market ${checked.value.id}.` };
    id.value = name.value = event.value = delay.value = minStake.value = maxStake.value = maxPayout.value = "";
    rows.value = blankRows();
  };

  const field = (label: string, key: string, value: { value: string }, extra: Record<string, unknown> = {}) => (
    <label class="field">
      <span>{label}</span>
      <input value={value.value} onInput={(e) => (value.value = e.currentTarget.value)} data-testid={`admin-new-${key}`} {...extra} />
    </label>
  );

  return (
    <form class="create-form" onSubmit={submit} data-testid="admin-create-form" aria-labelledby="create-title">
      <h2 id="create-title" class="section-title">
        New market
      </h2>
      <div class="form-grid">
        {field("Market id", "id", id, { required: true, pattern: "[a-z0-9][a-z0-9\\-]{0,63}", title: "lowercase letters, digits and dashes", placeholder: "reds-blues-mo" })}
        {field("Name", "name", name, { required: true, maxLength: 120, placeholder: "Match odds" })}
        {field("Event", "event", event, { required: true, maxLength: 120, placeholder: "Reds v Blues" })}
      </div>
      <fieldset class="sel-fieldset">
        <legend>Selections</legend>
        {rows.value.map((r, i) => (
          <div class="sel-row" key={i}>
            <label class="field">
              <span>Id</span>
              <input value={r.id} required onInput={(e) => setRow(i, { id: e.currentTarget.value })} data-testid={`admin-sel-id-${i}`} />
            </label>
            <label class="field">
              <span>Name</span>
              <input value={r.name} required onInput={(e) => setRow(i, { name: e.currentTarget.value })} data-testid={`admin-sel-name-${i}`} />
            </label>
            <label class="field field-odds">
              <span>Odds</span>
              <input value={r.odds} required inputMode="decimal" placeholder="2.50" onInput={(e) => setRow(i, { odds: e.currentTarget.value })} data-testid={`admin-sel-odds-${i}`} />
            </label>
            <button
              type="button"
              class="btn btn-icon"
              aria-label={`Remove selection ${i + 1}`}
              disabled={rows.value.length <= 1}
              onClick={() => (rows.value = rows.value.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <button type="button" class="btn btn-ghost btn-small" onClick={() => (rows.value = [...rows.value, { id: "", name: "", odds: "" }])} data-testid="admin-add-selection">
          Add selection
        </button>
      </fieldset>
      <div class="form-grid">
        {field("Bet delay (s, optional)", "delay", delay, { inputMode: "decimal", placeholder: "0" })}
        {field("Min stake (optional)", "min-stake", minStake, { inputMode: "decimal", placeholder: "1.00" })}
        {field("Max stake (optional)", "max-stake", maxStake, { inputMode: "decimal", placeholder: "1,000.00" })}
        {field("Max payout (optional)", "max-payout", maxPayout, { inputMode: "decimal", placeholder: "100,000.00" })}
      </div>
      <button type="submit" class="btn btn-primary" disabled={busy.value} data-testid="admin-create-submit">
        Create market
      </button>
      {result.value && (
        <p class={result.value.ok ? "form-ok" : "form-error"} role="alert" data-testid="admin-create-result">
          {result.value.text}
        </p>
      )}
    </form>
  );
}
