// One page of a wallet table whose rows carry `placed_at`, newest first, by
// keyset: a page ends at a position (time and rowid) and the next starts
// below it, so a page is never cut or repeated by rows added meanwhile.
import type { BetPosition } from "../rules/bet-page.ts";

/** Up to `limit` values of `column` from `table`, newest first, below `below`; `next` when more remain. */
export function newestFirst(sql: SqlStorage, table: string, column: string, limit: number, below: BetPosition | null): { values: string[]; next: BetPosition | null } {
  const cols = `SELECT rowid AS row, placed_at, ${column} AS value FROM ${table}`;
  const rows = (
    below === null
      ? sql.exec(`${cols} ORDER BY placed_at DESC, rowid DESC LIMIT ?`, limit + 1)
      : sql.exec(`${cols} WHERE placed_at < ?1 OR (placed_at = ?1 AND rowid < ?2) ORDER BY placed_at DESC, rowid DESC LIMIT ?3`, below.placedAt, below.row, limit + 1)
  ).toArray();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    values: page.map((r) => r.value as string),
    next: rows.length > limit && last ? { placedAt: last.placed_at as number, row: last.row as number } : null,
  };
}
