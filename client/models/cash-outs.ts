// Cash out from the web app: one request per button press, sent on the
// market's socket when it is open (else over HTTP), each under a fresh id
// kept with its answer, so a bet's row shows what became of its last request.
// The value asked is the one on screen: the socket's for the whole bet, the
// same formula as the server's for a part (rules/cashout.ts, shared).
import { signal } from "@preact/signals";
import type { Bet, CashOutReplyFrame } from "../../worker/protocol/schemas.ts";
import { type Money, type Odds, oddsFromDecimal } from "../../worker/protocol/units.ts";
import { cashOutValue } from "../../worker/rules/cashout.ts";
import { newBetId } from "../sdk/index.ts";
import type { Lobby } from "./lobby.ts";
import type { Session } from "./session.ts";

export interface CashOutAsk {
  id: string;
  status: "sending" | CashOutReplyFrame["status"];
  /** Done: what was credited. Refused: the value now, when the server named one. */
  value?: number | null;
  reason?: CashOutReplyFrame["reason"];
  /** The part of the stake asked, when not the whole bet. */
  part?: number;
}

/** What a part of the bet's stake is worth at these odds (decimal), or null when either is unknown. */
export function partValue(bet: Bet, part: number, currentOdds: number | undefined): number | null {
  const taken = oddsFromDecimal(bet.odds);
  const current = currentOdds === undefined ? null : oddsFromDecimal(currentOdds);
  return taken === null || current === null ? null : cashOutValue(part as Money, taken as Odds, current as Odds);
}

export class CashOuts {
  /** The last request per bet id. */
  readonly asks = signal<ReadonlyMap<string, CashOutAsk>>(new Map());
  readonly #session: Session;
  readonly #lobby: Lobby;
  readonly #after: () => void;

  /** `after`: money moved (a cash out done), so the balance and the bet list should be read again. */
  constructor(session: Session, lobby: Lobby, after: () => void) {
    this.#session = session;
    this.#lobby = lobby;
    this.#after = after;
  }

  async request(bet: Bet, value: number, part?: number): Promise<void> {
    const body = { id: newBetId(), value, ...(part === undefined ? {} : { stake: part }) };
    this.#set(bet.id, { id: body.id, status: "sending", ...(part === undefined ? {} : { part }) });
    const sent = this.#lobby.get(bet.marketId)?.cashOut(bet.id, body);
    if (sent?.ok) return;
    try {
      this.onReply(await this.#session.api.peek().cashOut(bet.marketId, bet.id, body));
    } catch (err) {
      this.#set(bet.id, { id: body.id, status: "rejected", reason: "INVALID", value: null });
      console.warn(`cash out ${body.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** An answer from the socket or HTTP: kept when it is for the bet's latest request. */
  onReply(frame: CashOutReplyFrame): void {
    const ask = this.asks.peek().get(frame.betId);
    if (!ask || ask.id !== frame.id) return;
    this.#set(frame.betId, { ...ask, status: frame.status, value: frame.value, reason: frame.reason });
    if (frame.status === "done") this.#after();
  }

  #set(betId: string, ask: CashOutAsk): void {
    const next = new Map(this.asks.peek());
    next.set(betId, ask);
    this.asks.value = next;
  }
}
