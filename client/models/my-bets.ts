// "My bets": the account's bets from /api/me/bets, split into open and
// settled, with profit and loss. Refreshed when an answer or a settlement
// suggests the list changed; settlement reaches the list within seconds.
import { computed, signal } from "@preact/signals";
import { BetStatus } from "../../worker/protocol/codes.ts";
import type { Bet } from "../../worker/protocol/schemas.ts";
import type { Session } from "./session.ts";

/** Profit or loss of a settled bet, in cents. */
export function profitOf(bet: Bet): number {
  if (bet.status === BetStatus.WON) return bet.payout - bet.stake;
  if (bet.status === BetStatus.LOST) return -bet.stake;
  // Cashed out: the value credited against the stake it closed (a part cashed out earlier shows in the statement).
  if (bet.status === BetStatus.CASHED_OUT) return bet.payout - bet.stake;
  return 0;
}

const OPEN: string[] = [BetStatus.PENDING, BetStatus.ACCEPTED];
const SETTLED: string[] = [BetStatus.WON, BetStatus.LOST, BetStatus.VOID, BetStatus.CASHED_OUT];
/** The wallet records settled bets a moment after the market settles; look twice. */
const AFTER_SETTLEMENT_MS = [1_500, 5_500];

export class MyBets {
  readonly bets = signal<Bet[]>([]);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly open = computed(() => this.bets.value.filter((b) => OPEN.includes(b.status)));
  readonly settled = computed(() => this.bets.value.filter((b) => SETTLED.includes(b.status)));
  readonly rejected = computed(() => this.bets.value.filter((b) => b.status === BetStatus.REJECTED));
  readonly profit = computed(() => this.settled.value.reduce((sum, b) => sum + profitOf(b), 0));
  readonly #session: Session;
  #soon: ReturnType<typeof setTimeout> | null = null;

  constructor(session: Session) {
    this.#session = session;
  }

  async refresh(): Promise<void> {
    const token = this.#session.token.peek();
    if (!token) {
      this.bets.value = [];
      return;
    }
    this.loading.value = true;
    try {
      const bets = await this.#session.api.peek().myBets();
      // An answer for a session logged out meanwhile is not this page's to show.
      if (this.#session.token.peek() !== token) return;
      this.bets.value = bets;
      this.error.value = null;
    } catch (err) {
      this.error.value = err instanceof Error ? err.message : "could not load bets";
    } finally {
      this.loading.value = false;
    }
  }

  /** Many answers arrive together (one per socket); one refresh covers them. */
  refreshSoon(delayMs = 300): void {
    if (this.#soon !== null) return;
    this.#soon = setTimeout(() => {
      this.#soon = null;
      void this.refresh();
    }, delayMs);
  }

  afterSettlement(): void {
    for (const ms of AFTER_SETTLEMENT_MS) setTimeout(() => void this.refresh(), ms);
  }
}
