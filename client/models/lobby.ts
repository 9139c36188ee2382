// The lobby: every market the punter can see, each a LiveMarket with its own
// socket. Lists come over HTTP; from then on each market's socket keeps it current.
import { computed, effect, signal } from "@preact/signals";
import type { Market } from "../../worker/protocol/schemas.ts";
import { ApiError } from "../sdk/index.ts";
import { LiveMarket, type MarketHooks, type UiConnection } from "./live-market.ts";
import type { Session } from "./session.ts";

/** Sockets per page: enough for a busy book, well under the server's per-address budget. */
const MAX_SOCKETS = 40;
/** New markets appear on this cadence (no push exists for the catalogue). */
const RELIST_MS = 30_000;

const RANK: Record<UiConnection, number> = { idle: 0, live: 0, connecting: 1, reconnecting: 2, stale: 3, closed: 0 };

export class Lobby {
  readonly markets = signal<LiveMarket[]>([]);
  readonly loaded = signal(false);
  readonly error = signal<string | null>(null);
  /** The worst state among the open sockets, for the header's badge. */
  readonly connection = computed<UiConnection>(() => {
    let worst: UiConnection = "idle";
    for (const m of this.markets.value) {
      const c = m.connection.value;
      if (c === "idle" || c === "closed") continue;
      if (worst === "idle" || RANK[c] > RANK[worst]) worst = c;
    }
    return worst;
  });
  readonly #session: Session;
  readonly #hooks: MarketHooks;
  readonly #byId = new Map<string, LiveMarket>();

  constructor(session: Session, hooks: MarketHooks) {
    this.#session = session;
    this.#hooks = hooks;
    // A new token means new tickets: every socket reconnects as the new account (or as a viewer).
    effect(() => {
      const api = session.api.value;
      for (const m of this.markets.peek()) if (m.connected) m.connect(api, this.#hooks);
    });
    setInterval(() => void this.refresh(), RELIST_MS);
    addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") void this.refresh();
    });
  }

  get(id: string): LiveMarket | undefined {
    return this.#byId.get(id);
  }

  async refresh(): Promise<void> {
    try {
      const list = await this.#session.api.value.markets();
      this.error.value = null;
      this.#merge(list);
    } catch (err) {
      this.error.value = err instanceof Error ? err.message : "could not load markets";
    } finally {
      this.loaded.value = true;
    }
  }

  /** A market reached by a link before (or without) the list. */
  async ensure(id: string): Promise<LiveMarket | null> {
    const known = this.#byId.get(id);
    if (known) return known;
    try {
      const market = await this.#session.api.value.market(id);
      this.#merge([market], true);
      return this.#byId.get(id) ?? null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** A market the trader just created: show it at once. */
  add(market: Market): void {
    this.#merge([market], true);
  }

  #merge(list: Market[], keepOthers = false): void {
    const next: LiveMarket[] = keepOthers ? [...this.markets.peek()] : [];
    for (const market of list) {
      let live = this.#byId.get(market.id);
      if (live) live.update(market);
      else {
        live = new LiveMarket(market);
        this.#byId.set(market.id, live);
        if (keepOthers) next.push(live);
      }
      if (!keepOthers) next.push(live);
    }
    if (!keepOthers) {
      const seen = new Set(list.map((m) => m.id));
      for (const [id, live] of this.#byId) {
        if (!seen.has(id)) {
          live.disconnect();
          this.#byId.delete(id);
        }
      }
    }
    let sockets = next.filter((m) => m.connected).length;
    for (const live of next) {
      if (!live.connected && !live.finished && sockets < MAX_SOCKETS) {
        live.connect(this.#session.api.value, this.#hooks);
        sockets++;
      }
    }
    this.markets.value = next;
  }
}
