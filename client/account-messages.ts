// Words for what the account routes refuse, as a punter should read them:
// what happened and what to do, never a code.
import { PasskeyCancelled } from "./passkey-browser.ts";
import { ApiError } from "./sdk/index.ts";

/** The server's shortest password (contract: 400 `INVALID` under it). */
export const MIN_PASSWORD = 10;

const SENTENCES: Record<string, string> = {
  NAME_TAKEN: "That name is taken. Log in if it is yours, or choose another.",
  UNAUTHENTICATED: "Wrong name or password.",
  RATE_LIMITED: "Too many attempts. Wait a minute, then try again.",
  SELF_EXCLUDED: "This account is self-excluded: it cannot log in, bet or deposit until the exclusion ends.",
  INSUFFICIENT_FUNDS: "That is more than your balance.",
  LIMIT_REACHED: "That would pass one of your limits.",
  NETWORK: "The server could not be reached. Check your connection and try again.",
};

/** `invalid` says what a 400 `INVALID` means where it was asked (a short password, a bad amount). */
export function accountErrorText(err: unknown, invalid = "Something in the form was not right."): string {
  if (!(err instanceof ApiError)) return "Something went wrong. Try again.";
  if (err.code === "INVALID") return invalid;
  return SENTENCES[err.code] ?? err.message;
}

export const SHORT_PASSWORD = `A password needs at least ${MIN_PASSWORD} characters.`;

/** What went wrong in a passkey ceremony, in the page's words. */
export function passkeyErrorText(err: unknown): string {
  if (err instanceof PasskeyCancelled) {
    return err.message === "unsupported" ? "This browser cannot use passkeys. Use your password." : "No passkey was used: it was cancelled, timed out, or there is none for this site on this device.";
  }
  if (err instanceof ApiError && err.code === "UNAUTHENTICATED") return "That passkey was not accepted. Try another, or log in with your password.";
  return accountErrorText(err, "The passkey could not be registered. Try again.");
}
