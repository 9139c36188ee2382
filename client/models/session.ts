// The session and the wallet behind it: the token (kept in localStorage, so a
// reload keeps it), how it was opened (a registered account, a guest or a
// trader), the account and its balance. Balance moves come from `balance` frames and /api/me.
import { batch, computed, signal } from "@preact/signals";
import { Role } from "../../worker/protocol/codes.ts";
import type { Account } from "../../worker/protocol/schemas.ts";
import { createPasskey, getPasskey } from "../passkey-browser.ts";
import { ApiError, EdgebookApi } from "../sdk/index.ts";
import { load, save } from "./storage.ts";

const TOKEN_KEY = "edgebook.token";
const KIND_KEY = "edgebook.kind";

/** The server's account carries no such flag: the page remembers how it opened the session. */
export type SessionKind = "account" | "guest";

export class Session {
  readonly token = signal<string | null>(load(TOKEN_KEY));
  readonly kind = signal<SessionKind>(load(KIND_KEY) === "account" ? "account" : "guest");
  readonly account = signal<Account | null>(null);
  /** A remembered token is being checked with /api/me: the page waits before offering a login. */
  readonly checking = signal(this.token.peek() !== null);
  /** A new client whenever the token changes, so nothing holds a stale token. */
  readonly api = computed(() => new EdgebookApi(location.origin, this.token.value ?? undefined));
  readonly balance = computed(() => (this.account.value?.role === Role.PUNTER ? this.account.value.balance : null));
  readonly isAdmin = computed(() => this.account.value?.role === Role.ADMIN);
  readonly isPunter = computed(() => this.account.value?.role === Role.PUNTER);

  /** A guest session (a punter with a fresh demo balance), or a trader's with the key. */
  async login(name: string, adminKey?: string): Promise<void> {
    this.#take(await new EdgebookApi(location.origin).session(name, adminKey || undefined), "guest");
  }

  /** A registered account's session, by name and password. */
  async signIn(name: string, password: string): Promise<void> {
    this.#take(await new EdgebookApi(location.origin).login(name, password), "account");
  }

  async register(name: string, password: string): Promise<void> {
    this.#take(await new EdgebookApi(location.origin).register(name, password), "account");
  }

  /** A new account with a passkey alone: the browser makes it for the options the server gives. */
  async registerWithPasskey(name: string): Promise<void> {
    const api = new EdgebookApi(location.origin);
    const credential = await createPasskey(await api.passkeyRegisterOptions(name));
    this.#take(await api.passkeyRegister(name, credential), "account");
  }

  /** Log in with a passkey: the one the person picks names the account. */
  async signInWithPasskey(): Promise<void> {
    const api = new EdgebookApi(location.origin);
    const credential = await getPasskey(await api.passkeyLoginOptions());
    this.#take(await api.passkeyLogin(credential), "account");
  }

  /** Add a passkey to the registered account this session is for. */
  async addPasskey(): Promise<void> {
    const api = this.api.peek();
    await api.addPasskey(await createPasskey(await api.addPasskeyOptions()));
  }

  #take({ token, account }: { token: string; account: Account }, kind: SessionKind): void {
    this.#set(token, kind, account);
  }

  /** Storage first, then the signals in one batch: every socket effect sees the new token with its account. */
  #set(token: string | null, kind: SessionKind | null, account: Account | null): void {
    save(TOKEN_KEY, token);
    save(KIND_KEY, kind);
    batch(() => {
      if (kind !== null) this.kind.value = kind;
      this.account.value = account;
      this.token.value = token;
      this.checking.value = false;
    });
  }

  /**
   * Revoke the token on the server, then forget it here. The new (empty)
   * token makes every socket that carried the old one reconnect as a visitor.
   * Forgotten even when the server cannot be reached: the page must not stay logged in.
   */
  async logout(): Promise<void> {
    const api = this.api.peek();
    this.forget();
    if (api.token) await api.logout().catch(() => undefined);
  }

  /** Drop the token without asking the server (it already refuses it). */
  forget(): void {
    this.#set(null, null, null);
  }

  /** Load the account for a remembered token; an expired or unknown one logs out. */
  async refresh(): Promise<void> {
    const token = this.token.peek();
    if (!token) return void (this.checking.value = false);
    try {
      const account = await this.api.peek().me();
      // Logged out (or in as someone else) while asking: the answer belongs to a session that is gone.
      if (this.token.peek() === token) this.account.value = account;
    } catch (err) {
      if (this.token.peek() === token && err instanceof ApiError && (err.status === 401 || err.status === 404)) this.forget();
    } finally {
      if (this.token.peek() === token) this.checking.value = false;
    }
  }

  /** The newest wallet move seen in a balance frame: frames from several markets can cross. */
  #asOf = 0;

  setBalance(balance: number, asOf?: number): void {
    if (asOf !== undefined) {
      if (asOf < this.#asOf) return;
      this.#asOf = asOf;
    }
    const account = this.account.value;
    if (account && account.balance !== balance) this.account.value = { ...account, balance };
  }
}
