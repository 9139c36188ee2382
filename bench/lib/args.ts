// Command-line flags for the benchmarks: `--name value` numbers and bare
// `--flag` switches, with defaults; anything unknown is an error, not ignored.
export function parseArgs<T extends Record<string, number | boolean>>(argv: string[], defaults: T): T {
  const out: Record<string, number | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = arg.match(/^--([a-z][a-z-]*)(?:=(.*))?$/);
    const key = m?.[1].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!m || key === undefined || !(key in defaults)) throw new Error(`unknown argument ${arg}; known: ${Object.keys(defaults).join(", ")}`);
    if (typeof defaults[key] === "boolean") {
      out[key] = m[2] === undefined ? true : m[2] !== "false";
      continue;
    }
    const raw = m[2] ?? argv[++i];
    const n = Number(raw);
    if (raw === undefined || !Number.isFinite(n) || n < 0) throw new Error(`--${m[1]} needs a non-negative number`);
    out[key] = n;
  }
  return out as T;
}
