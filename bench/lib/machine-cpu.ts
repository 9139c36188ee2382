// CPU seconds the whole machine spent busy (all cores, from /proc/stat), so a
// run can say how much of the box went to processes that are neither the
// server nor the load generator: on a shared 2-core machine that explains tails.
import { readFileSync } from "node:fs";

/** USER_HZ: 100 on every mainstream Linux build. */
const CLOCK_TICKS = 100;

/** Busy CPU seconds since boot, summed over cores (NaN where /proc/stat is missing). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
    // cpu user nice system idle iowait irq softirq steal ...
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0);
    return busy / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
