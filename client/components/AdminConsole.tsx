// The trader's console: create markets, and price, suspend, take in play and
// settle the book, from the mouse or the keys (arrows, S, I) shown on screen.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { isFinished } from "../sdk/index.ts";
import { useApp } from "../models/app-model.ts";
import { CreateMarketForm } from "./CreateMarketForm.tsx";
import { LoginForm } from "./LoginForm.tsx";
import { TraderMarket } from "./TraderMarket.tsx";

/** Typing in a field must never trigger a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

export function AdminConsole() {
  const { session, lobby, trader } = useApp();
  const errors = useSignal<Record<string, string>>({});
  const report = (id: string, error: string | null) => {
    const next = { ...errors.value };
    if (error) next[id] = error;
    else delete next[id];
    errors.value = next;
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || document.querySelector("dialog[open]")) return;
      const live = trader.selectedId.value ? lobby.get(trader.selectedId.value) : undefined;
      if (!live || isFinished(live.market.peek())) return;
      const market = live.market.peek();
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const selection = trader.selectedSelection.value;
      if ((key === "ArrowUp" || key === "ArrowDown") && selection && market.selections.some((s) => s.id === selection)) {
        e.preventDefault();
        trader.ladder(live).step(selection, key === "ArrowUp" ? 1 : -1);
      } else if (key === "s" || key === "i") {
        e.preventDefault();
        const action = key === "s" ? trader.toggleSuspend(market) : trader.toggleInPlay(market);
        void action.then((error) => report(live.id, error));
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  if (!session.isAdmin.value) {
    return (
      <section class="admin" data-testid="admin-console">
        <h1 class="page-title">Trader console</h1>
        <p>{session.account.value ? "This console needs a trader session. Log out, then log in with the trader key." : "Log in with the trader key."}</p>
        {!session.account.value && <LoginForm trader />}
      </section>
    );
  }
  const markets = lobby.markets.value;
  const active = markets.filter((m) => !isFinished(m.market.value));
  const done = markets.filter((m) => isFinished(m.market.value));
  return (
    <section class="admin" data-testid="admin-console" aria-labelledby="admin-title">
      <h1 id="admin-title" class="page-title">
        Trader console
      </h1>
      <p class="shortcut-help" data-testid="admin-shortcuts">
        Keys, on the selected market (click it or Tab into it): <kbd>↑</kbd> <kbd>↓</kbd> one tick up or down on the focused
        price, <kbd>S</kbd> suspend or reopen, <kbd>I</kbd> in play on or off.
      </p>
      <CreateMarketForm />
      <h2 class="section-title">Markets</h2>
      {active.length === 0 && <p class="muted">No open markets.</p>}
      <div class="tm-list">
        {active.map((m) => (
          <TraderMarket key={m.id} live={m} error={errors.value[m.id] ?? null} report={report} />
        ))}
      </div>
      {done.length > 0 && (
        <details class="tm-done">
          <summary>Settled and voided ({done.length})</summary>
          <div class="tm-list">
            {done.map((m) => (
              <TraderMarket key={m.id} live={m} error={errors.value[m.id] ?? null} report={report} />
            ))}
          </div>
        </details>
      )}
    </section>
  );
}
