// The top bar: brand, navigation (the Account tab for punters, the Trader tab
// for trader sessions only), odds format, connection, balance and who is logged in.
import { BalanceBadge } from "./BalanceBadge.tsx";
import { ConnectionBadge } from "./ConnectionBadge.tsx";
import { LoginForm } from "./LoginForm.tsx";
import { OddsFormatSwitch } from "./OddsFormatSwitch.tsx";
import { useApp } from "../models/app-model.ts";
import { href } from "../models/router.ts";

export function Header() {
  const { session, lobby, router } = useApp();
  const route = router.route.value.name;
  const account = session.account.value;
  const current = (name: string) => (route === name || (name === "markets" && route === "market") ? "page" : undefined);
  return (
    <header class="topbar">
      <div class="topbar-row">
        <a class="brand" href={href.markets}>
          Edge<span>book</span>
        </a>
        <nav class="nav" aria-label="Main">
          <a href={href.markets} aria-current={current("markets")} data-testid="nav-markets">
            Markets
          </a>
          <a href={href.bets} aria-current={current("bets")} data-testid="nav-bets">
            My bets
          </a>
          {session.isPunter.value && (
            <a href={href.account} aria-current={current("account")} data-testid="nav-account">
              Account
            </a>
          )}
          {session.isAdmin.value && (
            <a href={href.trader} aria-current={current("trader")} data-testid="nav-trader">
              Trader
            </a>
          )}
        </nav>
        <div class="topbar-tools">
          <ConnectionBadge state={lobby.connection} testId="connection-status" announce />
          <OddsFormatSwitch />
        </div>
      </div>
      <div class="topbar-row account-row">
        {account ? (
          <div class="account">
            <span class="account-name" data-testid="account-name">
              {account.name}
              {account.role === "admin" && <span class="role-tag">Trader</span>}
            </span>
            {account.role !== "admin" && session.kind.value === "guest" && (
              <span class="role-tag role-guest" data-testid="guest-tag">
                guest
              </span>
            )}
            <BalanceBadge />
            <button type="button" class="btn btn-ghost" onClick={() => void session.logout()} data-testid="logout">
              Log out
            </button>
          </div>
        ) : session.checking.value ? (
          <span class="muted small">Checking your session…</span>
        ) : (
          // The trader console, My bets and the account page have their own login: one form per page.
          route !== "trader" && route !== "account" && route !== "bets" && <LoginForm />
        )}
      </div>
    </header>
  );
}
