// "My bets": open bets with their potential return, settled bets with profit
// and loss, and refused bets out of the way.
import { useEffect } from "preact/hooks";
import type { Bet } from "../../worker/protocol/schemas.ts";
import { formatMoney, formatOdds, formatProfit, formatTime } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import { profitOf } from "../models/my-bets.ts";
import { reasonText } from "../reasons.ts";
import { CashOutControl } from "./CashOutControl.tsx";
import { LoginForm } from "./LoginForm.tsx";
import { MyMultiplesList } from "./MyMultiplesList.tsx";

/** `embedded`: a part of the account page, under its heading, rather than a page of its own. */
export function MyBetsPage({ embedded = false }: { embedded?: boolean }) {
  const { myBets, session } = useApp();
  const loggedIn = session.token.value !== null;

  useEffect(() => {
    void myBets.refresh();
  }, [session.token.value]);
  useOpenBetSockets(myBets.open.value);

  if (!loggedIn) {
    return (
      <section data-testid="my-bets">
        <h1 class="page-title">My bets</h1>
        <p>Log in to see your bets.</p>
        <LoginForm />
      </section>
    );
  }
  const profit = myBets.profit.value;
  return (
    <section class="my-bets" data-testid="my-bets" aria-labelledby="bets-title">
      <header class="mv-head">
        {embedded ? (
          <h2 id="bets-title" class="section-title">
            My bets
          </h2>
        ) : (
          <h1 id="bets-title" class="page-title">
            My bets
          </h1>
        )}
        <button type="button" class="btn btn-ghost btn-small" onClick={() => void myBets.refresh()} data-testid="bets-refresh">
          Refresh
        </button>
      </header>
      <p class="pl-summary">
        Settled profit/loss:{" "}
        <strong class={profit > 0 ? "pos" : profit < 0 ? "neg" : ""} data-testid="bets-profit">
          {formatProfit(profit)}
        </strong>
      </p>
      {myBets.error.value && <p class="form-error">Could not load bets: {myBets.error.value}</p>}
      <Sub embedded={embedded}>Open</Sub>
      <BetTable bets={myBets.open.value} kind="open" empty="No open bets." />
      <Sub embedded={embedded}>Settled</Sub>
      <BetTable bets={myBets.settled.value} kind="settled" empty="No settled bets yet." />
      <MyMultiplesList />
      {myBets.rejected.value.length > 0 && (
        <details class="rejected">
          <summary>Not placed ({myBets.rejected.value.length})</summary>
          <BetTable bets={myBets.rejected.value} kind="rejected" empty="" />
        </details>
      )}
    </section>
  );
}

/** The open bets' markets' own sockets while the page shows them (the lobby keeps at most three): their live cash out values. */
function useOpenBetSockets(open: Bet[]) {
  const { lobby } = useApp();
  const ids = [...new Set(open.filter((b) => b.status === "accepted").map((b) => b.marketId))].slice(0, 3);
  const key = ids.join(",");
  useEffect(() => {
    for (const id of ids) void lobby.open(id);
    return () => {
      for (const id of ids) lobby.leave(id);
    };
  }, [key]);
}

/** The punter's open bets on one market, each with its Cash out control: for the market page. */
export function OpenBetsHere({ marketId }: { marketId: string }) {
  const { myBets, session } = useApp();
  useEffect(() => {
    if (session.token.value) void myBets.refresh();
  }, [session.token.value, marketId]);
  const bets = myBets.open.value.filter((b) => b.marketId === marketId && b.status === "accepted");
  if (bets.length === 0) return null;
  return (
    <section class="open-here" data-testid="open-bets-here" aria-labelledby="open-here-title">
      <h2 id="open-here-title" class="section-title">
        Your open bets here
      </h2>
      <BetTable bets={bets} kind="open" empty="" />
    </section>
  );
}

function Sub({ embedded, children }: { embedded: boolean; children: string }) {
  return embedded ? <h3 class="form-title">{children}</h3> : <h2 class="section-title">{children}</h2>;
}

function BetTable({ bets, kind, empty }: { bets: Bet[]; kind: "open" | "settled" | "rejected"; empty: string }) {
  const { lobby, prefs } = useApp();
  if (bets.length === 0) return <p class="muted">{empty}</p>;
  return (
    <ul class="bet-rows" data-testid={`${kind}-bets`}>
      {bets.map((b) => {
        const market = lobby.get(b.marketId)?.market.value;
        const selection = market?.selections.find((s) => s.id === b.selectionId)?.name ?? b.selectionId;
        return (
          <li class={`bet-row bet-${b.status}`} key={b.id} data-testid={`bet-row-${b.id}`}>
            <div class="bet-what">
              <strong>{selection}</strong>
              <span class="muted small">{market ? `${market.name} · ${market.event}` : b.marketId}</span>
            </div>
            <dl class="bet-figures">
              <div>
                <dt>Odds</dt>
                <dd>{formatOdds(b.odds, prefs.oddsFormat.value)}</dd>
              </div>
              <div>
                <dt>Stake</dt>
                <dd>{formatMoney(b.stake)}</dd>
              </div>
              {kind === "open" && (
                <div>
                  <dt>Returns</dt>
                  <dd>{b.status === "pending" ? "–" : formatMoney(b.payout)}</dd>
                </div>
              )}
              {kind === "settled" && (
                <div>
                  <dt>P/L</dt>
                  <dd class={profitOf(b) > 0 ? "pos" : profitOf(b) < 0 ? "neg" : ""}>{formatProfit(profitOf(b))}</dd>
                </div>
              )}
              <div>
                <dt>Status</dt>
                <dd class={`status-${b.status}`}>{b.status === "cashed_out" ? "cashed out" : b.status}</dd>
              </div>
            </dl>
            {kind === "open" && b.status === "accepted" && <CashOutControl bet={b} />}
            <span class="muted small bet-when">
              {formatTime(b.settledAt ?? b.placedAt)}
              {kind === "rejected" && ` · ${reasonText(b.reason)}`}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
