// The trader's audit trail of one market: each change in the event log, who
// made it and when, ten to a page. Loaded when opened, never polled.
import { useMemo } from "preact/hooks";
import type { Market, MarketEvent } from "../../worker/protocol/schemas.ts";
import { formatDelay, formatStamp } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import { AuditTrail } from "../models/audit-trail.ts";

const COLUMNS = ["Seq", "When", "Who", "What"] as const;

/** One event in words, with the selections' names. */
export function describeEvent(event: MarketEvent, market: Market): string {
  const name = (id: string) => market.selections.find((s) => s.id === id)?.name ?? id;
  const e = event as MarketEvent & Record<string, unknown>;
  switch (event.type) {
    case "created":
      return "Created the market";
    case "odds":
      return `Odds: ${Object.entries((e.odds ?? {}) as Record<string, number>).map(([id, odds]) => `${name(id)} ${odds.toFixed(2)}`).join(", ")}`;
    case "status": {
      const play = e.inPlay ? `, in play${typeof e.betDelayMs === "number" && e.betDelayMs > 0 ? ` with a ${formatDelay(e.betDelayMs)} delay` : ""}` : "";
      return `Status: ${String(e.status)}${play}${typeof e.reason === "string" ? ` (${e.reason})` : ""}`;
    }
    case "settled":
      return e.void ? "Voided: every stake returned" : `Settled: ${name(String(e.winner))} won`;
    default:
      return event.type;
  }
}

export function AuditTrailView({ market }: { market: Market }) {
  const { session } = useApp();
  const trail = useMemo(() => new AuditTrail(market.id, () => session.api.peek()), [market.id]);
  const events = trail.events.value;
  const id = market.id;
  return (
    <details class="audit" data-testid={`admin-audit-${id}`} onToggle={(e) => e.currentTarget.open && void trail.reload()}>
      <summary>Audit trail</summary>
      {trail.error.value && <p class="form-error small">Audit trail not loaded: {trail.error.value}</p>}
      {events && (
        <>
          <table class="audit-table">
            <caption class="sr-only">Changes to {market.name}, oldest first</caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq} data-testid={`audit-row-${id}-${e.seq}`}>
                  <td>{e.seq}</td>
                  <td>{formatStamp(e.ts)}</td>
                  <td class="audit-who">{e.by}</td>
                  <td>{describeEvent(e, market)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="audit-pages">
            <button type="button" class="btn btn-ghost btn-small" disabled={!trail.hasPrevious} onClick={() => void trail.previousPage()} data-testid={`admin-audit-prev-${id}`}>
              Earlier
            </button>
            <button type="button" class="btn btn-ghost btn-small" onClick={() => void trail.reload()} data-testid={`admin-audit-reload-${id}`}>
              Reload
            </button>
            <button type="button" class="btn btn-ghost btn-small" disabled={trail.next.value === null} onClick={() => void trail.nextPage()} data-testid={`admin-audit-next-${id}`}>
              Later
            </button>
          </div>
        </>
      )}
    </details>
  );
}
