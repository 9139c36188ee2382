// Paging an account's bets, newest first, pure: the position a page ends at
// (the bet's placing time and its row) as an opaque cursor, and back.

export interface BetPosition {
  placedAt: number;
  row: number;
}

/** Opaque to clients: base64 of `b<placedAt>.<row>`, without padding. */
export function encodeBetCursor(p: BetPosition): string {
  return btoa(`b${p.placedAt}.${p.row}`).replace(/=/g, "");
}

/** The position a cursor this server gave names, or null for anything else. */
export function decodeBetCursor(cursor: string): BetPosition | null {
  const text = /^[A-Za-z0-9]{1,48}$/.test(cursor) ? fromBase64(cursor) : null;
  const m = text === null ? null : /^b(\d{1,15})\.(\d{1,15})$/.exec(text);
  return m ? { placedAt: Number(m[1]), row: Number(m[2]) } : null;
}

function fromBase64(text: string): string | null {
  try {
    return atob(text);
  } catch {
    return null;
  }
}
