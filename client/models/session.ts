// The session and the wallet behind it: the token (kept in localStorage), the
// account and its balance. Balance moves come from `balance` frames and /api/me.
import { computed, signal } from "@preact/signals";
import { Role } from "../../worker/protocol/codes.ts";
import type { Account } from "../../worker/protocol/schemas.ts";
import { ApiError, EdgebookApi } from "../sdk/index.ts";
import { load, save } from "./storage.ts";

const TOKEN_KEY = "edgebook.token";

export class Session {
  readonly token = signal<string | null>(load(TOKEN_KEY));
  readonly account = signal<Account | null>(null);
  /** A new client whenever the token changes, so nothing holds a stale token. */
  readonly api = computed(() => new EdgebookApi(location.origin, this.token.value ?? undefined));
  readonly balance = computed(() => (this.account.value?.role === Role.PUNTER ? this.account.value.balance : null));
  readonly isAdmin = computed(() => this.account.value?.role === Role.ADMIN);
  readonly isPunter = computed(() => this.account.value?.role === Role.PUNTER);

  async login(name: string, adminKey?: string): Promise<void> {
    const { token, account } = await new EdgebookApi(location.origin).session(name, adminKey || undefined);
    save(TOKEN_KEY, token);
    this.account.value = account;
    this.token.value = token;
  }

  logout(): void {
    save(TOKEN_KEY, null);
    this.token.value = null;
    this.account.value = null;
  }

  /** Load the account for a remembered token; an expired or unknown one logs out. */
  async refresh(): Promise<void> {
    if (!this.token.value) return;
    try {
      this.account.value = await this.api.value.me();
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 404)) this.logout();
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
