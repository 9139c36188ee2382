// The base of every object's store: its SQLite, its schema applied once per
// instance, and synchronous transactions. A store's methods never await, so a
// caller can put several of them in one `transact` with no other event between.
export abstract class SqlStore {
  protected readonly sql: SqlStorage;
  readonly #storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage, schema: string) {
    this.#storage = storage;
    this.sql = storage.sql;
    this.sql.exec(schema);
  }

  transact<T>(fn: () => T): T {
    return this.#storage.transactionSync(fn);
  }
}
