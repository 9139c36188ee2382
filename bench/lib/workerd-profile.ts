// Bench-only: a CPU profile of the Worker's isolate through workerd's
// inspector (Chrome DevTools protocol over a WebSocket), started before a
// load and stopped after it. The result summarises self time by function, and
// the raw profile is written for DevTools.
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  startTime: number;
  endTime: number;
}

export interface RunningProfile {
  /** Stop, write the raw profile to `file`, and return the top self-time lines. */
  stop(file: string, top?: number): Promise<string[]>;
}

/** A Chrome DevTools protocol session with one of workerd's isolates. */
export interface InspectorSession {
  send(method: string, params?: object): Promise<unknown>;
  /** Every event of `method` the session hears, to `listener`. */
  on(method: string, listener: (params: unknown) => void): void;
  close(): void;
}

/** The isolates workerd's inspector on `port` lists: the Worker's own first. */
export async function inspectorTargets(port: number): Promise<{ title: string; url: string }[]> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl?: string; id?: string; title?: string }[];
  return targets.map((t) => ({ title: t.title ?? t.id ?? "?", url: t.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${t.id ?? ""}` }));
}

/** Open a session with the isolate at `url` (see inspectorTargets). */
export async function connectInspector(url: string): Promise<InspectorSession> {
  const ws = new WebSocket(url, { maxPayload: 2 ** 31 - 1 });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let next = 1;
  const waiting = new Map<number, (r: unknown) => void>();
  const listeners = new Map<string, (params: unknown) => void>();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; method?: string; params?: unknown };
    if (msg.id !== undefined) {
      waiting.get(msg.id)?.(msg.result);
      waiting.delete(msg.id);
    } else if (msg.method !== undefined) listeners.get(msg.method)?.(msg.params);
  });
  return {
    send: (method, params = {}) =>
      new Promise<unknown>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`the inspector did not answer ${method} within 120 s`));
        }, 120_000);
        waiting.set(id, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    on: (method, listener) => void listeners.set(method, listener),
    close: () => ws.close(),
  };
}

/** Attach to the first target the inspector on `port` lists and start the sampling profiler. */
export async function startWorkerdProfile(port: number): Promise<RunningProfile> {
  const [first] = await inspectorTargets(port);
  const { send, close } = await connectInspector(first.url);
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 500 });
  await send("Profiler.start");
  return {
    async stop(file, top = 25) {
      const { profile } = (await send("Profiler.stop")) as { profile: Profile };
      close();
      writeFileSync(file, JSON.stringify(profile));
      return summarise(profile, top);
    },
  };
}

function summarise(p: Profile, top: number): string[] {
  const total = p.samples?.length ?? p.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const byName = new Map<string, number>();
  for (const n of p.nodes) {
    const where = n.callFrame.url ? `${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber + 1}` : "";
    const name = `${n.callFrame.functionName || "(anonymous)"} ${where}`.trim();
    byName.set(name, (byName.get(name) ?? 0) + (n.hitCount ?? 0));
  }
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, hits]) => `${((100 * hits) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${name}`);
}
