// The book's side of its relays: each change batch goes to every relay, one
// call in flight per relay; what piles up behind a slow call merges (latest
// summary per market wins) into the next, which names the range of book
// versions it covers, so a relay can tell a lost batch and reload. Book
// figures (for traders) merge the same way, latest per market.
import { drainOutbox } from "../platform/outbox.ts";
import type { MarketTotals, Summary } from "../protocol/book.ts";
import type { BookBatch } from "../rules/book-rules.ts";

/** A book relay's stub, typed through the binding. */
type RelayStub = ReturnType<Env["BOOK_RELAY"]["getByName"]>;

interface Link {
  pending: Map<string, Summary>;
  totals: Map<string, MarketTotals>;
  from: number;
  to: number;
  sending: boolean;
  count: number;
}

const MAX_TRIES = 6;
const RETRY_LATER_MS = 5000;

export class BookFanout {
  readonly #stub: (index: number) => RelayStub;
  readonly #incarnation: string;
  readonly #links = new Map<number, Link>();

  constructor(stub: (index: number) => RelayStub, incarnation: string, known: number) {
    this.#stub = stub;
    this.#incarnation = incarnation;
    for (let i = 0; i < known; i++) this.#link(i);
  }

  get size(): number {
    return this.#links.size;
  }

  /** The relay for a new book socket: the emptiest with room, else a new one. */
  place(perRelay: number): number {
    let best = -1;
    for (const [i, l] of this.#links) if (l.count < perRelay && (best < 0 || l.count < this.#links.get(best)!.count)) best = i;
    if (best < 0) best = this.#links.size;
    this.#link(best).count++; // provisional until the relay reports
    return best;
  }

  report(index: number, count: number): void {
    this.#link(index).count = count;
  }

  viewers(): number {
    let n = 0;
    for (const l of this.#links.values()) n += l.count;
    return n;
  }

  /** The book moved from `version - 1` to `version` with these summaries and figures. */
  publish(version: number, summaries: Summary[], totals: MarketTotals[] = []): void {
    for (const [i, l] of this.#links) {
      if (l.pending.size === 0 && l.totals.size === 0) l.from = version - 1;
      for (const s of summaries) l.pending.set(s.id, s);
      for (const t of totals) l.totals.set(t.id, t);
      l.to = version;
      if (!l.sending) void this.#pump(i, l);
    }
  }

  #link(index: number): Link {
    const l = this.#links.get(index) ?? { pending: new Map(), totals: new Map(), from: 0, to: 0, sending: false, count: 0 };
    this.#links.set(index, l);
    return l;
  }

  #pump(index: number, link: Link): Promise<void> {
    return drainOutbox(link, {
      take: () => {
        if (link.pending.size === 0 && link.totals.size === 0) return null;
        const batch: BookBatch = { incarnation: this.#incarnation, from: link.from, to: link.to, summaries: [...link.pending.values()] };
        if (link.totals.size > 0) batch.totals = [...link.totals.values()];
        link.pending.clear();
        link.totals.clear();
        return batch;
      },
      send: (batch) => this.#stub(index).publish(batch),
      putBack: (batch) => {
        // Under anything newer that arrived meanwhile; the range now starts where the batch did.
        for (const s of batch.summaries) if (!link.pending.has(s.id)) link.pending.set(s.id, s);
        for (const t of batch.totals ?? []) if (!link.totals.has(t.id)) link.totals.set(t.id, t);
        link.from = batch.from;
      },
      // Keep what waits (merged, so bounded by the book's size) and try again later: the last
      // change before a quiet spell must reach the relay too, not only a gap on the next batch.
      giveUp: () => {
        setTimeout(() => {
          if (!link.sending && (link.pending.size > 0 || link.totals.size > 0)) void this.#pump(index, link);
        }, RETRY_LATER_MS);
      },
    }, MAX_TRIES);
  }
}
