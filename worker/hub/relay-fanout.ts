// Fan-out beyond one object, the hub's side. Past a threshold of sockets, new
// viewers are placed on relay objects; the hub publishes each change to every
// relay in order (one in-flight call per relay, frames batched behind it) and
// sums the relays' viewer counts into its own.
// The relay stubs are typed through the binding (Env), so this module imports nothing of the relay.
import { drainOutbox } from "../platform/outbox.ts";

export interface Published {
  /** null for frames outside the change stream (viewer counts). */
  seq: number | null;
  text: string;
}

interface Link {
  queue: Published[];
  sending: boolean;
  count: number;
}

const MAX_TRIES = 8;

export function relayName(marketId: string, index: number): string {
  return `${marketId}/relay-${index}`;
}

export class RelayFanout {
  readonly #ns: Env["MARKET_RELAY"];
  readonly #marketId: () => string;
  readonly #links = new Map<number, Link>();

  constructor(ns: Env["MARKET_RELAY"], marketId: () => string, known: number) {
    this.#ns = ns;
    this.#marketId = marketId;
    for (let i = 0; i < known; i++) this.#link(i);
  }

  get size(): number {
    return this.#links.size;
  }

  stub(index: number) {
    return this.#ns.getByName(relayName(this.#marketId(), index));
  }

  /** Viewers on every relay, as last reported. */
  viewers(): number {
    let n = 0;
    for (const l of this.#links.values()) n += l.count;
    return n;
  }

  /** The relay for a new viewer: the emptiest one with room, else a new one. */
  place(perRelay: number): number {
    let best = -1;
    for (const [i, l] of this.#links) if (l.count < perRelay && (best < 0 || l.count < this.#links.get(best)!.count)) best = i;
    if (best >= 0) {
      this.#links.get(best)!.count++; // provisional until the relay reports
      return best;
    }
    const index = this.#links.size;
    this.#link(index).count = 1;
    return index;
  }

  report(index: number, count: number): void {
    this.#link(index).count = count;
  }

  publish(frame: Published): void {
    for (const [i, l] of this.#links) {
      l.queue.push(frame);
      if (!l.sending) void this.#pump(i, l);
    }
  }

  #link(index: number): Link {
    let l = this.#links.get(index);
    if (!l) {
      l = { queue: [], sending: false, count: 0 };
      this.#links.set(index, l);
    }
    return l;
  }

  /** Send what is queued, in order, one call at a time; a failed call is retried before anything newer. */
  #pump(index: number, link: Link): Promise<void> {
    return drainOutbox(link, {
      take: () => (link.queue.length > 0 ? link.queue.splice(0, 256) : null),
      send: (batch) => this.stub(index).publish(batch),
      putBack: (batch) => link.queue.unshift(...batch),
      // The relay sees the gap in seq on its next frame and fetches it from the log.
      giveUp: () => (link.queue.length = 0),
    }, MAX_TRIES);
  }
}
