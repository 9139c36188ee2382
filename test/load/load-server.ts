// What every load test shares: a server of its own (npm start's) on 127.0.0.1 with
// storage in a temporary directory, started before the tests and stopped
// (with every socket opened through it) after them, and a bounded wait.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import type WebSocket from "ws";
import { DevServer } from "../e2e/server.ts";

/** `env` sets the server process's own settings (the front's connection cap, say), `vars` the Worker's. */
export function loadServer(
  name: string,
  port: number,
  vars: Record<string, string>,
  env: Record<string, string> = {},
): { server: DevServer; sockets: WebSocket[] } {
  const work = mkdtempSync(join(tmpdir(), `edgebook-${name}-`));
  const server = new DevServer({ port, stateDir: work, vars, env });
  const sockets: WebSocket[] = [];
  before(async () => {
    await server.start();
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });
  return { server, sockets };
}

export function until(check: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(tick, 50).unref();
    };
    tick();
  });
}
