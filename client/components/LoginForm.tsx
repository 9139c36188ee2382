// Log in to a registered account (name and password, or a passkey), register
// one (with a password or a passkey), or play as a guest (a fresh demo
// balance, gone on logout); the trader console's form takes a name and the
// trader key instead.
import { useSignal } from "@preact/signals";
import { MIN_PASSWORD, SHORT_PASSWORD, accountErrorText, passkeyErrorText } from "../account-messages.ts";
import { useApp } from "../models/app-model.ts";
import { passkeySite } from "../models/passkey-site.ts";
import { PasskeyElsewhere } from "./PasskeyElsewhere.tsx";

type Action = "login" | "register" | "guest" | "trader" | "passkey" | "passkey-register";

export function LoginForm({ trader = false }: { trader?: boolean }) {
  const { session } = useApp();
  const name = useSignal("");
  const secret = useSignal("");
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);

  const run = async (action: Action) => {
    error.value = null;
    const who = name.value.trim();
    // A passkey names its account: logging in with one needs no name.
    if (who === "" && action !== "passkey") return void (error.value = "Enter a name.");
    if (action === "register" && [...secret.value.normalize("NFC")].length < MIN_PASSWORD) return void (error.value = SHORT_PASSWORD);
    if (action === "login" && secret.value === "") return void (error.value = "Enter your password, or play as a guest.");
    if (action === "trader" && secret.value === "") return void (error.value = "Enter the trader key.");
    busy.value = true;
    try {
      if (action === "login") await session.signIn(who, secret.value);
      else if (action === "register") await session.register(who, secret.value);
      else if (action === "passkey") await session.signInWithPasskey();
      else if (action === "passkey-register") await session.registerWithPasskey(who);
      else await session.login(who, action === "trader" ? secret.value : undefined);
    } catch (err) {
      if (action === "passkey" || action === "passkey-register") error.value = passkeyErrorText(err);
      else if (action === "trader") error.value = err instanceof Error ? err.message : "could not log in";
      else error.value = accountErrorText(err, action === "register" ? SHORT_PASSWORD : "Check the name and try again.");
    } finally {
      busy.value = false;
    }
  };

  const site = passkeySite();
  const idPrefix = trader ? "trader-login" : "login";
  const errorId = `${idPrefix}-error`;
  return (
    <form
      class="login"
      onSubmit={(e) => (e.preventDefault(), void run(trader ? "trader" : "login"))}
      noValidate
      data-testid={trader ? "admin-login" : "login-form"}
      aria-label={trader ? "Trader login" : "Log in"}
    >
      <label for={`${idPrefix}-name`}>Name</label>
      <input
        id={`${idPrefix}-name`}
        data-testid={trader ? "admin-login-name" : "login-name"}
        value={name.value}
        onInput={(e) => (name.value = e.currentTarget.value)}
        maxLength={40}
        required
        autoComplete={trader ? "nickname" : "username"}
        aria-describedby={error.value ? errorId : undefined}
      />
      <label for={`${idPrefix}-key`}>{trader ? "Trader key" : "Password"}</label>
      <input
        id={`${idPrefix}-key`}
        type="password"
        data-testid={trader ? "admin-login-key" : "login-password"}
        value={secret.value}
        onInput={(e) => (secret.value = e.currentTarget.value)}
        required={trader}
        autoComplete="current-password"
        aria-describedby={error.value ? errorId : undefined}
      />
      <button type="submit" class="btn btn-primary" disabled={busy.value} data-testid={trader ? "admin-login-submit" : "login-submit"}>
        {trader ? "Log in as trader" : "Log in"}
      </button>
      {!trader && (
        <>
          <button type="button" class="btn btn-ghost" disabled={busy.value} onClick={() => void run("register")} data-testid="login-register">
            Register
          </button>
          {site ? (
            <PasskeyElsewhere site={site} testId="login-passkey-elsewhere" />
          ) : (
            <>
              <button type="button" class="btn btn-ghost" disabled={busy.value} onClick={() => void run("passkey")} data-testid="login-passkey">
                Sign in with a passkey
              </button>
              <button type="button" class="btn btn-ghost" disabled={busy.value} onClick={() => void run("passkey-register")} data-testid="login-passkey-register">
                Register with a passkey
              </button>
            </>
          )}
          <button type="button" class="btn btn-ghost" disabled={busy.value} onClick={() => void run("guest")} data-testid="login-guest">
            Play as guest
          </button>
        </>
      )}
      {error.value && (
        <p id={errorId} class="form-error" role="alert" data-testid={trader ? "admin-login-error" : "login-error"}>
          {error.value}
        </p>
      )}
    </form>
  );
}
