// What every server in the comparison offers the benchmark: open a measuring
// subscriber, publish odds change k (answering its seq), and its process
// group's CPU and memory from /proc.
import type { GroupSample } from "./process-group.ts";
import type { Subscriber, SubscriberOptions } from "./subscriber.ts";

export const SYSTEMS = ["edgebook", "reference-do", "socket.io", "ws", "http-poll"] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface SubscribeOptions {
  onOdds?: SubscriberOptions["onOdds"];
  timeoutMs?: number;
  /** Socket.IO only: use the official socket.io-client rather than the raw-ws dialect. */
  official?: boolean;
}

/** CPU seconds by role inside the server's group: workerd (the Worker), the start script's Node (the front), the rest. */
export interface CpuSplit {
  worker: number;
  proxy: number;
  other: number;
}

export interface SystemUnderTest {
  name: Exclude<SystemName, "http-poll">;
  /**
   * The server numbers the changes as it applies them, so every socket must see
   * seq rise by exactly one. False for the reference object, which relays frames
   * the load generator numbered: publishes in flight together may arrive in
   * another order (missed frames are still counted).
   */
  ordered: boolean;
  /** One line for the log: where it runs and how. */
  describe: string;
  subscribe(opts: SubscribeOptions): Promise<Subscriber>;
  /** Publish odds change k; resolves with the seq the change got. */
  publish(k: number): Promise<number>;
  sample(): GroupSample;
  cpuSplit?(s: GroupSample): CpuSplit;
  /** Problems seen in the server's log (Worker errors). */
  health(): string[];
  stop(): Promise<void>;
}

/** POST a body and expect 2xx; the JSON answer, or an exception naming the status. */
export async function postJson<T>(url: string, body: string): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** Wait until `url` answers 2xx, bounded. */
export async function waitHealthy(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the server behind ${url} exited before it was ready`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
}

export function splitCpu(s: GroupSample, isWorker: (cmd: string) => boolean, isProxy: (cmd: string) => boolean): CpuSplit {
  const split = { worker: 0, proxy: 0, other: 0 };
  for (const p of s.processes) {
    if (isWorker(p.cmd)) split.worker += p.cpuSeconds;
    else if (isProxy(p.cmd)) split.proxy += p.cpuSeconds;
    else split.other += p.cpuSeconds;
  }
  return split;
}
