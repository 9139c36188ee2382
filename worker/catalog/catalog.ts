// The catalogue: the set of market ids, written only when a market is
// created. Odds pushes never touch it; the market list asks each hub for its
// current state, and socket upgrades consult it (through a per-isolate cache)
// so junk ids never create objects.
import { DurableObject } from "cloudflare:workers";

export class Catalog extends DurableObject<Env> {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec("CREATE TABLE IF NOT EXISTS markets (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL)");
  }

  add(id: string): void {
    this.#sql.exec("INSERT OR IGNORE INTO markets (id, created_at) VALUES (?, ?)", id, Date.now());
  }

  has(id: string): boolean {
    return this.#sql.exec("SELECT 1 FROM markets WHERE id = ?", id).toArray().length > 0;
  }

  list(): string[] {
    return this.#sql
      .exec("SELECT id FROM markets ORDER BY created_at, id")
      .toArray()
      .map((r) => r.id as string);
  }
}
