// The punter's display and betting preferences, remembered in localStorage.
import { effect, signal } from "@preact/signals";
import { AcceptPolicy } from "../../worker/protocol/codes.ts";
import { OddsFormat } from "../format.ts";
import { load, save } from "./storage.ts";

const FORMAT_KEY = "edgebook.oddsFormat";
const ACCEPT_KEY = "edgebook.accept";

function pick<T extends string>(stored: string | null, allowed: Record<string, T>, fallback: T): T {
  return (Object.values(allowed) as string[]).includes(stored ?? "") ? (stored as T) : fallback;
}

export class Preferences {
  readonly oddsFormat = signal<OddsFormat>(pick(load(FORMAT_KEY), OddsFormat, OddsFormat.DECIMAL));
  /** How a bet treats a price that moved while it was on its way; by default a better price is taken, as sportsbooks do. */
  readonly accept = signal<AcceptPolicy>(pick(load(ACCEPT_KEY), AcceptPolicy, AcceptPolicy.BETTER));

  constructor() {
    effect(() => save(FORMAT_KEY, this.oddsFormat.value));
    effect(() => save(ACCEPT_KEY, this.accept.value));
  }
}
