// The market list's query (`GET /api/markets`): filters, page size and the
// opaque cursor. Pure; every malformed parameter is an INVALID message.
import { ErrorCode, MarketStatus } from "../protocol/codes.ts";
import { ID_PATTERN } from "../protocol/units.ts";
import { type Result, ok, refused } from "./result.ts";

export const LIST_DEFAULT = 100;
export const LIST_MAX = 500;
const EVENT_MAX = 120;

export interface Position {
  createdAt: number;
  id: string;
}

export interface ListQuery {
  /** Empty: any status, with the one-hour rule for settled and voided markets. */
  statuses: MarketStatus[];
  event: string | null;
  inPlay: boolean | null;
  limit: number;
  after: Position | null;
}

const STATUSES = new Set<string>(Object.values(MarketStatus));
const invalid = (message: string) => refused(ErrorCode.INVALID, message);

export function parseListQuery(params: URLSearchParams): Result<ListQuery> {
  const statuses = params.getAll("status");
  for (const s of statuses) if (!STATUSES.has(s)) return invalid("status is one of open, suspended, closed, settled, voided");
  const events = params.getAll("event");
  const inPlays = params.getAll("inPlay");
  const limits = params.getAll("limit");
  const cursors = params.getAll("cursor");
  if (events.length > 1 || inPlays.length > 1 || limits.length > 1 || cursors.length > 1) {
    return invalid("only status may repeat");
  }
  const event = events[0]?.trim() ?? null;
  if (event !== null && event.length > EVENT_MAX) return invalid(`event is at most ${EVENT_MAX} characters`);
  const inPlay = inPlays[0];
  if (inPlay !== undefined && inPlay !== "true" && inPlay !== "false") return invalid("inPlay is true or false");
  let limit = LIST_DEFAULT;
  if (limits[0] !== undefined) {
    if (!/^\d{1,3}$/.test(limits[0])) return invalid(`limit is an integer 1..${LIST_MAX}`);
    limit = Number(limits[0]);
    if (limit < 1 || limit > LIST_MAX) return invalid(`limit is an integer 1..${LIST_MAX}`);
  }
  let after: Position | null = null;
  if (cursors[0] !== undefined) {
    after = decodeCursor(cursors[0]);
    if (!after) return invalid("cursor is not one this server gave");
  }
  return ok({
    statuses: [...new Set(statuses)] as MarketStatus[],
    event: event || null,
    inPlay: inPlay === undefined ? null : inPlay === "true",
    limit,
    after,
  });
}

/** Opaque to clients: the last market of a page, base64url of `createdAt.id`. */
export function encodeCursor(p: Position): string {
  return btoa(`${p.createdAt}.${p.id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): Position | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
  const m = /^(\d{1,15})\.(.+)$/.exec(text);
  if (!m || !ID_PATTERN.test(m[2])) return null;
  return { createdAt: Number(m[1]), id: m[2] };
}
