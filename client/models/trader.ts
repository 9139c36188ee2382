// The trader's actions on the book: create, price, suspend, take in play,
// settle. Each answers with an error sentence or null; the book itself is
// updated by the market's socket, like every other viewer's. Views that poll
// (the exposure) hear when an action on their market has finished.
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
    return this.#run((api) => api.setStatus(marketId, body), marketId);
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
    return this.#run((api) => api.settle(marketId, body), marketId);
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
