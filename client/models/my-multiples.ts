// "My bets", multiples: the account's multiples from /api/me/multiples, a
// page at a time (newest first; more on request), refreshed after answers
// and settlements as the single bets are.
import { signal } from "@preact/signals";
import type { Multiple } from "../../worker/protocol/multiples.ts";
import type { Session } from "./session.ts";

/** Results reach the wallet a moment after each market settles; look twice. */
const AFTER_SETTLEMENT_MS = [1_500, 5_500];

export class MyMultiples {
  readonly multiples = signal<Multiple[]>([]);
  /** The cursor of the page after those shown, when there is one. */
  readonly next = signal<string | null>(null);
  readonly error = signal<string | null>(null);
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /** The first page again. */
  async refresh(): Promise<void> {
    await this.#load(undefined);
  }

  async more(): Promise<void> {
    const cursor = this.next.peek();
    if (cursor !== null) await this.#load(cursor);
  }

  afterSettlement(): void {
    // A multiple's payout brings no balance frame (no market socket is the wallet's): ask for the account too.
    for (const ms of AFTER_SETTLEMENT_MS) setTimeout(() => void Promise.all([this.refresh(), this.#session.refresh()]), ms);
  }

  async #load(cursor: string | undefined): Promise<void> {
    const token = this.#session.token.peek();
    if (!token) {
      this.multiples.value = [];
      this.next.value = null;
      return;
    }
    try {
      const page = await this.#session.api.peek().myMultiples(cursor);
      if (this.#session.token.peek() !== token) return;
      this.multiples.value = cursor === undefined ? page.multiples : [...this.multiples.peek(), ...page.multiples];
      this.next.value = page.next ?? null;
      this.error.value = null;
    } catch (err) {
      this.error.value = err instanceof Error ? err.message : "could not load multiples";
    }
  }
}
