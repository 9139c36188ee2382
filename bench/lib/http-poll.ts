// The polling alternative to the socket: clients that ask
// `GET /api/markets/:id` (through the SDK's EdgebookApi) every `intervalMs`,
// each at its own phase, while odds change at `rate` a second. Measures the
// staleness polling adds (from a change's publish to the first poll answer
// that shows it), the server's CPU per poll answer, and the bytes one poll
// costs on the wire: request and response with their headers, counted on the
// TCP socket of a poller that goes through node:http.
import http from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { EdgebookApi } from "../../client/sdk/api.ts";
import type { EdgebookSystem } from "./edgebook-system.ts";
import { machineBusySeconds } from "./machine-cpu.ts";
import { type Summary, summarize } from "./stats.ts";

export interface PollParams {
  system: EdgebookSystem;
  pollers: number;
  intervalMs: number;
  /** Odds changes a second while polling. */
  rate: number;
  /** How long changes are published; polling goes on one interval longer, so every poller sees the last. */
  seconds: number;
  firstK: number;
}

export interface PollResult {
  pollers: number;
  polls: number;
  pollsPerSec: number;
  /** Publish to first poll answer showing the change, over every (change, poller). */
  stalenessMs: Summary;
  pollRoundTripMs: Summary;
  serverCpuSeconds: number;
  cpuUsPerPoll: number;
  workerCpuUsPerPoll: number | null;
  clientUtilisation: number;
  otherCpuSeconds: number;
  /** Request plus response, headers included, per poll. */
  bytesPerPoll: number;
  requestBytes: number;
  responseBytes: number;
  errors: string[];
  changes: number;
}

/** A `fetch` over node:http on one keep-alive socket that adds each exchange's bytes to `counter`. */
export function countingFetch(counter: { written: number; read: number; exchanges: number }): typeof fetch {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      let socket: Socket | null = null;
      let r0 = 0;
      let w0 = 0;
      const req = http.request(url, { method: init?.method ?? "GET", headers: init?.headers as Record<string, string>, agent, signal: init?.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (socket) {
            counter.read += socket.bytesRead - r0;
            counter.written += socket.bytesWritten - w0;
            counter.exchanges++;
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers.set(k, v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502, headers }));
        });
        res.on("error", reject);
      });
      req.on("socket", (s: Socket) => {
        socket = s;
        r0 = s.bytesRead;
        w0 = s.bytesWritten;
      });
      req.on("error", reject);
      req.end(typeof init?.body === "string" ? init.body : undefined);
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runPolling(p: PollParams): Promise<PollResult> {
  const { system } = p;
  const counter = { written: 0, read: 0, exchanges: 0 };
  const apis = Array.from({ length: p.pollers }, (_, i) => (i === 0 ? new EdgebookApi(system.platform.url, undefined, { fetch: countingFetch(counter) }) : new EdgebookApi(system.platform.url)));
  const sentAt = new Map<number, number>();
  const errors: string[] = [];
  /** Per poller, the answers in order: when it arrived and the seq it showed. */
  const seen: { at: number; seq: number }[][] = apis.map(() => []);
  const roundTrips: number[] = [];

  const cpu0 = { server: system.sample(), client: process.cpuUsage(), machine: machineBusySeconds() };
  const t0 = performance.now();
  const publishUntil = t0 + p.seconds * 1000;
  const pollUntil = publishUntil + p.intervalMs + 200;

  const publishing = (async () => {
    const intervalMs = 1000 / p.rate;
    const inflight: Promise<void>[] = [];
    for (let i = 0; t0 + i * intervalMs < publishUntil; i++) {
      const due = t0 + i * intervalMs;
      if (due > performance.now()) await sleep(due - performance.now());
      const sent = performance.now();
      inflight.push(
        system.publish(p.firstK + i).then(
          (seq) => void sentAt.set(seq, sent),
          (err: unknown) => void errors.push(`publish: ${err instanceof Error ? err.message : String(err)}`),
        ),
      );
    }
    await Promise.all(inflight);
  })();

  const polling = apis.map(async (api, i) => {
    // Each poller at its own phase, as independent clients would be.
    await sleep((i / p.pollers) * p.intervalMs);
    for (let n = 0; performance.now() < pollUntil; n++) {
      const due = t0 + (i / p.pollers) * p.intervalMs + n * p.intervalMs;
      if (due > performance.now()) await sleep(due - performance.now());
      if (performance.now() >= pollUntil) break;
      const asked = performance.now();
      try {
        const market = await api.market(system.marketId);
        const at = performance.now();
        roundTrips.push(at - asked);
        seen[i].push({ at, seq: market.seq });
      } catch (err) {
        errors.push(`poll: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  });
  await Promise.all([publishing, ...polling]);
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = { server: system.sample(), client: process.cpuUsage(cpu0.client), machine: machineBusySeconds() };

  // Staleness of every published change at every poller: the first answer at or after it, minus its publish.
  const seqs = [...sentAt.keys()].sort((a, b) => a - b);
  const staleness: number[] = [];
  for (const answers of seen) {
    let j = 0;
    for (const seq of seqs) {
      const published = sentAt.get(seq)!;
      while (j < answers.length && answers[j].seq < seq) j++;
      if (j >= answers.length) break;
      // An answer showing the change cannot precede its publish; guard against clock order anyway.
      staleness.push(Math.max(0, answers[j].at - published));
    }
  }
  const polls = roundTrips.length;
  const serverCpuSeconds = cpu1.server.cpuSeconds - cpu0.server.cpuSeconds;
  const split0 = system.cpuSplit?.(cpu0.server);
  const split1 = system.cpuSplit?.(cpu1.server);
  const clientCpu = (cpu1.client.user + cpu1.client.system) / 1e6;
  return {
    pollers: p.pollers,
    polls,
    pollsPerSec: polls / wall,
    stalenessMs: summarize(staleness),
    pollRoundTripMs: summarize(roundTrips),
    serverCpuSeconds,
    cpuUsPerPoll: (serverCpuSeconds / polls) * 1e6,
    workerCpuUsPerPoll: split0 && split1 ? ((split1.worker - split0.worker) / polls) * 1e6 : null,
    clientUtilisation: clientCpu / wall,
    otherCpuSeconds: cpu1.machine - cpu0.machine - serverCpuSeconds - clientCpu,
    bytesPerPoll: (counter.read + counter.written) / counter.exchanges,
    requestBytes: counter.written / counter.exchanges,
    responseBytes: counter.read / counter.exchanges,
    errors,
    changes: seqs.length,
  };
}
