// Raw-socket tools for tests against the real server: exchanges the way an
// attacker would write them, from a chosen loopback source address.
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import net from "node:net";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Write `bytes` on a fresh connection from `localAddress` and collect what
 * comes back until the server closes the connection or `waitMs` passes.
 */
export function exchange(port: number, bytes: string, opts: { localAddress?: string; waitMs?: number } = {}): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress: opts.localAddress ?? "127.0.0.1" });
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, opts.waitMs ?? 5_000);
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (d) => (text += d.toString("latin1")));
    socket.on("error", (err) => {
      clearTimeout(timer);
      if (text) resolve({ text, closedByServer: true });
      else reject(err);
    });
    socket.on("end", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closedByServer: true });
    });
  });
}

/** The status codes of every HTTP response head in `text`. */
export function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

export function request(method: string, path: string, port: number, headers: Record<string, string>, body = ""): string {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body || method === "POST") lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

export function upgradeRequest(path: string, port: number, extra: Record<string, string> = {}): string {
  return request("GET", path, port, { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13", ...extra });
}

/** The status of `POST /api/session {name}` from `localAddress`, with extra headers. */
export async function sessionStatus(port: number, localAddress: string, headers: Record<string, string> = {}): Promise<number> {
  const body = JSON.stringify({ name: "punter" });
  const { text } = await exchange(port, request("POST", "/api/session", port, { "Content-Type": "application/json", Connection: "close", ...headers }, body), { localAddress });
  return statuses(text)[0] ?? 0;
}

/** Pids of every live process in process group `pgid`, with their command names (Linux /proc). */
export function groupMembers(pgid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const e of readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (f[0] !== "Z" && Number(f[2]) === pgid) out.push({ pid: Number(e), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** TCP ports the process `pid` listens on. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address f[1] (HEXIP:HEXPORT), st f[3] (0A = LISTEN), inode f[9].
      if (f.length >= 10 && f[3] === "0A" && inodes.has(f[9])) ports.push(parseInt(f[1].split(":")[1], 16));
    }
  }
  return ports;
}

/** Whether `pid` runs (a zombie, dead but not yet reaped, does not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
