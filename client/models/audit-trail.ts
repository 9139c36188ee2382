// A market's audit trail for the trader: its event log (who changed what,
// and when), read a page at a time from the admin events route, oldest first.
import { signal } from "@preact/signals";
import type { EdgebookApi, MarketEvent } from "../sdk/index.ts";

export const AUDIT_PAGE = 10;

export class AuditTrail {
  readonly events = signal<MarketEvent[] | null>(null);
  readonly error = signal<string | null>(null);
  /** Where the next page starts; null on the last page. */
  readonly next = signal<number | null>(null);
  /** The `after` of each page shown before this one, to page back. */
  readonly #before: number[] = [];
  #after = -1;
  readonly #marketId: string;
  readonly #api: () => EdgebookApi;

  constructor(marketId: string, api: () => EdgebookApi) {
    this.#marketId = marketId;
    this.#api = api;
  }

  get hasPrevious(): boolean {
    return this.#before.length > 0;
  }

  /** Load (again) the page on screen: the first one to begin with. */
  reload(): Promise<void> {
    return this.#load(this.#after);
  }

  async nextPage(): Promise<void> {
    const next = this.next.peek();
    if (next === null) return;
    this.#before.push(this.#after);
    await this.#load(next);
  }

  async previousPage(): Promise<void> {
    const after = this.#before.pop();
    if (after !== undefined) await this.#load(after);
  }

  async #load(after: number): Promise<void> {
    try {
      const page = await this.#api().events(this.#marketId, { after, limit: AUDIT_PAGE });
      this.#after = after;
      this.events.value = page.events;
      this.next.value = page.next ?? null;
      this.error.value = null;
    } catch (err) {
      this.error.value = err instanceof Error ? err.message : "could not load the audit trail";
    }
  }
}
