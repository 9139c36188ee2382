// The machine a comparison ran on, for the report: CPU model (lscpu), cores,
// memory, kernel, Node, and the load average when the run started.
import { spawnSync } from "node:child_process";
import os from "node:os";

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGB: number;
  kernel: string;
  node: string;
  loadAverage: number[];
}

export function describeMachine(): Machine {
  const lscpu = spawnSync("lscpu", [], { encoding: "utf8", timeout: 5_000 }).stdout ?? "";
  const model = lscpu.match(/^Model name:\s*(.+)$/m)?.[1]?.trim();
  return {
    cpuModel: model || os.cpus()[0]?.model || "unknown",
    cores: os.availableParallelism(),
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
