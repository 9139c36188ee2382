// Log in with a name (a punter with a fresh balance), or with a name and the
// trader key (an admin session).
import { useSignal } from "@preact/signals";
import { useApp } from "../models/app-model.ts";

export function LoginForm({ trader = false }: { trader?: boolean }) {
  const { session } = useApp();
  const name = useSignal("");
  const key = useSignal("");
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      await session.login(name.value.trim(), trader ? key.value : undefined);
    } catch (err) {
      error.value = err instanceof Error ? err.message : "could not log in";
    } finally {
      busy.value = false;
    }
  };

  const idPrefix = trader ? "trader-login" : "login";
  return (
    <form class="login" onSubmit={submit} data-testid={trader ? "admin-login" : "login-form"}>
      <label for={`${idPrefix}-name`}>Name</label>
      <input
        id={`${idPrefix}-name`}
        data-testid={trader ? "admin-login-name" : "login-name"}
        value={name.value}
        onInput={(e) => (name.value = e.currentTarget.value)}
        maxLength={40}
        required
        autoComplete="nickname"
      />
      {trader && (
        <>
          <label for={`${idPrefix}-key`}>Trader key</label>
          <input
            id={`${idPrefix}-key`}
            type="password"
            data-testid="admin-login-key"
            value={key.value}
            onInput={(e) => (key.value = e.currentTarget.value)}
            required
            autoComplete="current-password"
          />
        </>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy.value} data-testid={trader ? "admin-login-submit" : "login-submit"}>
        {trader ? "Log in as trader" : "Log in"}
      </button>
      {error.value && (
        <p class="form-error" role="alert" data-testid={trader ? "admin-login-error" : "login-error"}>
          {error.value}
        </p>
      )}
    </form>
  );
}
