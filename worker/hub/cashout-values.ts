// Live cash out values on the market socket. An in-memory index of the open
// (accepted) bets by selection, rebuilt from SQLite on the first use after a
// wake, so an odds change costs one value per bet on the selections that
// moved, and each value goes only to the sockets of the account holding the
// bet. Per bet at most one frame every VALUE_EVERY_MS, trailing edge: a value
// held back goes out when the bet's window ends, the latest one winning.
import type { CashOutValueFrame, ChangeFrame } from "../protocol/schemas.ts";
import { BetStatus, MarketStatus } from "../protocol/codes.ts";
import type { AccountId, Money, Odds } from "../protocol/units.ts";
import type { SocketRoom } from "../platform/socket-room.ts";
import type { BetRow } from "../rules/bet-record.ts";
import { cashOutValue } from "../rules/cashout.ts";
import type { MarketState } from "../rules/market-book.ts";
import type { HubStore } from "./hub-store.ts";

/** At most 4 values a second per bet. */
export const VALUE_EVERY_MS = 250;
/** Values worked out per turn of the object, so other events (the next odds push) are taken between slices. */
const SLICE = 2_000;

interface OpenBet {
  key: string;
  account: AccountId;
  id: string;
  selectionId: string;
  stake: Money;
  odds: Odds;
}

interface Sent {
  value: Money | null;
  at: number;
}

export interface CashOutValuesDeps {
  store: HubStore;
  sockets: SocketRoom;
  market: () => MarketState | null;
  now: () => number;
}

const keyOf = (account: AccountId, id: string) => `${account}\u0000${id}`;

export class CashOutValues {
  readonly #d: CashOutValuesDeps;
  /** Open bets by selection, then by key; null until first used (after a wake: rebuilt from SQLite). */
  #bySelection: Map<string, Map<string, OpenBet>> | null = null;
  readonly #byAccount = new Map<AccountId, Set<OpenBet>>();
  /** What each bet's owner was last sent, and when. */
  readonly #sent = new Map<string, Sent>();
  /** Bets whose newest value waits for their window to end. */
  readonly #held = new Map<string, OpenBet>();
  /** Bets whose selection's odds moved, waiting for their value to be worked out. */
  readonly #queue = new Set<OpenBet>();
  #draining = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = Infinity;

  constructor(deps: CashOutValuesDeps) {
    this.#d = deps;
  }

  /**
   * After a change was committed and sent to every viewer: the values it
   * moved, to their owners. An odds change is worked off in later turns, a
   * slice of bets per turn: the runtime writes the viewers' odds frame out
   * when this turn ends, so thousands of values never hold it back, and an
   * odds push arriving meanwhile is taken between slices (the values then
   * computed at the newest price). Status and settlement are rare and go at once.
   */
  afterChange(frame: ChangeFrame): void {
    const index = this.#index();
    if (index.size === 0) return;
    if (frame.type === "odds") {
      for (const selectionId of Object.keys(frame.odds)) for (const bet of index.get(selectionId)?.values() ?? []) this.#queue.add(bet);
      this.#drainSoon();
      return;
    }
    this.#queue.clear();
    for (const bets of index.values()) for (const bet of bets.values()) this.#offer(bet);
    // Settled or voided: no bet stays open. Their owners were told null just now.
    if (frame.type === "settled") this.#clear();
  }

