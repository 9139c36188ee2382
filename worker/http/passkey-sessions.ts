// Passkeys as a second way in: the options a browser needs for a ceremony,
// and the ceremonies' ends (a new account, a passkey added to an account, a
// login), each under the same limits as its password twin. The relying party
// is this server: its origins are ALLOWED_ORIGINS (else its own), and its RP
// ID is the host of the origin the ceremony runs on.
import type { Context } from "hono";
import { accountKey, displayName } from "../account/account-name.ts";
import { CHALLENGE_TTL_MS, ChallengePurpose, issueChallenge, openChallenge } from "../account/passkey-challenge.ts";
import { PASSKEY_ALGORITHMS, checkAssertion, checkRegistration, toBase64url } from "../account/passkey-verify.ts";
import { signingSecret } from "../config.ts";
import { ErrorCode, fail } from "../errors.ts";
import { log } from "../log.ts";
import { Role } from "../protocol/codes.ts";
import type { AuthenticationCredential, CreationOptions, RegistrationCredential, RequestOptions } from "../protocol/passkeys.ts";
import type { AccountId } from "../protocol/units.ts";
import { openSession, spendLoginAttempt, spendPasswordAttempt } from "./account-sessions.ts";
import type { AppEnv } from "./context.ts";
import { accountObject } from "./stubs.ts";
import type { SessionClaims } from "./tokens.ts";
import { unwrap } from "./unwrap.ts";

const RP_NAME = "Edgebook";
const ACCT = "acct-";

/**
 * The origins a ceremony may run on, and the RP ID for this request: the host
 * of its Origin when that is one of them (a browser always sends Origin on a
 * POST), else of the first.
 */
export function relyingParty(c: Context<AppEnv>): { origins: string[]; rpId: string } {
  const allowed = c.get("config").allowedOrigins;
  const origins = allowed.length > 0 ? allowed : [new URL(c.req.url).origin];
  const origin = c.req.header("origin");
  return { origins, rpId: new URL(origin !== undefined && origins.includes(origin) ? origin : origins[0]).hostname };
}

/**
 * The user handle of an account: the 32 bytes its key is the hex of (the
 * SHA-256 of its folded name). A discoverable passkey gives it back at login,
 * which names the account's object without any index. It tells nothing the
 * authenticator does not hold already: it keeps the name beside it.
 */
const userHandle = (acct: string): Uint8Array => Uint8Array.from(acct.slice(ACCT.length).match(/../g) ?? [], (h) => parseInt(h, 16));
const accountOfHandle = (handle: Uint8Array | null): string | null =>
  handle?.byteLength === 32 ? ACCT + [...handle].map((b) => b.toString(16).padStart(2, "0")).join("") : null;

async function creationOptions(c: Context<AppEnv>, purpose: ChallengePurpose, acct: string, name: string, exclude: string[]): Promise<{ publicKey: CreationOptions }> {
  const challenge = await issueChallenge(signingSecret(c.get("config")), purpose, acct);
  return {
    publicKey: {
      rp: { id: relyingParty(c).rpId, name: RP_NAME },
      user: { id: toBase64url(userHandle(acct)), name, displayName: name },
      challenge: toBase64url(challenge),
      pubKeyCredParams: PASSKEY_ALGORITHMS.map((alg) => ({ type: "public-key" as const, alg })),
      timeout: CHALLENGE_TTL_MS,
      excludeCredentials: exclude.map((id) => ({ type: "public-key" as const, id })),
      // A discoverable credential (so a login needs no name), and user verification required:
      // a passkey stands alone for the account, so it must be two factors (the device and its PIN or biometric).
      authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
      attestation: "none",
    },
  };
}

/** Options to register `name` as a new account with a passkey; 409 if the name is taken. */
export async function registerOptions(c: Context<AppEnv>, name: string) {
  const acct = await accountKey(name);
  if (await accountObject(c.env, acct).taken()) fail(ErrorCode.NAME_TAKEN, "that name is taken");
  return creationOptions(c, ChallengePurpose.REGISTER, acct, displayName(name), []);
}

