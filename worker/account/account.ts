// The account object: one per account name (named by accountKey), holding the
// account id the wallet is keyed on, the password hash, the passkeys and the
// revoked sessions. The hash and the keys never leave this object: its methods
// answer with the account's id and name, and a passkey's id and dates.
import { DurableObject } from "cloudflare:workers";
import { log } from "../log.ts";
import { ErrorCode } from "../protocol/codes.ts";
import type { Passkey } from "../protocol/passkeys.ts";
import { type Result, ok, refused } from "../rules/result.ts";
import { AccountStore, type PasskeyRecord } from "./account-store.ts";
import type { OpenedChallenge } from "./passkey-challenge.ts";
import { type Assertion, type StoredPasskey, counterAdvances, verifySignature } from "./passkey-verify.ts";
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from "./password.ts";

export interface AccountIdentity {
  id: string;
  name: string;
}

export class Account extends DurableObject<Env> {
  #store: AccountStore | null = null;

  /**
   * Register `name` with `password` for the account `accountId`. The hash is
   * computed before the transaction; the insert inside it fails if another
   * registration got there first, whatever ran during the KDF.
   */
  async register(accountId: string, name: string, password: string): Promise<Result<AccountIdentity>> {
    if (this.#existing()?.account()) return refused(ErrorCode.NAME_TAKEN, "that name is taken");
    const passwordHash = await hashPassword(password);
    const store = this.#open();
    const created = store.transact(() => {
      if (store.account()) return false;
      store.create({ accountId, name, passwordHash }, Date.now());
      return true;
    });
    if (!created) return refused(ErrorCode.NAME_TAKEN, "that name is taken");
    return ok({ id: accountId, name });
  }

  /**
   * The account, if `password` is its password; null for a wrong password and
   * for a name with no account alike. Both run the KDF once, so neither the
   * answer nor its time tells them apart.
   */
  async login(password: string): Promise<AccountIdentity | null> {
    const record = this.#existing()?.account() ?? null;
    // An account made with a passkey alone has no hash (""): it costs the same KDF and matches nothing.
    const matches = await verifyPassword(password, record?.passwordHash || DUMMY_HASH);
    if (!record || !matches) return null;
    if (needsRehash(record.passwordHash)) this.#open().setPasswordHash(await hashPassword(password));
    return { id: record.accountId, name: record.name };
  }

  /** Is this name an account's? Reads only. */
  taken(): boolean {
    return this.#existing()?.account() != null;
  }

  /**
   * Register `name` for `accountId` with a passkey alone (its password hash
   * empty, so no password matches). The challenge's use is recorded in the
   * same transaction, so a registration is taken once.
   */
  registerWithPasskey(accountId: string, name: string, passkey: StoredPasskey, challenge: OpenedChallenge): Result<AccountIdentity> {
    const store = this.#open();
    const now = Date.now();
    return store.transact((): Result<AccountIdentity> => {
      if (store.account()) return refused(ErrorCode.NAME_TAKEN, "that name is taken");
      if (!store.useChallenge(challenge.nonce, challenge.expiresAt, now)) return refused(ErrorCode.INVALID, USED);
      store.create({ accountId, name, passwordHash: "" }, now);
      store.addPasskey(passkey, now);
      return ok({ id: accountId, name });
    });
  }

  /** Add a passkey to this (existing) account. */
  addPasskey(passkey: StoredPasskey, challenge: OpenedChallenge): Result<Passkey> {
    const store = this.#existing();
    if (!store?.account()) return refused(ErrorCode.NOT_FOUND, "no such account");
    const now = Date.now();
    return store.transact((): Result<Passkey> => {
      if (!store.useChallenge(challenge.nonce, challenge.expiresAt, now)) return refused(ErrorCode.INVALID, USED);
      if (!store.addPasskey(passkey, now)) return refused(ErrorCode.INVALID, "that passkey is on the account already");
      return ok(shown(store.passkey(passkey.id)!));
    });
  }

  /** The account's passkeys: ids and dates, never keys. */
  passkeys(): Passkey[] {
    return (this.#existing()?.passkeys() ?? []).map(shown);
  }

  /**
   * The account, if `assertion` is signed by one of its passkeys, its counter
   * moved on, and its challenge was not used; null otherwise (one answer for
   * every failure, as for a wrong password). The signature is checked before
   * the transaction; the counter and the challenge are read again inside it,
   * since other calls may run while Web Crypto works (only storage holds the
   * input gate shut).
   */
  async passkeyLogin(assertion: Assertion, challenge: OpenedChallenge): Promise<AccountIdentity | null> {
    const store = this.#existing();
    const record = store?.account();
    const passkey = store?.passkey(assertion.credentialId);
    if (!store || !record || !passkey || !(await verifySignature(passkey, assertion))) return null;
    const now = Date.now();
    return store.transact(() => {
      const current = store.passkey(passkey.id)!;
      if (!counterAdvances(current.counter, assertion.counter)) {
        log.warn("passkey.counter", { credential: passkey.id.slice(0, 16), stored: current.counter, given: assertion.counter });
        return null;
      }
      if (!store.useChallenge(challenge.nonce, challenge.expiresAt, now)) return null;
      store.passkeyUsed(passkey.id, assertion.counter, now);
      return { id: record.accountId, name: record.name };
    });
  }

  /** Refuse the session `jti` from now until it expires (`expiresAt`, ms). */
  revoke(jti: string, expiresAt: number): void {
    this.#open().revoke(jti, expiresAt, Date.now());
  }

  /** Is the session `jti` still good (not logged out)? */
  live(jti: string): boolean {
    return !(this.#existing()?.isRevoked(jti) ?? false);
  }

  /** The store if this object's database exists; an unknown name's object never creates one. */
  #existing(): AccountStore | null {
    if (!this.#store && AccountStore.exists(this.ctx.storage)) this.#store = new AccountStore(this.ctx.storage);
    return this.#store;
  }

  #open(): AccountStore {
    return (this.#store ??= new AccountStore(this.ctx.storage));
  }
}

const USED = "that passkey challenge was used already; start again";

const shown = (p: PasskeyRecord): Passkey => ({ id: p.id, createdAt: p.createdAt, ...(p.lastUsedAt === null ? {} : { lastUsedAt: p.lastUsedAt }) });
