// Opening sessions: a guest's (a new account each time), and a registered
// account's by name and password, with the login limits that stand before
// the password hash is ever computed.
import type { Context } from "hono";
import { accountKey, displayName } from "../account/account-name.ts";
import { signingSecret } from "../config.ts";
import { ErrorCode, fail } from "../errors.ts";
import { Role } from "../protocol/codes.ts";
import type { Account } from "../protocol/schemas.ts";
import type { AccountId } from "../protocol/units.ts";
import { clientAddress } from "./client-address.ts";
import type { AppEnv } from "./context.ts";
import { accountObject, allow, wallet } from "./stubs.ts";
import { SESSION_TTL_MS, nowSeconds, sign } from "./tokens.ts";
import { unwrap } from "./unwrap.ts";

export const STARTING_BALANCE = 100_000;

/**
 * Login limits, counted per attempt before the KDF runs (so parallel attempts
 * cannot slip past a count of failures still being computed): password
 * logins and registrations per client address, and password logins per
 * account name, whether or not the name has an account.
 */
export const LoginLimit = {
  WINDOW_MS: 15 * 60 * 1000,
  PER_ADDRESS: 20,
  PER_ACCOUNT: 10,
} as const;

interface SessionOf {
  id: AccountId;
  name: string;
  role: Role;
  /** The account object's key, for a registered account. */
  acct?: string;
}

/** Open (or find) the account's wallet and sign a session for it. */
export async function openSession(c: Context<AppEnv>, who: SessionOf): Promise<{ token: string; account: Account }> {
  const grant = who.role === Role.PUNTER ? STARTING_BALANCE : 0;
  // Idempotent: a registered account's wallet was opened at registration; a
  // registration cut off between its two calls gets its wallet at the next login.
  const account = unwrap(await wallet(c.env, who.id).open(who.id, who.name, who.role, grant));
  const now = nowSeconds();
  // Every session has an id for logout to revoke; a registered one also names its account object, which keeps the revoked ids (a guest's wallet keeps its own).
  const registered = who.acct === undefined ? {} : { acct: who.acct };
  const claims = { typ: "session", sub: who.id, name: who.name, role: who.role, iat: now, exp: now + SESSION_TTL_MS / 1000, jti: crypto.randomUUID(), ...registered } as const;
  return { token: await sign(claims, signingSecret(c.get("config"))), account };
}

/** Register `name` with `password`: a new account and its first session. */
export async function register(c: Context<AppEnv>, name: string, password: string) {
  await spendPasswordAttempt(c);
  const acct = await accountKey(name);
  const id = `acc-${crypto.randomUUID()}` as AccountId;
  const identity = unwrap(await accountObject(c.env, acct).register(id, displayName(name), password));
  return openSession(c, { id: identity.id as AccountId, name: identity.name, role: Role.PUNTER, acct });
}

/**
 * Log in by name and password. A wrong password and a name with no account
 * get the same 401, after the same KDF work; a name over its limit gets 429
 * whether it has an account or not, and whatever the password.
 */
export async function passwordLogin(c: Context<AppEnv>, name: string, password: string) {
  await spendPasswordAttempt(c);
  const acct = await accountKey(name);
  await spendLoginAttempt(c, acct);
  const identity = await accountObject(c.env, acct).login(password);
  if (!identity) fail(ErrorCode.UNAUTHENTICATED, "wrong name or password");
  return openSession(c, { id: identity.id as AccountId, name: identity.name, role: Role.PUNTER, acct });
}

/** One login attempt on the account `acct` (by password or passkey), or 429. */
export async function spendLoginAttempt(c: Context<AppEnv>, acct: string): Promise<void> {
  if (!(await allow(c.env, `login:${acct}`, "login", LoginLimit.PER_ACCOUNT, LoginLimit.WINDOW_MS))) {
    fail(ErrorCode.RATE_LIMITED, "too many logins for this account; try again later");
  }
}

/** One login or registration attempt from this client address (by password or passkey), or 429. */
export async function spendPasswordAttempt(c: Context<AppEnv>): Promise<void> {
  if (!(await allow(c.env, clientAddress(c.req.raw), "password", LoginLimit.PER_ADDRESS, LoginLimit.WINDOW_MS))) {
    fail(ErrorCode.RATE_LIMITED, "too many password attempts from this address; try again later");
  }
}
