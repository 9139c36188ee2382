// Structured JSON logs: one line an event, with context. Callers pass ids
// and codes, never tokens, tickets, keys or bodies.
type Fields = Record<string, unknown>;

function line(level: "info" | "warn" | "error", event: string, fields: Fields): void {
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
