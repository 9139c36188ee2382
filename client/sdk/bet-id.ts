// Client-generated bet ids: the idempotency key of a bet. Made before the bet
// is sent and kept, so a retry after a lost answer names the same bet.
import { BET_ID_PATTERN } from "../../worker/protocol/units.ts";

/** "b_" and 32 hex characters: well inside 8 to 64 of [A-Za-z0-9_-]. */
export function newBetId(): string {
  // randomUUID exists only in secure contexts; a page served over plain http
  // from a LAN address still has getRandomValues.
  if (typeof crypto.randomUUID === "function") return `b_${crypto.randomUUID().replaceAll("-", "")}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `b_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function isBetId(value: string): boolean {
  return BET_ID_PATTERN.test(value);
}
