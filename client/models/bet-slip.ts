// The bet slip: selections the punter picked, their stakes, and each bet's
// life from send to answer. A bet's id is made before it is sent and kept
// until the punter starts a new bet, so every retry names the same bet.
import { batch, computed, signal, type ReadonlySignal, type Signal } from "@preact/signals";
import { BetStatus, MarketStatus, type RejectReason } from "../../worker/protocol/codes.ts";
import type { Bet, BetBody, BetReplyFrame } from "../../worker/protocol/schemas.ts";
import { oddsFromDecimal, payoutOf, type Money } from "../../worker/protocol/units.ts";
import { parseMoney } from "../format.ts";
import { ApiError, newBetId } from "../sdk/index.ts";
import type { LiveMarket, Price } from "./live-market.ts";
import type { Preferences } from "./preferences.ts";
import type { Session } from "./session.ts";

export type Phase =
  | { kind: "draft" }
  /** Sent; no answer yet. */
  | { kind: "sending" }
  /** In-play delay: the final answer is due at `dueAt` (local clock). */
  | { kind: "pending"; dueAt: number }
  | { kind: "accepted"; bet: Bet }
  /** `held`: the stake was held during an in-play delay and has gone back to the balance. */
  | { kind: "rejected"; reason?: RejectReason; currentOdds?: number; held: boolean; stake: number }
  /** Could not be sent at all; nothing was placed. */
  | { kind: "failed"; message: string };

/** No answer over the socket by then: ask again over HTTP (same id, so never a second bet). */
const ANSWER_TIMEOUT_MS = 6_000;
/** A pending bet whose final answer is this late is asked about again. */
const PENDING_GRACE_MS = 2_500;
const CHECK_EVERY_MS = 250;

export class SlipEntry {
  readonly key: string;
  readonly live: LiveMarket;
  readonly selectionId: string;
  readonly stakeText = signal("");
  readonly phase = signal<Phase>({ kind: "draft" });
  /** The exact request in flight or last sent, id included; null while drafting. */
  request: BetBody | null = null;
  sentAt = 0;
  readonly price: Price;

  /**
   * The price the punter agreed to: the live price when the selection was
   * picked, then each new price the punter confirmed. A bet is sent at this
   * price only, never at one the punter was not shown.
   */
  readonly agreed: Signal<number>;
  /** The price the bet is for: the agreed price while drafting, the asked price once sent. */
  readonly odds: ReadonlySignal<number>;
  /** While drafting, the market's price when it differs from the agreed one. */
  readonly moved: ReadonlySignal<{ from: number; to: number } | null>;
  readonly stake: ReadonlySignal<number | null>;
  readonly potentialReturn: ReadonlySignal<number | null>;
  /** Why the bet cannot be placed as it stands, or null. */
  readonly problem: ReadonlySignal<string | null>;

  constructor(live: LiveMarket, selectionId: string, session: Session) {
    this.key = `${live.id}/${selectionId}`;
    this.live = live;
    this.selectionId = selectionId;
    const price = live.price(selectionId);
    this.price = price;
    this.agreed = signal(price.odds.peek());
    this.odds = computed(() => (this.phase.value.kind === "draft" || !this.request ? this.agreed.value : this.request.odds));
    this.moved = computed(() => {
      const to = price.odds.value;
      const from = this.agreed.value;
      return this.phase.value.kind === "draft" && to !== from ? { from, to } : null;
    });
    this.stake = computed(() => parseMoney(this.stakeText.value));
    this.potentialReturn = computed(() => {
      const stake = this.stake.value;
      const odds = oddsFromDecimal(this.odds.value);
      return stake === null || odds === null ? null : payoutOf(stake as Money, odds);
    });
    this.problem = computed(() => {
      const m = live.market.value;
      if (!session.account.value) return "Log in to place bets";
      if (!session.isPunter.value) return "Trader accounts cannot bet";
      if (m.status === MarketStatus.SUSPENDED) return "Market suspended";
      if (m.status !== MarketStatus.OPEN) return "Market closed";
      if (live.connection.value !== "live") return "Waiting for a live connection";
      const stake = this.stake.value;
      if (this.stakeText.value.trim() === "") return "Enter a stake";
      if (stake === null) return "Stake must be an amount, like 10 or 2.50";
      if (stake < m.minStake) return "Below the minimum stake";
      if (stake > m.maxStake) return "Above the maximum stake";
      const ret = this.potentialReturn.value;
      if (ret !== null && ret > m.maxPayout) return "Return above the maximum payout";
      const bal = session.balance.value;
      if (bal !== null && stake > bal) return "Stake is more than your balance";
      if (this.moved.value) return "The price changed: accept the new price to bet";
      return null;
    });
  }

  get inFlight(): boolean {
    const k = this.phase.peek().kind;
    return k === "sending" || k === "pending";
  }

  get selectionName(): string {
    return this.live.market.peek().selections.find((s) => s.id === this.selectionId)?.name ?? this.selectionId;
  }
}

/** Stakes offered as one-tap buttons, in currency units. */
export const QUICK_STAKES = ["5", "10", "25", "50"] as const;

