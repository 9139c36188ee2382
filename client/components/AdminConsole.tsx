// The trader's console: create markets, and price, suspend, take in play and
// settle the book. "s" suspends or reopens the selected market.
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
      if (e.key.toLowerCase() !== "s" || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (document.querySelector("dialog[open]")) return;
      const live = trader.selectedId.value ? lobby.get(trader.selectedId.value) : undefined;
      if (!live || isFinished(live.market.peek())) return;
      e.preventDefault();
      void trader.toggleSuspend(live.market.peek()).then((error) => report(live.id, error));
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
        Keyboard: select a market (click it or Tab into it), then press <kbd>S</kbd> to suspend or reopen it.
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
