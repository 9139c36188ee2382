// The wallet's SQLite: the account, the append-only ledger, refusals (so a
// retried debit that failed fails the same way), the account's bets, the
// first answer to each deposit or withdrawal id, the account's limits and
// self-exclusion, and a guest's logged-out session ids.
import type { Bet } from "../protocol/schemas.ts";
import type { Role } from "../protocol/codes.ts";
import type { Money } from "../protocol/units.ts";
import type { EntryKind } from "../rules/ledger.ts";
import { SqlStore } from "../platform/sql-store.ts";
import type { BetPosition } from "../rules/bet-page.ts";
import { MULTIPLES_MIGRATION } from "./multiple-store.ts";
import { newestFirst } from "./newest-first.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS account (
  id INTEGER PRIMARY KEY CHECK (id = 1), account_id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
  balance INTEGER NOT NULL CHECK (balance >= 0), created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
  n INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
  amount INTEGER NOT NULL, balance_after INTEGER NOT NULL CHECK (balance_after >= 0), ts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refusals (key TEXT PRIMARY KEY, reason TEXT NOT NULL, ts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bets (
  market_id TEXT NOT NULL, bet_id TEXT NOT NULL, placed_at INTEGER NOT NULL, version INTEGER NOT NULL,
  bet TEXT NOT NULL, PRIMARY KEY (market_id, bet_id)
);
CREATE INDEX IF NOT EXISTS bets_placed ON bets (placed_at);
-- A bet id is the account's idempotency key across every market: the first market to debit it owns it.
CREATE TABLE IF NOT EXISTS bet_ids (bet_id TEXT PRIMARY KEY, market_id TEXT NOT NULL);
-- The ledger is append-only: no row is ever changed or removed.
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
`;

const MONEY_REQUESTS = `
-- The first answer to each deposit or withdrawal id (one namespace for both): code NULL when it was done.
CREATE TABLE requests (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, amount INTEGER NOT NULL, code TEXT, balance INTEGER NOT NULL
);
-- The account's limits and self-exclusion, each a JSON value under its name.
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- A day's deposits and losses are summed from the day's start.
CREATE INDEX ledger_ts ON ledger (ts);
`;

// A guest's logged-out session ids, each kept until its token would expire anyway (ms).
const GUEST_SESSIONS = `
CREATE TABLE revoked_sessions (jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
`;

export interface AccountRow {
  accountId: string;
  name: string;
  role: Role;
  balance: Money;
}

export type LedgerEntry = {
  n: number;
  key: string;
  kind: EntryKind;
  amount: number;
  balanceAfter: Money;
  ts: number;
};

/** A ledger row under the entry's own field names, so rows need no mapping. */
const ENTRY_COLUMNS = "n, key, kind, amount, balance_after AS balanceAfter, ts";

/** A deposit's or withdrawal's first answer, kept under its id. */
export interface MoneyRequest {
  kind: EntryKind;
  amount: number;
  /** The refusal's code, or null when the money moved. */
  code: string | null;
  balance: number;
}

export class WalletStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, [SCHEMA, MONEY_REQUESTS, GUEST_SESSIONS, MULTIPLES_MIGRATION]);
  }

  /** Refuse a guest's session id until `expiresAt` (ms); the already expired ones go at the same time. */
  revokeSession(jti: string, expiresAt: number, now: number): void {
    this.sql.exec("DELETE FROM revoked_sessions WHERE expires_at <= ?", now);
    if (expiresAt > now) this.sql.exec("INSERT OR IGNORE INTO revoked_sessions (jti, expires_at) VALUES (?, ?)", jti, expiresAt);
  }

  sessionRevoked(jti: string): boolean {
    return this.sql.exec("SELECT 1 FROM revoked_sessions WHERE jti = ?", jti).toArray().length > 0;
  }

  request(id: string): MoneyRequest | null {
    return this.sql.exec<{ kind: EntryKind; amount: number; code: string | null; balance: number }>("SELECT kind, amount, code, balance FROM requests WHERE id = ?", id).toArray()[0] ?? null;
  }

  putRequest(id: string, r: MoneyRequest): void {
    this.sql.exec("INSERT INTO requests (id, kind, amount, code, balance) VALUES (?, ?, ?, ?, ?)", id, r.kind, r.amount, r.code, r.balance);
  }

  setting<T>(name: string): T | null {
    const row = this.sql.exec("SELECT value FROM settings WHERE name = ?", name).toArray()[0];
    return row ? (JSON.parse(row.value as string) as T) : null;
  }

  putSetting(name: string, value: unknown): void {
    this.sql.exec("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, JSON.stringify(value));
  }

  /** The sum of the amounts of entries of these kinds from `since` (ms) on. */
  sumSince(kinds: readonly EntryKind[], since: number): number {
    const marks = kinds.map(() => "?").join(", ");
    const r = this.sql.exec(`SELECT COALESCE(SUM(amount), 0) AS s FROM ledger WHERE ts >= ? AND kind IN (${marks})`, since, ...kinds).toArray()[0];
    return r.s as number;
  }

  /** Up to `limit` entries numbered below `below`, newest first. */
  ledgerBelow(below: number, limit: number): LedgerEntry[] {
    return this.sql.exec<LedgerEntry>(`SELECT ${ENTRY_COLUMNS} FROM ledger WHERE n < ? ORDER BY n DESC LIMIT ?`, below, limit).toArray();
  }

  account(): AccountRow | null {
    const r = this.sql.exec("SELECT account_id, name, role, balance FROM account WHERE id = 1").toArray()[0];
    if (!r) return null;
    return { accountId: r.account_id as string, name: r.name as string, role: r.role as Role, balance: r.balance as Money };
  }

  createAccount(accountId: string, name: string, role: Role, now: number): void {
    this.sql.exec(
      "INSERT INTO account (id, account_id, name, role, balance, created_at) VALUES (1, ?, ?, ?, 0, ?)",
      accountId,
      name,
      role,
      now,
    );
  }

  entry(key: string): LedgerEntry | null {
    return this.sql.exec<LedgerEntry>(`SELECT ${ENTRY_COLUMNS} FROM ledger WHERE key = ?`, key).toArray()[0] ?? null;
  }

  refusal(key: string): string | null {
    const r = this.sql.exec("SELECT reason FROM refusals WHERE key = ?", key).toArray()[0];
    return r ? (r.reason as string) : null;
  }

  /** Append a ledger row and move the balance to match, in the caller's transaction. */
  append(key: string, kind: EntryKind, amount: number, balanceAfter: Money, ts: number): void {
    this.sql.exec(
      "INSERT INTO ledger (key, kind, amount, balance_after, ts) VALUES (?, ?, ?, ?, ?)",
      key,
      kind,
      amount,
      balanceAfter,
      ts,
    );
    this.sql.exec("UPDATE account SET balance = ? WHERE id = 1", balanceAfter);
  }

  refuse(key: string, reason: string, ts: number): void {
    this.sql.exec("INSERT OR IGNORE INTO refusals (key, reason, ts) VALUES (?, ?, ?)", key, reason, ts);
  }

  /** The newest ledger row's number (0 for none): rises with every move. */
  lastEntry(): number {
    const r = this.sql.exec("SELECT COALESCE(MAX(n), 0) AS n FROM ledger").toArray()[0];
    return r.n as number;
  }

  ledgerSum(): number {
    const r = this.sql.exec("SELECT COALESCE(SUM(amount), 0) AS s FROM ledger").toArray()[0];
    return r.s as number;
  }

  ledger(limit: number): LedgerEntry[] {
    return this.sql.exec<LedgerEntry>(`SELECT ${ENTRY_COLUMNS} FROM ledger ORDER BY n DESC LIMIT ?`, limit).toArray();
  }

  /** Keep the newest version of a bet the hub has told us about. */
  upsertBet(bet: Bet, version: number): void {
    this.sql.exec(
      `INSERT INTO bets (market_id, bet_id, placed_at, version, bet) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (market_id, bet_id) DO UPDATE SET version = excluded.version, bet = excluded.bet
       WHERE excluded.version > bets.version`,
      bet.marketId,
      bet.id,
      bet.placedAt,
      version,
      JSON.stringify(bet),
    );
  }

  /** Claim a bet id for a market; the market that holds it already if another one does. */
  claimBetId(betId: string, marketId: string): string | null {
    const row = this.sql.exec("SELECT market_id FROM bet_ids WHERE bet_id = ?", betId).toArray()[0];
    if (row) return row.market_id === marketId ? null : (row.market_id as string);
    this.sql.exec("INSERT INTO bet_ids (bet_id, market_id) VALUES (?, ?)", betId, marketId);
    return null;
  }

  /** The market that holds this bet id, or null. */
  owner(betId: string): string | null {
    const row = this.sql.exec("SELECT market_id FROM bet_ids WHERE bet_id = ?", betId).toArray()[0];
    return row ? (row.market_id as string) : null;
  }

  bet(marketId: string, betId: string): Bet | null {
    const row = this.sql.exec("SELECT bet FROM bets WHERE market_id = ? AND bet_id = ?", marketId, betId).toArray()[0];
    return row ? (JSON.parse(row.bet as string) as Bet) : null;
  }

  /** One page of the account's bets, newest first, after `below` (a position a page ended at). */
  bets(limit: number, below: BetPosition | null = null): { bets: Bet[]; next: BetPosition | null } {
    const page = newestFirst(this.sql, "bets", "bet", limit, below);
    return { bets: page.values.map((b) => JSON.parse(b) as Bet), next: page.next };
  }
}
