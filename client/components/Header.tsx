// The top bar: brand, navigation (the Trader tab for trader sessions only),
// odds format, connection, balance and account.
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
            <BalanceBadge />
            <button type="button" class="btn btn-ghost" onClick={() => session.logout()} data-testid="logout">
              Log out
            </button>
          </div>
        ) : (
          // The trader console has its own login, with the key: one form per page.
          route !== "trader" && <LoginForm />
        )}
      </div>
    </header>
  );
}
