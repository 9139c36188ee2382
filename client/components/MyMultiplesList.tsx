// "My bets", multiples: each with its legs (selection, market, odds, result),
// combined odds, stake, return and status; newest first, more on request.
import { useEffect } from "preact/hooks";
import type { Multiple } from "../../worker/protocol/multiples.ts";
import { formatMoney, formatOdds, formatTime } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import { reasonText } from "../reasons.ts";

export function MyMultiplesList() {
  const { myMultiples, session } = useApp();
  useEffect(() => {
    void myMultiples.refresh();
  }, [session.token.value]);
  const list = myMultiples.multiples.value;
  return (
    <section aria-label="Multiples" data-testid="my-multiples">
      <h2 class="section-title">Multiples</h2>
      {myMultiples.error.value && <p class="form-error">Could not load multiples: {myMultiples.error.value}</p>}
      {list.length === 0 ? (
        <p class="muted">No multiples yet.</p>
      ) : (
        <ul class="bet-rows">
          {list.map((m) => (
            <MultipleRow key={m.id} m={m} />
          ))}
        </ul>
      )}
      {myMultiples.next.value !== null && (
        <button type="button" class="btn btn-ghost btn-small" onClick={() => void myMultiples.more()} data-testid="multiples-more">
          Show older multiples
        </button>
      )}
    </section>
  );
}

function MultipleRow({ m }: { m: Multiple }) {
  const { lobby, prefs } = useApp();
  return (
    <li class={`bet-row bet-${m.status}`} data-testid={`multiple-row-${m.id}`} data-status={m.status}>
      <div class="bet-what">
        <strong>Multiple · {m.legs.length} legs</strong>
        <ul class="muted small">
          {m.legs.map((l) => {
            const market = lobby.get(l.marketId)?.market.value;
            const selection = market?.selections.find((s) => s.id === l.selectionId)?.name ?? l.selectionId;
            return (
              <li key={l.marketId}>
                {selection} @ {formatOdds(l.odds, prefs.oddsFormat.value)} · {market ? `${market.event} · ${market.name}` : l.marketId}
                {l.result && ` · ${l.result}`}
              </li>
            );
          })}
        </ul>
      </div>
      <dl class="bet-figures">
        <div>
          <dt>Odds</dt>
          <dd>{m.odds}</dd>
        </div>
        <div>
          <dt>Stake</dt>
          <dd>{formatMoney(m.stake)}</dd>
        </div>
        <div>
          <dt>{m.status === "accepted" ? "Returns" : "Paid"}</dt>
          <dd data-testid="multiple-payout">{formatMoney(m.payout)}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd class={`status-${m.status}`} data-testid="multiple-status">
            {m.status}
          </dd>
        </div>
      </dl>
      <span class="muted small bet-when">
        {formatTime(m.settledAt ?? m.placedAt)}
        {m.status === "rejected" && ` · ${reasonText(m.reason)}`}
      </span>
    </li>
  );
}
