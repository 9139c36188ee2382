// `npm run bench`: the benchmarks one after another with their defaults (they
// share ports 8795-8797, so never at once). Arguments after `--` go to both,
// e.g. `npm run bench -- --port 8795`. Exit status: the first failure's.
import { spawnSync } from "node:child_process";

const benches = ["bench/fanout-latency.ts", "bench/bets-throughput.ts"];
let status = 0;
for (const bench of benches) {
  const r = spawnSync(process.execPath, [bench, ...process.argv.slice(2)], { stdio: "inherit", timeout: 300_000 });
  const code = r.status ?? 1;
  if (code !== 0 && status === 0) status = code;
}
process.exit(status);
