// A recorded feed: odds and status changes with the pause before each, from
// JSON or CSV text. Every line is checked before anything is sent, so a bad
// file is refused whole with the line that is wrong. Pure: no file system.
import { oddsFromDecimal } from "../../worker/protocol/units.ts";

export type FeedStep =
  | { afterMs: number; odds: Record<string, number> }
  | { afterMs: number; status: "open" | "suspended" | "closed" };

const STATUSES = new Set(["open", "suspended", "closed"]);

function checkStep(raw: unknown, where: string): FeedStep {
  if (typeof raw !== "object" || raw === null) throw new Error(`${where}: a step must be an object`);
  const step = raw as Record<string, unknown>;
  const afterMs = step.afterMs ?? 0;
  if (typeof afterMs !== "number" || !Number.isSafeInteger(afterMs) || afterMs < 0 || afterMs > 3_600_000) {
    throw new Error(`${where}: afterMs must be a whole number of milliseconds, 0 to 3600000`);
  }
  if ("odds" in step) {
    const odds = step.odds as Record<string, unknown>;
    if (typeof odds !== "object" || odds === null || Object.keys(odds).length === 0) {
      throw new Error(`${where}: odds must map selection ids to decimal odds`);
    }
    for (const [sel, value] of Object.entries(odds)) {
      if (typeof value !== "number" || oddsFromDecimal(value) === null) {
        throw new Error(`${where}: odds for ${sel} must be decimal odds 1.01 to 1000 with at most two decimals`);
      }
    }
    return { afterMs, odds: odds as Record<string, number> };
  }
  if (typeof step.status === "string" && STATUSES.has(step.status)) {
    return { afterMs, status: step.status as "open" | "suspended" | "closed" };
  }
  throw new Error(`${where}: a step needs odds or a status of open, suspended or closed`);
}

/** JSON: `{"steps": [{"afterMs": 1000, "odds": {"home": 2.1}}, {"afterMs": 500, "status": "suspended"}]}` or a bare array. */
export function parseJsonFeed(text: string): FeedStep[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON: ${(err as Error).message}`);
  }
  const steps = Array.isArray(doc) ? doc : (doc as { steps?: unknown })?.steps;
  if (!Array.isArray(steps) || steps.length === 0) throw new Error("expected a non-empty array of steps (or {steps: [...]})");
  return steps.map((s, i) => checkStep(s, `step ${i + 1}`));
}

/** CSV with a header `afterMs,selection,odds`; the selection `status` sets the market status to the third column. */
export function parseCsvFeed(text: string): FeedStep[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0]?.replace(/\s/g, "") !== "afterMs,selection,odds") throw new Error("line 1: the header must be afterMs,selection,odds");
  const steps: FeedStep[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === "" || lines[i].startsWith("#")) continue;
    const cells = lines[i].split(",").map((c) => c.trim());
    if (cells.length !== 3) throw new Error(`line ${i + 1}: expected 3 columns, found ${cells.length}`);
    const [after, selection, value] = cells;
    const afterMs = /^\d+$/.test(after) ? Number(after) : Number.NaN;
    const raw = selection === "status" ? { afterMs, status: value } : { afterMs, odds: { [selection]: Number(value) } };
    steps.push(checkStep(raw, `line ${i + 1}`));
  }
  if (steps.length === 0) throw new Error("the file has no steps");
  return steps;
}

/**
 * The first step that names a selection the market does not have, as
 * "step N: unknown selection X", or null when every step fits the market.
 * Checked before the first push, so such a file changes nothing.
 */
export function unknownSelection(steps: FeedStep[], selectionIds: readonly string[]): string | null {
  const known = new Set(selectionIds);
  for (const [i, step] of steps.entries()) {
    if (!("odds" in step)) continue;
    for (const id of Object.keys(step.odds)) if (!known.has(id)) return `step ${i + 1}: unknown selection ${id}`;
  }
  return null;
}

/** A whole number from a command-line flag within [min, max], or null. */
export function wholeNumberFlag(value: string | undefined, fallback: number, min: number, max: number): number | null {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}
