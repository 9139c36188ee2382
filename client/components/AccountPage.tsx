// The account page: who is logged in and the balance, money in and out, the
// statement, limits, self-exclusion, passkeys (a registered account's), and the account's bets (My bets' own
// model and list). A part whose route the server lacks says so and the rest works.
import type { ComponentChildren } from "preact";
import { useEffect, useMemo } from "preact/hooks";
import { formatMoney } from "../format.ts";
import { useApp } from "../models/app-model.ts";
import { WalletMoves, type Availability } from "../models/wallet-moves.ts";
import { ExclusionForm } from "./ExclusionForm.tsx";
import { LimitsForm } from "./LimitsForm.tsx";
import { LoginForm } from "./LoginForm.tsx";
import { MoneyForm } from "./MoneyForm.tsx";
import { MyBetsPage } from "./MyBetsPage.tsx";
import { PasskeyPanel } from "./PasskeyPanel.tsx";
import { StatementTable } from "./StatementTable.tsx";

function Part({ id, title, state, children }: { id: string; title: string; state: Availability; children: ComponentChildren }) {
  return (
    <section class="account-part" aria-labelledby={`${id}-title`} data-testid={`account-${id}`} data-state={state}>
      <h2 id={`${id}-title`} class="section-title">
        {title}
      </h2>
      {state === "unavailable" ? (
        <p class="muted" data-testid={`${id}-unavailable`}>
          Not available on this server.
        </p>
      ) : (
        children
      )}
    </section>
  );
}

export function AccountPage() {
  const { session } = useApp();
  const wallet = useMemo(() => new WalletMoves(session), [session]);
  const token = session.token.value;
  const account = session.account.value;
  useEffect(() => {
    if (token) void wallet.load();
  }, [token]);

  if (!token || !account) return <Page>{session.checking.value ? <p class="muted">Checking your session…</p> : <LoginForm />}</Page>;
  if (!session.isPunter.value) {
    return (
      <Page>
        <p class="muted">A trader session has no wallet: log in as a punter to see an account.</p>
      </Page>
    );
  }
  return (
    <Page>
      <p class="account-summary">
        <span data-testid="account-page-name">{account.name}</span>
        {session.kind.value === "guest" && <span class="muted"> (guest: this account ends when you log out)</span>}
        <span class="account-balance">
          Balance <strong data-testid="account-balance">{formatMoney(account.balance)}</strong>
        </span>
      </p>
      <Part id="money" title="Deposit and withdraw" state={wallet.money.value}>
        <div class="money-forms">
          <MoneyForm move={wallet.deposit} />
          <MoneyForm move={wallet.withdraw} />
        </div>
      </Part>
      <Part id="statement" title="Statement" state={wallet.statementState.value}>
        <StatementTable wallet={wallet} />
      </Part>
      <Part id="limits" title="Limits" state={wallet.limitsState.value}>
        <LimitsForm wallet={wallet} />
      </Part>
      <Part id="exclusion" title="Self-exclusion" state={wallet.exclusionState.value}>
        <ExclusionForm wallet={wallet} />
      </Part>
      {session.kind.value === "account" && <PasskeyPanel />}
      <MyBetsPage embedded />
    </Page>
  );
}

function Page({ children }: { children: ComponentChildren }) {
  return (
    <section class="account-page" data-testid="account-page" aria-labelledby="account-title">
      <h1 id="account-title" class="page-title">
        Account
      </h1>
      {children}
    </section>
  );
}
