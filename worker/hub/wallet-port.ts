// What the bet flows need from wallets: typed RPC on the account's wallet
// object in production, anything with the same shape in a test.
import type { Bet } from "../protocol/schemas.ts";
import type { AccountId } from "../protocol/units.ts";
import type { BetUpdate, DebitItem, MoneyResult, SettleItem, Settled } from "../rules/ledger.ts";

export interface WalletPort {
  debitStake(account: AccountId, marketId: string, betId: string, amount: number, update: BetUpdate): Promise<MoneyResult>;
  /** Take several of one account's stakes on one market in one call, keeping `records` too (see Wallet.debitStakes): one answer per item. */
  debitStakes(account: AccountId, marketId: string, items: DebitItem[], records: BetUpdate[]): Promise<MoneyResult[]>;
  /** Keep several of one account's bets' new states in one call. */
  recordBets(account: AccountId, updates: BetUpdate[]): Promise<void>;
  refundStake(account: AccountId, marketId: string, betId: string, update: BetUpdate): Promise<MoneyResult>;
  /** Settle several of one account's bets on one market in one call (see Wallet.settleBets). */
  settleBets(account: AccountId, marketId: string, items: SettleItem[]): Promise<Settled>;
  recordBet(account: AccountId, update: BetUpdate): Promise<void>;
  /** The other market's bet when the id was taken there first, else null. */
  claimRefused(account: AccountId, marketId: string, betId: string, update: BetUpdate): Promise<Bet | null>;
  /** The account's bet with this id, on whichever market holds it, as the wallet last heard of it. */
  betById(account: AccountId, betId: string): Promise<Bet | null>;
  /** Is the account self-excluded now? Asked at the end of a bet's in-play delay. */
  excluded(account: AccountId): Promise<boolean>;
  /** Is the account's session `session` not logged out? Asked once per cash out request on a socket. */
  sessionLive(account: AccountId, session: string): Promise<boolean>;
  /** Credit a cash out's value once, by its key (see Wallet.creditCashOut). */
  creditCashOut(account: AccountId, marketId: string, betId: string, cashOutId: string, amount: number, update: BetUpdate): Promise<MoneyResult>;
}

/** The production port: one wallet object per account, addressed by its id. */
export function walletsOf(ns: Env["WALLET"]): WalletPort {
  const wallet = (account: AccountId) => ns.getByName(account);
  return {
    debitStake: (a, m, b, amount, u) => wallet(a).debitStake(m, b, amount, u),
    debitStakes: (a, m, items, records) => wallet(a).debitStakes(m, items, records),
    recordBets: async (a, updates) => {
      await wallet(a).recordBets(updates);
    },
    refundStake: (a, m, b, u) => wallet(a).refundStake(m, b, u),
    settleBets: (a, m, items) => wallet(a).settleBets(m, items),
    recordBet: async (a, u) => {
      await wallet(a).recordBet(u);
    },
    claimRefused: async (a, m, b, u) => {
      const answer = await wallet(a).claimRefused(m, b, u);
      if (!answer.ok) throw new Error(`claim refused: ${answer.code}`);
      return answer.value.first as Bet | null;
    },
    betById: async (a, b) => (await wallet(a).betById(b)) as Bet | null,
    excluded: (a) => wallet(a).excluded(),
    sessionLive: (a, s) => wallet(a).sessionLive(s),
    creditCashOut: (a, m, b, c, amount, u) => wallet(a).creditCashOut(m, b, c, amount, u),
  };
}
