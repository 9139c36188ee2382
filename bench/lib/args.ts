// Command-line flags for the benchmarks, parsed by `node:util` parseArgs
// (strict: an unknown flag or a stray argument is an error, not ignored):
// `--name value` (or `--name=value`) numbers and bare `--flag` switches, with
// defaults. Flags are spelled in kebab case (`--base-port`) for camel-case keys.
import { parseArgs as parseNodeArgs } from "node:util";

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function parseArgs<T extends Record<string, number | boolean>>(argv: string[], defaults: T): T {
  const options = Object.fromEntries(Object.entries(defaults).map(([key, value]) => [kebab(key), { type: typeof value === "boolean" ? ("boolean" as const) : ("string" as const) }]));
  const { values } = parseNodeArgs({ args: argv, options, strict: true, allowPositionals: false });
  const out: Record<string, number | boolean> = { ...defaults };
  for (const [key, fallback] of Object.entries(defaults)) {
    const raw = values[kebab(key)];
    if (raw === undefined) continue;
    if (typeof fallback === "boolean") {
      out[key] = raw as boolean;
      continue;
    }
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || raw === "") throw new Error(`--${kebab(key)} needs a non-negative number`);
    out[key] = n;
  }
  return out as T;
}
