// The trader's actions on the book: create, price, suspend, take in play,
// settle. Each answers with an error sentence or null. The book socket keeps
// every market's row current; a status change the server confirmed (with its
// seq) shows at once, before its summary arrives. Status changes on one market
// run in turn, each deciding from the market as the one before left it.
import { signal } from "@preact/signals";
import { MarketStatus } from "../../worker/protocol/codes.ts";
import type { CreateMarketBody, Market, StatusBody } from "../../worker/protocol/schemas.ts";
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
  /** Per market, the last status change queued: the next one starts when it ends. */
  readonly #turns = new Map<string, Promise<Outcome>>();
  readonly #ladders = new Map<string, PriceLadder>();
  readonly #session: Session;
  readonly #lobby: Lobby;

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
    const error = await this.#run(async (api) => (seq = await api.pushOdds(marketId, odds)));
    return error === null ? { seq } : { error };
  }

  setStatus(marketId: string, body: StatusBody): Promise<Outcome> {
    return this.#inTurn(marketId, () => this.#changeStatus(marketId, body));
  }

  /** Suspend an open market, reopen a suspended or closed one (as the market stands when its turn comes). */
  toggleSuspend(market: Market): Promise<Outcome> {
    return this.#inTurn(market.id, () => {
      const now = this.#current(market);
      return this.#changeStatus(now.id, { status: now.status === MarketStatus.OPEN ? MarketStatus.SUSPENDED : MarketStatus.OPEN });
    });
  }

  /** In play on or off, keeping the market's status and bet delay (as the market stands when its turn comes). */
  toggleInPlay(market: Market): Promise<Outcome> {
    return this.#inTurn(market.id, () => {
      const now = this.#current(market);
      return this.#changeStatus(now.id, { status: now.status as StatusBody["status"], inPlay: !now.inPlay, betDelayMs: now.betDelayMs });
    });
  }

  settle(marketId: string, body: Settlement): Promise<Outcome> {
    return this.#inTurn(marketId, () => this.#run((api) => api.settle(marketId, body)));
  }

  #current(market: Market): Market {
    return this.#lobby.get(market.id)?.market.peek() ?? market;
  }

  /** The change, then the market shown as the server answered it (its seq), before the book's summary arrives. */
  #changeStatus(marketId: string, body: StatusBody): Promise<Outcome> {
    return this.#run(async (api) => {
      const seq = await api.setStatus(marketId, body);
      const live = this.#lobby.get(marketId);
      const m = live?.market.peek();
      if (live && m) live.applySummary({ id: m.id, name: m.name, event: m.event, status: body.status, inPlay: body.inPlay ?? m.inPlay, selections: m.selections.map((s) => ({ ...s, odds: live.price(s.id).odds.peek() })), seq });
    });
  }

  /**
   * Status changes on one market run one after another: a key pressed again
   * while one is in flight waits its turn, then acts on the market as the
   * first left it (suspend, then reopen), rather than sending the same change twice.
   */
  #inTurn(marketId: string, action: () => Promise<Outcome>): Promise<Outcome> {
    const before = this.#turns.get(marketId) ?? Promise.resolve(null);
    const mine = before.then(action, action);
    this.#turns.set(marketId, mine);
    this.busy.value = new Set([...this.busy.peek(), marketId]);
    void mine.finally(() => {
      if (this.#turns.get(marketId) !== mine) return;
      this.#turns.delete(marketId);
      const next = new Set(this.busy.peek());
      next.delete(marketId);
      this.busy.value = next;
    });
    return mine;
  }

  async #run(action: (api: Session["api"]["value"]) => Promise<unknown>): Promise<Outcome> {
    try {
      await action(this.#session.api.peek());
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : "the request failed";
    }
  }
}
