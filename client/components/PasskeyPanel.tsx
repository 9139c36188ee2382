// The account page's passkeys: how many the account has, and a button that
// adds one (the browser asks the person to make it). Only a registered
// account has passkeys; a guest's ends at logout.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { passkeyErrorText } from "../account-messages.ts";
import { useApp } from "../models/app-model.ts";
import { passkeySite } from "../models/passkey-site.ts";
import { PasskeyElsewhere } from "./PasskeyElsewhere.tsx";

export function PasskeyPanel() {
  const { session } = useApp();
  const count = useSignal<number | null>(null);
  const busy = useSignal(false);
  const message = useSignal<{ ok: boolean; text: string } | null>(null);
  const token = session.token.value;

  const load = async () => {
    try {
      count.value = (await session.api.peek().passkeys()).length;
    } catch {
      count.value = null;
    }
  };
  useEffect(() => void load(), [token]);

  const add = async () => {
    busy.value = true;
    message.value = null;
    try {
      await session.addPasskey();
      message.value = { ok: true, text: "Passkey added. You can now log in with it." };
      await load();
    } catch (err) {
      message.value = { ok: false, text: passkeyErrorText(err) };
    } finally {
      busy.value = false;
    }
  };

  const n = count.value;
  const site = passkeySite();
  return (
    <section class="account-part" aria-labelledby="passkeys-title" data-testid="account-passkeys">
      <h2 id="passkeys-title" class="section-title">
        Passkeys
      </h2>
      <p class="muted small" data-testid="passkey-count">
        {n === null ? "Log in with your device's screen lock instead of a password." : n === 0 ? "No passkeys yet." : `${n} passkey${n === 1 ? "" : "s"} on this account.`}
      </p>
      {site ? (
        <PasskeyElsewhere site={site} testId="account-passkey-elsewhere" />
      ) : (
        <button type="button" class="btn btn-ghost" disabled={busy.value} onClick={() => void add()} data-testid="account-add-passkey">
          Add a passkey
        </button>
      )}
      <div aria-live="polite" data-testid="passkey-result">
        {message.value && <p class={message.value.ok ? "form-ok" : "form-error"}>{message.value.text}</p>}
      </div>
    </section>
  );
}
