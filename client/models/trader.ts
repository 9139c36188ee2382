// The trader's actions on the book: create, price, suspend, take in play,
// settle. Each answers with an error sentence or null. The book socket keeps
// every market's row current; a status change the server confirmed (with its
// seq) shows at once, before its summary arrives. One status change per market
// at a time: a key pressed again meanwhile is ignored rather than sent twice.
// Views that poll (the exposure) hear when an action on their market has finished.
import { signal } from "@preact/signals";
import { MarketStatus } from "../../worker/protocol/codes.ts";
import type { CreateMarketBody, Market, StatusBody } from "../../worker/protocol/schemas.ts";
import { Emitter } from "../sdk/emitter.ts";
import type { OddsUpdate, Settlement } from "../sdk/index.ts";
import type { LiveMarket } from "./live-market.ts";
import type { Lobby } from "./lobby.ts";
import { PriceLadder } from "./price-ladder.ts";
import type { Session } from "./session.ts";

export type Outcome = string | null;

export class Trader {
  /** The market the keyboard shortcuts act on. */
  readonly selectedId = signal<string | null>(null);
  /** The selection the arrow keys step, within the selected market. */
  readonly selectedSelection = signal<string | null>(null);
  /** Markets with a status change or settlement in flight. */
  readonly busy = signal<ReadonlySet<string>>(new Set());
  readonly #ladders = new Map<string, PriceLadder>();
  readonly #session: Session;
  readonly #lobby: Lobby;
  readonly #acted = new Emitter<{ acted: string }>();

  constructor(session: Session, lobby: Lobby) {
    this.#session = session;
    this.#lobby = lobby;
  }

  createMarket(body: CreateMarketBody): Promise<Outcome> {
    return this.#run(async (api) => {
      const market = await api.createMarket(body);
      this.#lobby.add(market);
    });
  }

  /** The market's price ladder: every price change from the console goes through it. */
  ladder(live: LiveMarket): PriceLadder {
    let ladder = this.#ladders.get(live.id);
    if (!ladder) {
      ladder = new PriceLadder(live, (odds) => this.#pushOdds(live.id, odds));
      this.#ladders.set(live.id, ladder);
    }
    return ladder;
  }

  async #pushOdds(marketId: string, odds: OddsUpdate): Promise<{ seq: number } | { error: string }> {
    let seq = 0;
    const error = await this.#run(async (api) => (seq = await api.pushOdds(marketId, odds)), marketId);
    return error === null ? { seq } : { error };
  }

  setStatus(marketId: string, body: StatusBody): Promise<Outcome> {
    return this.#once(marketId, () =>
      this.#run(async (api) => {
        const seq = await api.setStatus(marketId, body);
        const live = this.#lobby.get(marketId);
        const m = live?.market.peek();
        if (live && m) live.applySummary({ id: m.id, name: m.name, event: m.event, status: body.status, inPlay: body.inPlay ?? m.inPlay, selections: m.selections.map((s) => ({ ...s, odds: live.price(s.id).odds.peek() })), seq });
      }, marketId),
    );
  }

  /** Suspend an open market, reopen a suspended or closed one. */
  toggleSuspend(market: Market): Promise<Outcome> {
    const status = market.status === MarketStatus.OPEN ? MarketStatus.SUSPENDED : MarketStatus.OPEN;
    return this.setStatus(market.id, { status });
  }

  /** In play on or off, keeping the market's status and bet delay. */
  toggleInPlay(market: Market): Promise<Outcome> {
    const status = market.status as StatusBody["status"];
    return this.setStatus(market.id, { status, inPlay: !market.inPlay, betDelayMs: market.betDelayMs });
  }

  settle(marketId: string, body: Settlement): Promise<Outcome> {
    return this.#once(marketId, () => this.#run((api) => api.settle(marketId, body), marketId));
  }

  /** Run a status change unless one is already in flight on this market. */
  async #once(marketId: string, action: () => Promise<Outcome>): Promise<Outcome> {
    if (this.busy.peek().has(marketId)) return null;
    this.busy.value = new Set([...this.busy.peek(), marketId]);
    try {
      return await action();
    } finally {
      const next = new Set(this.busy.peek());
      next.delete(marketId);
      this.busy.value = next;
    }
  }

  /** Calls `listener` each time an action on `marketId` has finished, failed ones too; returns the unsubscribe. */
  onAction(marketId: string, listener: () => void): () => void {
    return this.#acted.on("acted", (id) => {
      if (id === marketId) listener();
    });
  }

  async #run(action: (api: Session["api"]["value"]) => Promise<unknown>, marketId?: string): Promise<Outcome> {
    try {
      await action(this.#session.api.peek());
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : "the request failed";
    } finally {
      if (marketId !== undefined) this.#acted.emit("acted", marketId);
    }
  }
}
