// Multiples' legs on this market. The account's wallet coordinates each
// multiple; this desk answers its questions: take a leg under the accept
// policy (recorded, so the same question gets the first answer again),
// release a leg of a multiple that was rejected, and, once the market
// settles, deliver each leg's result to its wallet from the alarm until the
// wallet has it (an outbox in SQLite: the wallet applies a result once).
import { MarketStatus, RejectReason } from "../protocol/codes.ts";
import type { AccountId, Money } from "../protocol/units.ts";
import type { SelectionTotals } from "../rules/exposure.ts";
import type { MarketState } from "../rules/market-book.ts";
import { type LegAnswer, type LegAsk, type LegResult, payoutOfLegs } from "../rules/multiple.ts";
import { type Quote, quoteBet } from "../rules/quote.ts";
import { inPool } from "./in-pool.ts";
import { type LegRow, type LegStatus, LegStatus as S, LegStore } from "./leg-store.ts";

/** Results delivered per alarm pass, and calls in flight at once. */
const BATCH = 500;
const PARALLEL = 16;
/** After a failed delivery, the next try waits this long. */
const RETRY_MS = 1_000;

export interface LegDeskDeps {
  sql: SqlStorage;
  market: () => MarketState | null;
  /** Tell the account's wallet (the coordinator) a leg's result; it applies each once. */
  deliver: (account: AccountId, multipleId: string, marketId: string, result: LegResult) => Promise<void>;
  schedule: () => void;
  now: () => number;
  /** The market's book changed (a leg taken, released or settled): the trader's exposure is sent again. */
  changed: () => void;
}

const RESULT: Partial<Record<LegStatus, LegResult>> = { [S.WON]: "won", [S.LOST]: "lost", [S.VOID]: "void" };

export class LegDesk {
  readonly store: LegStore;
  readonly #d: LegDeskDeps;

  constructor(deps: LegDeskDeps) {
    this.#d = deps;
    this.store = new LegStore(deps.sql);
  }

  /**
   * Take or refuse a leg now, by the rules a single bet meets at placement,
   * with no await between the check and the record (one event of this
   * object). In play with a bet delay, a leg is refused (MARKET_CLOSED: this
   * market takes singles only while in play); a multiple cannot wait out one
   * market's delay while its other legs' prices stand. Same question again:
   * the first answer.
   */
  accept(account: AccountId, multipleId: string, ask: LegAsk): LegAnswer {
    const first = this.store.get(account, multipleId);
    if (first) return answerOf(first);
    const m = this.#d.market();
    const row: LegRow = {
      account,
      multipleId,
      selectionId: ask.selectionId,
      stake: ask.stake,
      odds: ask.odds,
      payout: 0 as Money,
      status: S.REFUSED,
      reason: null,
      maxPayout: (m?.maxPayout ?? 0) as Money,
      notify: false,
      dueAt: null,
    };
    const quote: Quote = !m ? { ok: false, reason: RejectReason.UNKNOWN_SELECTION } : quoteLeg(m, ask);
    if (quote.ok) {
      row.status = S.ACCEPTED;
      row.odds = quote.odds;
      row.payout = payoutOfLegs(ask.stake, [quote.odds, ...ask.others]) ?? (Number.MAX_SAFE_INTEGER as Money);
    } else {
      row.reason = quote.reason;
    }
    this.store.put(row);
    if (quote.ok) this.#d.changed();
    return quote.ok ? answerOf(row) : { ok: false, reason: quote.reason, ...(quote.odds === undefined ? {} : { odds: quote.odds }) };
  }

  /** The multiple was rejected: an accepted leg no longer counts; an unasked one can no longer be taken. */
  release(account: AccountId, multipleId: string): void {
    const leg = this.store.get(account, multipleId);
    if (leg && leg.status !== S.ACCEPTED) return;
    const base: LegRow = leg ?? {
      account,
      multipleId,
      selectionId: "",
      stake: 0 as Money,
      odds: 0 as LegRow["odds"],
      payout: 0 as Money,
      status: S.RELEASED,
      reason: RejectReason.MARKET_CLOSED,
      maxPayout: 0 as Money,
      notify: false,
      dueAt: null,
    };
    this.store.put({ ...base, status: S.RELEASED, payout: 0 as Money });
    if (leg) this.#d.changed();
  }

  /** In the settlement's transaction: every accepted leg gets its result, owed to its wallet now. */
  mark(winner: string | null, now: number): void {
    this.store.mark(winner, now);
  }

  nextDue(): number | null {
    return this.store.nextDue();
  }

  /** Deliver the results due; returns how many are still owed (0: none). */
  async deliver(): Promise<number> {
    const marketId = this.#d.market()?.id;
    if (!marketId) return 0;
    const owed = this.store.owed(this.#d.now(), BATCH);
    let failed = 0;
    await inPool(owed, PARALLEL, async (leg) => {
      const result = RESULT[leg.status];
      if (result === undefined) return this.store.delivered(leg.account, leg.multipleId);
      try {
        await this.#d.deliver(leg.account, leg.multipleId, marketId, result);
        this.store.delivered(leg.account, leg.multipleId);
      } catch {
        failed++;
        this.store.later(leg.account, leg.multipleId, this.#d.now() + RETRY_MS);
      }
    });
    if (owed.length > 0) this.#d.schedule();
    return failed;
  }

  exposure(): SelectionTotals[] {
    return this.store.exposure();
  }
}

/** The bet rules, with the multiple's stake; in play with a delay, closed to legs. */
function quoteLeg(m: MarketState, ask: LegAsk): Quote {
  if (m.betDelayMs > 0 && m.status === MarketStatus.OPEN) return { ok: false, reason: RejectReason.MARKET_CLOSED };
  return quoteBet(m, { selectionId: ask.selectionId, stake: ask.stake, odds: ask.odds, accept: ask.accept });
}

function answerOf(leg: LegRow): LegAnswer {
  if (leg.status === S.REFUSED || leg.status === S.RELEASED) return { ok: false, reason: (leg.reason ?? RejectReason.MARKET_CLOSED) as RejectReason };
  return { ok: true, odds: leg.odds, maxPayout: leg.maxPayout };
}

/** Bets and legs per selection together: the book's exposure counts both. */
export function withLegs(bets: SelectionTotals[], legs: SelectionTotals[]): SelectionTotals[] {
  const out = new Map(bets.map((r) => [r.selectionId, { ...r }]));
  for (const l of legs) {
    const r = out.get(l.selectionId);
    if (r) {
      r.bets += l.bets;
      r.stake += l.stake;
      r.payout += l.payout;
    } else out.set(l.selectionId, { ...l });
  }
  return [...out.values()];
}
