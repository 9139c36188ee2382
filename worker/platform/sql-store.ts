// The base of every object's store: its SQLite, its schema brought up to date
// once per instance, and synchronous transactions. A store's methods never
// await, so a caller can put several of them in one `transact` with no other
// event between.
//
// The schema is a list of migrations, applied in order, each once: the number
// applied so far is kept in `schema_version`. The first migration of a store
// created before versions existed is written with IF NOT EXISTS, so it finds
// its tables there and only records itself. Never edit a migration that has
// shipped; append a new one.
export type Migrations = readonly string[];

const VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)";

export abstract class SqlStore {
  protected readonly sql: SqlStorage;
  readonly #storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage, schema: string | Migrations) {
    this.#storage = storage;
    this.sql = storage.sql;
    migrate(storage, typeof schema === "string" ? [schema] : schema);
  }

  transact<T>(fn: () => T): T {
    return this.#storage.transactionSync(fn);
  }
}

/** Apply every migration not yet applied, each in its own transaction with its version number. */
export function migrate(storage: DurableObjectStorage, migrations: Migrations): number {
  const sql = storage.sql;
  sql.exec(VERSION_TABLE);
  const row = sql.exec("SELECT version FROM schema_version WHERE id = 1").toArray()[0];
  let version = (row?.version as number | undefined) ?? 0;
  if (version > migrations.length) throw new Error(`schema version ${version} is newer than this code (${migrations.length})`);
  for (; version < migrations.length; version++) {
    const next = version + 1;
    storage.transactionSync(() => {
      sql.exec(migrations[next - 1]);
      sql.exec("INSERT OR REPLACE INTO schema_version (id, version) VALUES (1, ?)", next);
    });
  }
  return version;
}
