// The account object: one per account name (named by accountKey), holding the
// account id the wallet is keyed on, the password hash and the revoked
// sessions. The hash never leaves this object: its methods answer with the
// account's id and name only.
import { DurableObject } from "cloudflare:workers";
import { ErrorCode } from "../protocol/codes.ts";
import { type Result, ok, refused } from "../rules/result.ts";
import { AccountStore } from "./account-store.ts";
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
    const matches = await verifyPassword(password, record?.passwordHash ?? DUMMY_HASH);
    if (!record || !matches) return null;
    if (needsRehash(record.passwordHash)) this.#open().setPasswordHash(await hashPassword(password));
    return { id: record.accountId, name: record.name };
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
