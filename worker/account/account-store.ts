// The account object's SQLite: the account (its id, name and password hash)
// and the revoked session ids, each kept until its token would expire anyway.
import { SqlStore } from "../platform/sql-store.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS account (
  id INTEGER PRIMARY KEY CHECK (id = 1), account_id TEXT NOT NULL, name TEXT NOT NULL,
  password_hash TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revoked (jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
`;

export interface AccountRecord {
  accountId: string;
  name: string;
  passwordHash: string;
}

export class AccountStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Has this object's database ever been created? Reads only, so a login for an unknown name writes nothing. */
  static exists(storage: DurableObjectStorage): boolean {
    return storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'account'").toArray().length > 0;
  }

  account(): AccountRecord | null {
    const row = this.sql.exec("SELECT account_id, name, password_hash FROM account WHERE id = 1").toArray()[0];
    if (!row) return null;
    return { accountId: row.account_id as string, name: row.name as string, passwordHash: row.password_hash as string };
  }

  /** Create the account; the single-row key makes a second one fail. */
  create(record: AccountRecord, now: number): void {
    this.sql.exec(
      "INSERT INTO account (id, account_id, name, password_hash, created_at) VALUES (1, ?, ?, ?, ?)",
      record.accountId,
      record.name,
      record.passwordHash,
      now,
    );
  }

  setPasswordHash(hash: string): void {
    this.sql.exec("UPDATE account SET password_hash = ? WHERE id = 1", hash);
  }

  /** Revoke a session id until `expiresAt` (ms); the already expired ones go at the same time. */
  revoke(jti: string, expiresAt: number, now: number): void {
    this.sql.exec("DELETE FROM revoked WHERE expires_at <= ?", now);
    if (expiresAt > now) this.sql.exec("INSERT OR IGNORE INTO revoked (jti, expires_at) VALUES (?, ?)", jti, expiresAt);
  }

  isRevoked(jti: string): boolean {
    return this.sql.exec("SELECT 1 FROM revoked WHERE jti = ?", jti).toArray().length > 0;
  }
}