/** Register `name` with the passkey the browser made: a new account with no password, and its first session. */
export async function registerWithPasskey(c: Context<AppEnv>, name: string, credential: RegistrationCredential) {
  await spendPasswordAttempt(c);
  const acct = await accountKey(name);
  const checked = await checkRegistration(credential, relyingParty(c).origins);
  if (!checked.ok) refuse("register", checked.why);
  const challenge = await openChallenge(signingSecret(c.get("config")), checked.value.challenge, ChallengePurpose.REGISTER, acct);
  if (!challenge) refuse("register", "the challenge is expired, not this server's, or for another name");
  const id = `acc-${crypto.randomUUID()}` as AccountId;
  const identity = unwrap(await accountObject(c.env, acct).registerWithPasskey(id, displayName(name), checked.value.passkey, challenge));
  return openSession(c, { id: identity.id as AccountId, name: identity.name, role: Role.PUNTER, acct });
}

/** Options to add a passkey to the session's account (a registered one; a guest has no account to keep it). */
export async function addOptions(c: Context<AppEnv>, session: SessionClaims) {
  const acct = registeredAccount(session);
  const existing = await accountObject(c.env, acct).passkeys();
  return creationOptions(c, ChallengePurpose.ADD, acct, session.name, existing.map((p) => p.id));
}

export async function addPasskey(c: Context<AppEnv>, session: SessionClaims, credential: RegistrationCredential) {
  const acct = registeredAccount(session);
  const checked = await checkRegistration(credential, relyingParty(c).origins);
  if (!checked.ok) refuse("add", checked.why);
  const challenge = await openChallenge(signingSecret(c.get("config")), checked.value.challenge, ChallengePurpose.ADD, acct);
  if (!challenge) refuse("add", "the challenge is expired, not this server's, or for another account");
  return unwrap(await accountObject(c.env, acct).addPasskey(checked.value.passkey, challenge));
}

export function passkeysOf(c: Context<AppEnv>, session: SessionClaims) {
  return accountObject(c.env, registeredAccount(session)).passkeys();
}

/** Options for a login: a fresh challenge and no credential list (that would tell who has passkeys). */
export async function loginOptions(c: Context<AppEnv>): Promise<{ publicKey: RequestOptions }> {
  const challenge = await issueChallenge(signingSecret(c.get("config")), ChallengePurpose.LOGIN, "");
  return { publicKey: { challenge: toBase64url(challenge), rpId: relyingParty(c).rpId, timeout: CHALLENGE_TTL_MS, userVerification: "required", allowCredentials: [] } };
}

/**
 * Log in with a passkey: the same limits as a password login (per address,
 * then per account before the signature is checked), one 401 for every
 * failure, and a session opened as a password login's (so a self-excluded
 * account is refused 403 by its wallet).
 */
export async function passkeyLogin(c: Context<AppEnv>, credential: AuthenticationCredential) {
  await spendPasswordAttempt(c);
  const checked = await checkAssertion(credential, relyingParty(c).origins);
  if (!checked.ok) return refuse("login", checked.why);
  const acct = accountOfHandle(checked.value.userHandle);
  if (!acct) return refuse("login", "the assertion names no account (no user handle)");
  await spendLoginAttempt(c, acct);
  const challenge = await openChallenge(signingSecret(c.get("config")), checked.value.challenge, ChallengePurpose.LOGIN, "");
  if (!challenge) return refuse("login", "the challenge is expired or not this server's");
  const identity = await accountObject(c.env, acct).passkeyLogin(checked.value, challenge);
  if (!identity) return refuse("login", "unknown passkey, bad signature, counter not advanced, or challenge used");
  return openSession(c, { id: identity.id as AccountId, name: identity.name, role: Role.PUNTER, acct });
}

function registeredAccount(session: SessionClaims): string {
  if (session.acct === undefined) return fail(ErrorCode.FORBIDDEN, "only a registered account can have passkeys; register one first");
  return session.acct;
}

/**
 * A ceremony that failed its checks: a login gets the one 401 a wrong password
 * gets; a registration 400 with the reason (the browser made it, nothing
 * secret is told). The reason is logged either way.
 */
function refuse(ceremony: "register" | "add" | "login", why: string): never {
  log.info("passkey.refused", { ceremony, why });
  if (ceremony === "login") fail(ErrorCode.UNAUTHENTICATED, "that passkey was not accepted");
  fail(ErrorCode.INVALID, `the passkey was not accepted: ${why}`);
}
