// The app shell: header, the page for the current hash route, and the bet
// slip beside the prices (a sheet over them on a phone).
//
// data-testid attributes for end-to-end tests:
//   header:   connection-status (data-state = live|connecting|reconnecting|stale|closed|idle),
//             odds-format, balance, account-name, guest-tag, logout, nav-markets, nav-bets, nav-account,
//             nav-trader, login-form, login-name, login-password, login-submit (password login),
//             login-register, login-passkey, login-passkey-register, login-guest, login-error
//   account:  account-page, account-page-name, account-balance, account-<money|statement|limits|exclusion>
//             (data-state = unknown|available|unavailable), <part>-unavailable,
//             deposit-/withdraw- form, amount, submit, result, retry; statement, statement-row-<seq>,
//             statement-more; limits-form, limit-<name>, limits-submit, limits-result, limits-pending;
//             exclusion-form, exclusion-days, exclusion-submit, exclusion-result, exclusion-confirm-dialog,
//             exclusion-confirm-ok, exclusion-confirm-cancel; account-passkeys, passkey-count,
//             account-add-passkey, passkey-result; and my bets' ids below
//   markets:  market-list, markets-error, market-card-<id> (data-status), market-link-<id>,
//             odds-<marketId>-<selectionId>, inplay-badge-<id>, status-badge-<id>,
//             suspended-overlay, closed-overlay, settled-overlay, voided-overlay
//   market:   market-view-<id>, market-not-found, market-connection (data-state), viewers,
//             odds-chart-<marketId>-<selectionId>
//   slip:     bet-slip, slip-bar, slip-clear, slip-close, accept-policy, slip-entry-<marketId>-<selectionId>,
//             and inside each entry: slip-price, price-change (data-direction = up|down), old-price,
//             new-price, accept-price, quick-stake-<amount>, slip-remove, stake-input, potential-return,
//             place-bet, slip-problem, bet-outcome (aria-live; data-phase = draft|sending|
//             pending|accepted|rejected|failed), bet-countdown, take-price, new-bet, retry-bet
//   my bets:  my-bets, bets-refresh, bets-profit, open-bets, settled-bets, rejected-bets, bet-row-<betId>
//   trader:   admin-console, admin-login, admin-login-name, admin-login-key, admin-login-submit,
//             admin-login-error, admin-shortcuts, admin-create-form, admin-new-id, admin-new-name,
//             admin-new-event, admin-sel-id-<i>, admin-sel-name-<i>, admin-sel-odds-<i>,
//             admin-add-selection, admin-new-delay, admin-new-min-stake, admin-new-max-stake,
//             admin-new-max-payout, admin-create-submit, admin-create-result,
//             admin-market-<id> (data-status), admin-connection-<id>, admin-error-<id>,
//             admin-odds-<m>-<s>, admin-price-<m>-<s>, admin-odds-down-<m>-<s>, admin-odds-up-<m>-<s>,
//             admin-odds-input-<m>-<s>, admin-odds-set-<m>-<s>, admin-suspend-<id>, admin-close-<id>,
//             admin-delay-<id>, admin-inplay-<id>, admin-delay-apply-<id>, admin-winner-<id>,
//             admin-settle-<id>, admin-void-<id>, admin-confirm-dialog, admin-confirm-ok,
//             admin-confirm-cancel,
//             admin-exposure-<id>, admin-exposure-row-<m>-<s> (data-profit in cents, data-worst),
//             admin-exposure-total-<id> (data-total-stake in cents, data-pending), admin-exposure-<id> data-stale,
//             admin-totals (data-markets, data-staked, data-bets, data-pending, data-worst in cents),
//             admin-totals-staked, admin-totals-worst, admin-totals-bets
import { AccountPage } from "./components/AccountPage.tsx";
import { AdminConsole } from "./components/AdminConsole.tsx";
import { BetSlipPanel } from "./components/BetSlipPanel.tsx";
import { Header } from "./components/Header.tsx";
import { MarketList } from "./components/MarketList.tsx";
import { MarketView } from "./components/MarketView.tsx";
import { MyBetsPage } from "./components/MyBetsPage.tsx";
import { SlipBar } from "./components/SlipBar.tsx";
import { useApp } from "./models/app-model.ts";

export function App() {
  const { router, slip } = useApp();
  const route = router.route.value;
  const withSlip = route.name === "markets" || route.name === "market";
  const sheet = withSlip && slip.sheetOpen.value;
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        Skip to content
      </a>
      <Header />
      <div class={withSlip ? "layout layout-slip" : "layout"}>
        <main id="main" tabIndex={-1}>
          {route.name === "markets" && <MarketList />}
          {route.name === "market" && <MarketView id={route.id} />}
          {route.name === "bets" && <MyBetsPage />}
          {route.name === "account" && <AccountPage />}
          {route.name === "trader" && <AdminConsole />}
        </main>
        {withSlip && (
          <aside class={sheet ? "aside sheet-open" : "aside"} aria-label="Bet slip" onKeyDown={(e) => e.key === "Escape" && (slip.sheetOpen.value = false)}>
            <BetSlipPanel />
          </aside>
        )}
      </div>
      {sheet && <div class="sheet-backdrop" aria-hidden="true" onClick={() => (slip.sheetOpen.value = false)} />}
      {withSlip && <SlipBar />}
    </>
  );
}
