// The account object's SQLite: the account (its id, name and password hash),
// the revoked session ids, each kept until its token would expire anyway, its
// passkeys, and the passkey challenges it has accepted (until they expire).
import { type Migrations, SqlStore } from "../platform/sql-store.ts";
import type { PasskeyAlgorithm, StoredPasskey } from "./passkey-verify.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS account (
  id INTEGER PRIMARY KEY CHECK (id = 1), account_id TEXT NOT NULL, name TEXT NOT NULL,
  password_hash TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revoked (jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
`;

/** Version 2: passkeys. An account registered with a passkey alone has an empty password_hash, which matches no password. */
const PASSKEYS = `
CREATE TABLE passkeys (
  credential_id TEXT PRIMARY KEY, algorithm INTEGER NOT NULL, public_key TEXT NOT NULL,
  counter INTEGER NOT NULL, created_at INTEGER NOT NULL, last_used_at INTEGER
);
CREATE TABLE used_challenges (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
`;

const MIGRATIONS: Migrations = [SCHEMA, PASSKEYS];

export interface PasskeyRecord extends StoredPasskey {
  createdAt: number;
  lastUsedAt: number | null;
}

export interface AccountRecord {
  accountId: string;
  name: string;
  passwordHash: string;
}

export class AccountStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, MIGRATIONS);
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

  passkeys(): PasskeyRecord[] {
    return this.sql
      .exec("SELECT credential_id, algorithm, public_key, counter, created_at, last_used_at FROM passkeys ORDER BY created_at, credential_id")
      .toArray()
      .map(passkeyOf);
  }

  passkey(credentialId: string): PasskeyRecord | null {
    const row = this.sql.exec("SELECT credential_id, algorithm, public_key, counter, created_at, last_used_at FROM passkeys WHERE credential_id = ?", credentialId).toArray()[0];
    return row ? passkeyOf(row) : null;
  }

  /** Add a passkey; false if the account has it already. */
  addPasskey(passkey: StoredPasskey, now: number): boolean {
    if (this.passkey(passkey.id)) return false;
    this.sql.exec(
      "INSERT INTO passkeys (credential_id, algorithm, public_key, counter, created_at) VALUES (?, ?, ?, ?, ?)",
      passkey.id,
      passkey.algorithm,
      passkey.publicKey,
      passkey.counter,
      now,
    );
    return true;
  }

  passkeyUsed(credentialId: string, counter: number, now: number): void {
    this.sql.exec("UPDATE passkeys SET counter = ?, last_used_at = ? WHERE credential_id = ?", counter, now, credentialId);
  }

  /** Record a challenge's use; false if it was used already. Expired ones go at the same time (they are refused before reaching here). */
  useChallenge(nonce: string, expiresAt: number, now: number): boolean {
    this.sql.exec("DELETE FROM used_challenges WHERE expires_at <= ?", now);
    if (this.sql.exec("SELECT 1 FROM used_challenges WHERE nonce = ?", nonce).toArray().length > 0) return false;
    this.sql.exec("INSERT INTO used_challenges (nonce, expires_at) VALUES (?, ?)", nonce, expiresAt);
    return true;
  }
}

function passkeyOf(row: Record<string, SqlStorageValue>): PasskeyRecord {
  return {
    id: row.credential_id as string,
    algorithm: row.algorithm as PasskeyAlgorithm,
    publicKey: row.public_key as string,
    counter: row.counter as number,
    createdAt: row.created_at as number,
    lastUsedAt: (row.last_used_at as number | null) ?? null,
  };
}
