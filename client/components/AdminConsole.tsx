// The trader's console: create markets, and price, suspend, take in play and
// settle the book, from the mouse or the keys (arrows, S, I) shown on screen.
// Every market is a row of one grid, live over the book socket; the selected
// one opens beneath its row with its own socket (ladder, book, settlement).
import { useSignal } from "@preact/signals";
import { Fragment } from "preact";
import { useEffect } from "preact/hooks";
import { isFinished } from "../sdk/index.ts";
import { useApp } from "../models/app-model.ts";
import type { LiveMarket } from "../models/live-market.ts";
import { BookPager } from "./BookPager.tsx";
import { BookTotals } from "./BookTotals.tsx";
import { CreateMarketForm } from "./CreateMarketForm.tsx";
import { LoginForm } from "./LoginForm.tsx";
import { TableHead } from "./TableHead.tsx";
import { TraderMarket } from "./TraderMarket.tsx";
import { TraderRow } from "./TraderRow.tsx";

/** The grid's status filter: "active" is every market not settled or voided. */
const STATUS_FILTERS = [
  ["active", "Not settled"],
  ["open", "Open"],
  ["suspended", "Suspended"],
  ["closed", "Closed"],
  ["inplay", "In play"],
  ["settled", "Settled"],
  ["voided", "Voided"],
] as const;
type StatusFilter = (typeof STATUS_FILTERS)[number][0];

function matches(live: LiveMarket, status: StatusFilter, event: string): boolean {
  const m = live.market.value;
  if (event !== "" && !m.event.toLowerCase().includes(event)) return false;
  if (status === "active") return !isFinished(m);
  if (status === "inplay") return m.inPlay && !isFinished(m);
  return m.status === status;
}

/** What the totals are over: the grid's markets, the page's (when the book has several), as filtered. */
function scopeOf(pages: number, filtered: boolean): string {
  const where = pages > 1 ? "on this page" : "on screen";
  return filtered ? `${where} matching the filter` : where;
}

/** Typing in a field must never trigger a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

export function AdminConsole() {
  const { session, lobby, trader } = useApp();
  const errors = useSignal<Record<string, string>>({});
  const eventFilter = lobby.eventFilter;
  const statusFilter = useSignal<StatusFilter>("active");
  const report = (id: string, error: string | null) => {
    const next = { ...errors.value };
    if (error) next[id] = error;
    else delete next[id];
    errors.value = next;
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || document.querySelector("dialog[open]")) return;
      // On a row (not in a price), the arrows move along the grid; selection follows focus.
      if ((e.key === "ArrowUp" || e.key === "ArrowDown") && e.target instanceof HTMLElement && e.target.classList.contains("tg-row")) {
        const rows = [...(e.target.closest("tbody")?.querySelectorAll<HTMLElement>(".tg-row") ?? [])];
        const next = rows[rows.indexOf(e.target) + (e.key === "ArrowUp" ? -1 : 1)];
        e.preventDefault();
        next?.focus();
        return;
      }
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

  // The selected market holds its own socket (the ladder's confirmations, the book) while selected.
  const selected = trader.selectedId.value;
  useEffect(() => {
    if (selected === null) return;
    trader.selectedSelection.value = null;
    void lobby.open(selected);
    return () => lobby.leave(selected);
  }, [selected]);

  if (!session.isAdmin.value) {
    return (
      <section class="admin" data-testid="admin-console">
        <h1 class="page-title">Trader console</h1>
        <p>{session.account.value ? "This console needs a trader session. Log out, then log in with the trader key." : "Log in with the trader key."}</p>
        {!session.account.value && <LoginForm trader />}
      </section>
    );
  }
  const event = eventFilter.value.trim().toLowerCase();
  const all = [...lobby.markets.value, ...lobby.finished.value];
  const rows = all.filter((m) => matches(m, statusFilter.value, event));
  // With the default filter, finished markets wait in a folded list below, as before.
  const done = statusFilter.value === "active" ? lobby.finished.value.filter((m) => matches(m, "settled", event) || matches(m, "voided", event)) : [];
  const selectedId = trader.selectedId.value;
  const grid = (list: LiveMarket[], label: string) => (
    <div class="tg-wrap">
      <table class="tg" aria-label={label}>
        <TableHead columns={["Market", "Status", "Prices", "Action"]} />
        <tbody>
          {list.map((m) => (
            <Fragment key={m.id}>
              <TraderRow live={m} selected={m.id === selectedId} report={report} />
              {m.id === selectedId && (
                <tr class="tg-detail">
                  <td colSpan={4}>
                    <TraderMarket live={m} error={errors.value[m.id] ?? null} report={report} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <section class="admin" data-testid="admin-console" aria-labelledby="admin-title">
      <h1 id="admin-title" class="page-title">
        Trader console
      </h1>
      <p class="shortcut-help" data-testid="admin-shortcuts">
        Keys, on the selected market (click its row or Tab into it): <kbd>↑</kbd> <kbd>↓</kbd> one tick up or down on the
        focused price (on a row: the market above or below), <kbd>S</kbd> suspend or reopen, <kbd>I</kbd> in play on or off.
      </p>
      <CreateMarketForm />
      <h2 class="section-title">Markets</h2>
      <div class="tg-filters">
        <div class="field">
          <label for="admin-filter-event">Event</label>
          <input
            id="admin-filter-event"
            type="search"
            value={eventFilter.value}
            onInput={(e) => (eventFilter.value = e.currentTarget.value)}
            data-testid="admin-filter-event"
          />
        </div>
        <div class="field">
          <label for="admin-filter-status">Status</label>
          <select
            id="admin-filter-status"
            value={statusFilter.value}
            onChange={(e) => (statusFilter.value = e.currentTarget.value as StatusFilter)}
            data-testid="admin-filter-status"
          >
            {STATUS_FILTERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <p class="muted small" data-testid="admin-shown" aria-live="polite">
          {rows.length} of {all.length} markets
        </p>
      </div>
      <BookPager lobby={lobby} />
      <BookTotals markets={rows} figures={lobby.figures.value} scope={scopeOf(lobby.pageCount.value, event !== "" || statusFilter.value !== "active")} />
      {rows.length === 0 ? <p class="muted">No markets match.</p> : grid(rows, "Markets")}
      {done.length > 0 && (
        <details class="tm-done">
          <summary>Settled and voided ({done.length})</summary>
          {grid(done, "Settled and voided markets")}
        </details>
      )}
    </section>
  );
}
