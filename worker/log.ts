// Structured JSON logs: one line an event, with context. Callers pass ids
// and codes, never tokens, tickets, keys or bodies.
type Fields = Record<string, unknown>;
export type LogLevel = "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };
let threshold = RANK.info;

/** Lines below this level are not written (LOG_LEVEL; the Worker sets it from its environment). */
export function setLogLevel(level: LogLevel): void {
  threshold = RANK[level];
}

function line(level: LogLevel, event: string, fields: Fields): void {
  if (RANK[level] < threshold) return;
  const out = JSON.stringify({ level, event, ts: Date.now(), ...fields });
  if (level === "error") console.error(out);
  else if (level === "warn") console.warn(out);
  else console.log(out);
}

export const log = {
  info: (event: string, fields: Fields = {}) => line("info", event, fields),
  warn: (event: string, fields: Fields = {}) => line("warn", event, fields),
  error: (event: string, err: unknown, fields: Fields = {}) =>
    line("error", event, { ...fields, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
};
