// One view of the book, as a book socket asks for it (every open market, an
// event's markets, or a list of ids; at most 500): which markets are in it,
// and the frames a change of the book makes for it. Pure; unit-tested in Node.
import type { BookServerFrame, MarketTotals, Summary } from "../protocol/book.ts";
import { ErrorCode } from "../protocol/codes.ts";
import { ID_PATTERN } from "../protocol/units.ts";
import { hash32, isFinished } from "./book-rules.ts";
import { type Result, ok, refused } from "./result.ts";

export const VIEW_CAP = 500;
const EVENT_MAX = 120;

export type ViewSpec = { kind: "all" } | { kind: "event"; text: string } | { kind: "ids"; ids: string[] };

/** `?event=` or `?ids=` (not both); neither is every market not yet settled or voided. */
export function parseView(params: URLSearchParams): Result<ViewSpec> {
  const event = params.get("event");
  const ids = params.get("ids");
  if (event !== null && ids !== null) return refused(ErrorCode.INVALID, "ask for event or ids, not both");
  if (event !== null) {
    const text = event.trim();
    if (text.length === 0 || text.length > EVENT_MAX) return refused(ErrorCode.INVALID, `event is 1 to ${EVENT_MAX} characters`);
    return ok({ kind: "event", text });
  }
  if (ids !== null) {
    const list = [...new Set(ids.split(",").filter(Boolean))];
    if (list.length === 0 || list.length > VIEW_CAP) return refused(ErrorCode.INVALID, `ids names 1 to ${VIEW_CAP} markets`);
    if (!list.every((id) => ID_PATTERN.test(id))) return refused(ErrorCode.INVALID, "ids are market ids, comma-separated");
    return ok({ kind: "ids", ids: list.sort() });
  }
  return ok({ kind: "all" });
}

/** The same view always gives the same key, whoever asks. */
export function viewKey(spec: ViewSpec): string {
  if (spec.kind === "all") return "all";
  if (spec.kind === "event") return `event:${spec.text.toLowerCase()}`;
  return `ids:${spec.ids.join(",")}`;
}

/** A short, fixed-length socket tag for a view (tags are limited in length). */
export function viewTag(spec: ViewSpec): string {
  const key = viewKey(spec);
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  return `v:${hex(hash32(key))}${hex(hash32(key, 0x01234567))}`;
}

/** The tag of a view's trader sockets: they hear the view's book figures too. */
export function traderTag(viewTag: string): string {
  return `t${viewTag.slice(1)}`;
}

export function matches(spec: ViewSpec, s: Summary): boolean {
  if (spec.kind === "ids") return spec.ids.includes(s.id);
  if (isFinished(s.status)) return false;
  return spec.kind === "all" || s.event.toLowerCase().includes(spec.text.toLowerCase());
}

export class BookView {
  readonly spec: ViewSpec;
  readonly #ids: Set<string> | null;
  readonly members = new Set<string>();

  /** `book` in its order (oldest first): the view takes the first matches, up to the cap. */
  constructor(spec: ViewSpec, book: ReadonlyMap<string, Summary>) {
    this.spec = spec;
    this.#ids = spec.kind === "ids" ? new Set(spec.ids) : null;
    this.#fill(book);
  }

  #matches(s: Summary): boolean {
    if (this.#ids) return this.#ids.has(s.id);
    return matches(this.spec, s);
  }

  #fill(book: ReadonlyMap<string, Summary>): Summary[] {
    const added: Summary[] = [];
    if (this.members.size >= VIEW_CAP) return added;
    for (const s of book.values()) {
      if (!this.members.has(s.id) && this.#matches(s)) {
        this.members.add(s.id);
        added.push(s);
        if (this.members.size >= VIEW_CAP) break;
      }
    }
    return added;
  }

  /** The view's markets now, for a `book` frame. */
  first(book: ReadonlyMap<string, Summary>): BookServerFrame {
    const markets: Summary[] = [];
    for (const id of this.members) {
      const s = book.get(id);
      if (s) markets.push(s);
    }
    return { type: "book", markets };
  }

  /**
   * The frames for changed summaries, already applied to `book`. A market that
   * leaves the view (settled or voided) gets its last summary and then
   * `removed`; a view under its cap then takes the next matching markets.
   */
  apply(changed: readonly Summary[], book: ReadonlyMap<string, Summary>): BookServerFrame[] {
    const frames: BookServerFrame[] = [];
    let removed = false;
    for (const s of changed) {
      const inView = this.members.has(s.id);
      const fits = this.#matches(s);
      if (inView) {
        frames.push({ type: "summary", market: s });
        if (!fits) {
          this.members.delete(s.id);
          frames.push({ type: "removed", id: s.id });
          removed = true;
        }
      } else if (fits && this.members.size < VIEW_CAP) {
        this.members.add(s.id);
        frames.push({ type: "added", market: s });
      }
    }
    if (removed) for (const s of this.#fill(book)) frames.push({ type: "added", market: s });
    return frames;
  }

  /** The figures held for the view's markets, for a trader socket's first `totals` frame. */
  firstTotals(held: ReadonlyMap<string, MarketTotals>): BookServerFrame {
    const markets: MarketTotals[] = [];
    for (const id of this.members) {
      const t = held.get(id);
      if (t) markets.push(t);
    }
    return { type: "totals", markets };
  }

  /**
   * The figures a change gives the view's traders: those that moved for
   * markets in view, and the held ones of markets the change `added`; null
   * when none.
   */
  totals(moved: readonly MarketTotals[], added: readonly string[], held: ReadonlyMap<string, MarketTotals>): BookServerFrame | null {
    const out = new Map<string, MarketTotals>();
    for (const t of moved) if (this.members.has(t.id)) out.set(t.id, t);
    for (const id of added) {
      const t = held.get(id);
      if (t && !out.has(id)) out.set(id, t);
    }
    return out.size > 0 ? { type: "totals", markets: [...out.values()] } : null;
  }
}
