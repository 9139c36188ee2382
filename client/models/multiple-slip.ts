// The bet slip's multiple: the slip's selections, when they are on 2 to 10
// distinct markets, as one bet with one stake. Combined odds and return are
// worked out exactly as the server does (the same pure rules, integers in
// BigInt), and the multiple's id is made once per try, so a retry after a
// lost answer names the same multiple.
import { computed, signal } from "@preact/signals";
import type { Multiple, MultipleBody } from "../../worker/protocol/multiples.ts";
import { type Money, type Odds, oddsFromDecimal } from "../../worker/protocol/units.ts";
import { MAX_LEGS, MIN_LEGS, combinedOdds, payoutOfLegs } from "../../worker/rules/multiple.ts";
import { parseMoney } from "../format.ts";
import { ApiError, newBetId } from "../sdk/index.ts";
import type { BetSlip } from "./bet-slip.ts";
import type { Preferences } from "./preferences.ts";
import type { Session } from "./session.ts";

export type MultiplePhase =
  | { kind: "draft" }
  | { kind: "sending" }
  | { kind: "answered"; multiple: Multiple }
  | { kind: "failed"; message: string };

export class MultipleSlip {
  /** The punter's toggle: place the slip's selections as one multiple. */
  readonly on = signal(false);
  readonly stakeText = signal("");
  readonly phase = signal<MultiplePhase>({ kind: "draft" });
  /** The request in flight or last sent, id included. */
  request: MultipleBody | null = null;
  /** 2 to 10 selections, each on its own market. */
  readonly eligible: ReturnType<typeof computed<boolean>>;
  /** Why a slip of two or more selections offers no multiple (null when it does, or holds fewer than two). */
  readonly whyNot: ReturnType<typeof computed<string | null>>;
  readonly odds: ReturnType<typeof computed<Odds[] | null>>;
  /** The exact product of the legs' odds, as the server writes it. */
  readonly combined: ReturnType<typeof computed<number | null>>;
  readonly stake: ReturnType<typeof computed<number | null>>;
  readonly potentialReturn: ReturnType<typeof computed<number | null>>;
  readonly problem: ReturnType<typeof computed<string | null>>;
  readonly #slip: BetSlip;
  readonly #session: Session;
  readonly #prefs: Preferences;
  readonly #onAnswer: () => void;

  constructor(slip: BetSlip, session: Session, prefs: Preferences, onAnswer: () => void) {
    this.#slip = slip;
    this.#session = session;
    this.#prefs = prefs;
    this.#onAnswer = onAnswer;
    this.eligible = computed(() => {
      const entries = slip.entries.value;
      return entries.length >= MIN_LEGS && entries.length <= MAX_LEGS && new Set(entries.map((e) => e.live.id)).size === entries.length;
    });
    this.whyNot = computed(() => {
      const entries = slip.entries.value;
      if (entries.length < MIN_LEGS || this.eligible.value) return null;
      if (entries.length > MAX_LEGS) return `No multiple: it takes at most ${MAX_LEGS} selections.`;
      return "No multiple: a multiple needs each selection on a different market, and two here are on the same one.";
    });
    this.odds = computed(() => {
      const odds = slip.entries.value.map((e) => oddsFromDecimal(e.odds.value));
      return odds.every((o): o is Odds => o !== null) ? odds : null;
    });
    this.combined = computed(() => (this.odds.value ? combinedOdds(this.odds.value) : null));
    this.stake = computed(() => parseMoney(this.stakeText.value));
    this.potentialReturn = computed(() => {
      const stake = this.stake.value;
      return stake === null || !this.odds.value ? null : payoutOfLegs(stake as Money, this.odds.value);
    });
    this.problem = computed(() => {
      if (!session.account.value) return "Log in to place bets";
      if (!session.isPunter.value) return "Trader accounts cannot bet";
      if (!this.eligible.value) return "A multiple needs 2 to 10 selections, each on a different market";
      const entries = slip.entries.value;
      if (entries.some((e) => e.live.market.value.status !== "open")) return "A market in the multiple is not open";
      if (entries.some((e) => e.moved.value)) return "A price changed: accept the new price to bet";
      if (this.stakeText.value.trim() === "") return "Enter a stake";
      const stake = this.stake.value;
      if (stake === null || stake < 1) return "Stake must be an amount, like 10 or 2.50";
      const bal = session.balance.value;
      if (bal !== null && stake > bal) return "Stake is more than your balance";
      return null;
    });
  }

  setStake(text: string): void {
    this.stakeText.value = text;
    if (this.phase.peek().kind !== "sending") this.#newTry();
  }

  toggle(on: boolean): void {
    this.on.value = on;
    if (this.phase.peek().kind !== "sending") this.#newTry();
  }

  /** Place it: one request, with an id kept until the punter starts another. */
  async place(): Promise<void> {
    const stake = this.stake.peek();
    if (this.phase.peek().kind === "sending" || this.problem.peek() !== null || stake === null) return;
    const legs = this.#slip.entries.peek().map((e) => ({ marketId: e.live.id, selectionId: e.selectionId, odds: e.odds.peek() }));
    // The same multiple (placing again after an answer shows that answer); other selections make a new one, with a new id.
    if (JSON.stringify(this.request?.legs) !== JSON.stringify(legs)) this.request = { id: newBetId(), stake, accept: this.#prefs.accept.peek(), legs };
    await this.#send(this.request as MultipleBody);
  }

  /** The same request again (the same id): the answer as the multiple stands, never a second one. */
  async retry(): Promise<void> {
    if (this.request && this.phase.peek().kind !== "sending") await this.#send(this.request);
  }

  async #send(request: MultipleBody): Promise<void> {
    this.phase.value = { kind: "sending" };
    try {
      const multiple = await this.#session.api.peek().placeMultiple(request);
      if (this.request?.id === request.id) this.phase.value = { kind: "answered", multiple };
    } catch (err) {
      if (this.request?.id !== request.id) return;
      const retryable = err instanceof ApiError && err.retryable;
      this.phase.value = { kind: "failed", message: retryable ? "No answer: try again (the same multiple, never a second one)" : err instanceof Error ? err.message : "could not place the multiple" };
    }
    this.#onAnswer();
  }

  #newTry(): void {
    this.request = null;
    if (this.phase.peek().kind !== "draft") this.phase.value = { kind: "draft" };
  }
}