export class BetSlip {
  readonly entries = signal<SlipEntry[]>([]);
  /** On a phone the slip is a sheet over the page: open or not. */
  readonly sheetOpen = signal(false);
  /** Ticks while a bet is in flight, for the countdown. */
  readonly now = signal(Date.now());
  readonly #session: Session;
  readonly #prefs: Preferences;
  readonly #onFinal: () => void;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(session: Session, prefs: Preferences, onFinal: () => void) {
    this.#session = session;
    this.#prefs = prefs;
    this.#onFinal = onFinal;
  }

  add(live: LiveMarket, selectionId: string): void {
    const key = `${live.id}/${selectionId}`;
    if (this.entries.peek().some((e) => e.key === key)) return;
    this.entries.value = [...this.entries.peek(), new SlipEntry(live, selectionId, this.#session)];
  }

  remove(entry: SlipEntry): void {
    this.entries.value = this.entries.peek().filter((e) => e !== entry);
    if (this.entries.peek().length === 0) this.sheetOpen.value = false;
  }

  /** The punter confirms the market's new price: the next send asks for it. */
  acceptPrice(entry: SlipEntry): void {
    if (entry.phase.peek().kind === "draft") entry.agreed.value = entry.price.odds.peek();
  }

  /** Start a new bet on the same selection: a new id on the next send. */
  reset(entry: SlipEntry): void {
    if (!entry.inFlight) this.#newBet(entry);
  }

  clear(): void {
    this.entries.value = this.entries.peek().filter((e) => e.inFlight);
    if (this.entries.peek().length === 0) this.sheetOpen.value = false;
  }

  /** Editing the stake after an answer starts a new bet, with a new id. */
  setStake(entry: SlipEntry, text: string): void {
    batch(() => {
      entry.stakeText.value = text;
      if (!entry.inFlight) this.#newBet(entry);
    });
  }

  place(entry: SlipEntry): void {
    if (entry.inFlight || entry.problem.peek() !== null) return;
    const stake = entry.stake.peek();
    if (stake === null) return;
    this.#send(entry, {
      id: newBetId(),
      selectionId: entry.selectionId,
      stake,
      odds: entry.odds.peek(),
      accept: this.#prefs.accept.peek(),
    });
  }

  /** After ODDS_CHANGED: a new bet, at the price the market now offers. */
  takePrice(entry: SlipEntry, odds: number): void {
    const stake = entry.stake.peek();
    if (stake === null || entry.inFlight) return;
    entry.agreed.value = odds;
    this.#send(entry, { id: newBetId(), selectionId: entry.selectionId, stake, odds, accept: this.#prefs.accept.peek() });
  }

  /** Send the same request again: the same id, so at most one bet is ever placed. */
  retry(entry: SlipEntry): void {
    if (entry.request) this.#send(entry, entry.request);
  }

  /** Every bet answer from every market socket, and HTTP answers, come here. */
  onReply(frame: BetReplyFrame): void {
    const entry = this.entries.peek().find((e) => e.request?.id === frame.id);
    if (!entry) {
      this.#onFinal();
      return;
    }
    const current = entry.phase.peek();
    switch (frame.status) {
      case BetStatus.PENDING: {
        if (current.kind === "pending") return;
        const bet = frame.bet;
        // The server's clock names the due time; the delay itself is measured here.
        const delay = bet?.dueAt !== undefined ? bet.dueAt - bet.placedAt : entry.live.market.peek().betDelayMs;
        entry.phase.value = { kind: "pending", dueAt: Date.now() + delay };
        this.#tick();
        return;
      }
      case BetStatus.REJECTED:
        entry.phase.value = {
          kind: "rejected",
          reason: frame.reason ?? frame.bet?.reason,
          currentOdds: frame.odds,
          // A bet that waited out an in-play delay had its stake held meanwhile; one refused at once never touched the balance.
          held: current.kind === "pending" || frame.bet?.dueAt !== undefined,
          stake: entry.request?.stake ?? 0,
        };
        break;
      default:
        // accepted, or won/lost/void when the answer is asked for after settlement.
        if (frame.bet) entry.phase.value = { kind: "accepted", bet: frame.bet };
        break;
    }
    this.#onFinal();
  }

  #newBet(entry: SlipEntry): void {
    entry.request = null;
    if (entry.phase.peek().kind === "draft") return;
    // A new bet after an answer starts from the price on screen now.
    batch(() => {
      entry.agreed.value = entry.price.odds.peek();
      entry.phase.value = { kind: "draft" };
    });
  }

  #send(entry: SlipEntry, request: BetBody): void {
    // The id is recorded before anything leaves, so a lost answer can be asked for again.
    entry.request = request;
    entry.sentAt = Date.now();
    if (entry.phase.peek().kind !== "pending") entry.phase.value = { kind: "sending" };
    const sent = entry.live.placeBet(request);
    if (!sent.ok) void this.#sendOverHttp(entry, request);
    this.#tick();
  }

  async #sendOverHttp(entry: SlipEntry, request: BetBody): Promise<void> {
    entry.sentAt = Date.now();
    try {
      this.onReply(await this.#session.api.peek().placeBet(entry.live.id, request));
    } catch (err) {
      if (entry.request?.id !== request.id) return;
      // A network failure leaves the bet unknown: the check loop asks again. Anything else is final.
      if (err instanceof ApiError && err.retryable) return;
      entry.phase.value = { kind: "failed", message: err instanceof Error ? err.message : "the bet could not be sent" };
    }
  }

  /** Bets in flight: count down, and ask again about any whose answer is overdue or was lost with a socket. */
  #tick(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => {
      const now = Date.now();
      this.now.value = now;
      const flying = this.entries.peek().filter((e) => e.inFlight);
      if (flying.length === 0) {
        clearInterval(this.#timer!);
        this.#timer = null;
        return;
      }
      for (const entry of flying) {
        const phase = entry.phase.peek();
        const lostWithSocket = entry.sentAt < entry.live.liveSince;
        const overdue =
          phase.kind === "sending" ? now - entry.sentAt > ANSWER_TIMEOUT_MS : phase.kind === "pending" && now > phase.dueAt + PENDING_GRACE_MS && now - entry.sentAt > PENDING_GRACE_MS;
        if (lostWithSocket || overdue) this.retry(entry);
      }
    }, CHECK_EVERY_MS);
  }
}