  #drainSoon(): void {
    if (this.#draining) return;
    this.#draining = true;
    setTimeout(() => this.#drain(), 0);
  }

  /** One slice of the queued bets' values; the rest in the next turn. */
  #drain(): void {
    this.#draining = false;
    let n = 0;
    for (const bet of this.#queue) {
      this.#queue.delete(bet);
      this.#offer(bet);
      if (++n === SLICE) break;
    }
    if (this.#queue.size > 0) this.#drainSoon();
  }

  /** A bet was accepted, cashed out in part, or cashed out: index it as it stands and tell its owner. */
  betChanged(row: BetRow): void {
    const index = this.#index();
    const key = keyOf(row.account, row.id);
    const old = index.get(row.selectionId)?.get(key);
    if (old) this.#forget(old);
    if (row.status !== BetStatus.ACCEPTED) return;
    const bet: OpenBet = { key, account: row.account, id: row.id, selectionId: row.selectionId, stake: row.stake, odds: row.odds };
    this.#add(bet);
    this.#send(bet, this.#valueOf(bet));
  }

  /** A socket of this account just got its first frames: its bets' values now, to it alone. */
  greet(ws: WebSocket, account: AccountId): void {
    this.#index();
    const seq = this.#d.market()?.seq ?? 0;
    for (const bet of this.#byAccount.get(account) ?? []) this.#d.sockets.send(ws, this.#text(bet, this.#valueOf(bet), seq));
  }

  #index(): Map<string, Map<string, OpenBet>> {
    if (this.#bySelection) return this.#bySelection;
    this.#bySelection = new Map();
    for (const row of this.#d.store.acceptedBets()) {
      this.#add({ key: keyOf(row.account, row.id), account: row.account, id: row.id, selectionId: row.selectionId, stake: row.stake, odds: row.odds });
    }
    return this.#bySelection;
  }

  #add(bet: OpenBet): void {
    const index = this.#index();
    let bets = index.get(bet.selectionId);
    if (!bets) index.set(bet.selectionId, (bets = new Map()));
    bets.set(bet.key, bet);
    let mine = this.#byAccount.get(bet.account);
    if (!mine) this.#byAccount.set(bet.account, (mine = new Set()));
    mine.add(bet);
  }

  #forget(bet: OpenBet): void {
    this.#queue.delete(bet);
    this.#bySelection?.get(bet.selectionId)?.delete(bet.key);
    const mine = this.#byAccount.get(bet.account);
    mine?.delete(bet);
    if (mine?.size === 0) this.#byAccount.delete(bet.account);
    this.#held.delete(bet.key);
    this.#sent.delete(bet.key);
  }

  #clear(): void {
    this.#queue.clear();
    this.#bySelection = new Map();
    this.#byAccount.clear();
    this.#held.clear();
    this.#sent.clear();
  }

  /** The bet's value now: null while the market is not open. */
  #valueOf(bet: OpenBet): Money | null {
    const m = this.#d.market();
    if (!m || m.status !== MarketStatus.OPEN) return null;
    const odds = m.selections.find((s) => s.id === bet.selectionId)?.odds;
    return odds === undefined ? null : cashOutValue(bet.stake, bet.odds, odds);
  }

  /** A value that may have changed: sent now if the bet's window allows, else held for the window's end. */
  #offer(bet: OpenBet): void {
    const value = this.#valueOf(bet);
    const sent = this.#sent.get(bet.key);
    if (sent && sent.value === value) {
      this.#held.delete(bet.key);
      return;
    }
    const free = (sent?.at ?? -Infinity) + VALUE_EVERY_MS;
    if (free <= this.#d.now()) this.#send(bet, value);
    else {
      this.#held.set(bet.key, bet);
      this.#arm(free);
    }
  }

  #send(bet: OpenBet, value: Money | null): void {
    this.#sent.set(bet.key, { value, at: this.#d.now() });
    this.#held.delete(bet.key);
    this.#d.sockets.toAccount(bet.account, this.#text(bet, value, this.#d.market()?.seq ?? 0));
  }

  #text(bet: OpenBet, value: Money | null, seq: number): string {
    return JSON.stringify({ type: "cashout", betId: bet.id, value, seq } satisfies CashOutValueFrame);
  }

  #arm(at: number): void {
    // A timer already set for no later is kept, unless it is overdue (never trust one timer to keep values flowing).
    if (this.#timer !== null && this.#timerAt <= at && this.#timerAt + VALUE_EVERY_MS >= this.#d.now()) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#flush(), Math.max(0, at - this.#d.now()));
  }

  /** The windows that ended: each held bet's latest value; the timer again for those still waiting. */
  #flush(): void {
    this.#timer = null;
    this.#timerAt = Infinity;
    const held = [...this.#held.values()];
    this.#held.clear();
    for (const bet of held) this.#offer(bet);
  }
}
