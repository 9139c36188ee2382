// `npm start` as one process tree: no inspector unless asked for, nothing
// left after a kill -9 of its process group, one server per state directory.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { ROOT, groupAlive, spawnServer, stopGroup } from "../../scripts/server/launch.ts";
import { groupMembers, isRunning, listeningPorts, sleep } from "./helpers.ts";

const PORT = Number(process.env.SERVER_TEST_PORT ?? 8850) + 5;
const work = mkdtempSync(join(tmpdir(), "edgebook-process-"));
const vars = { ADMIN_KEY: "process-test-admin", SESSION_SECRET: "process-test-secret", LOG_LEVEL: "warn" };

after(() => rmSync(work, { recursive: true, force: true }));

/** Does anything on `port` answer like a V8 inspector? */
async function inspectorAt(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/json/version`, { signal: AbortSignal.timeout(2_000) });
    return /webSocketDebuggerUrl|V8-Version|Protocol-Version/i.test(await r.text());
  } catch {
    return false;
  }
}

async function inspectorsOf(pgid: number): Promise<number[]> {
  const found: number[] = [];
  for (const { pid } of groupMembers(pgid)) for (const port of listeningPorts(pid)) if (await inspectorAt(port)) found.push(port);
  return found;
}

it("opens no inspector port by default, and one with EDGEBOOK_INSPECT=1", { timeout: 60_000 }, async () => {
  const plain = await spawnServer({ port: PORT, stateDir: join(work, "plain"), buildClient: false, vars });
  try {
    assert.deepEqual(await inspectorsOf(plain.pid), []);
    assert.equal(await inspectorAt(PORT + 1000), false);
  } finally {
    const t = Date.now();
    await plain.stop();
    assert.equal(groupAlive(plain.pid), false);
    assert.ok(Date.now() - t < 5_000, "SIGTERM took longer than the grace period");
  }
  const inspected = await spawnServer({ port: PORT, stateDir: join(work, "plain"), buildClient: false, vars, env: { EDGEBOOK_INSPECT: "1", INSPECTOR_PORT: String(PORT + 1) } });
  try {
    assert.ok((await inspectorsOf(inspected.pid)).includes(PORT + 1), "the check finds an inspector when there is one");
  } finally {
    await inspected.stop();
  }
});

it("leaves no process after kill -9 of its group; a second start on held state refuses, a stale lock is taken over", { timeout: 90_000 }, async () => {
  const stateDir = join(work, "shared");
  const first = await spawnServer({ port: PORT, stateDir, buildClient: false, vars });
  const members = groupMembers(first.pid);
  assert.ok(members.some((m) => /workerd/.test(m.comm)), `workerd runs in the start script's group: ${JSON.stringify(members)}`);

  // A second server on the same state, another port: it must refuse and say who holds the state.
  const second = spawn(process.execPath, [join(ROOT, "scripts", "start.ts")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...vars, PORT: String(PORT + 2), EDGEBOOK_STATE: stateDir, DEMO: "off", EDGEBOOK_BUILD_CLIENT: "0" },
  });
  let out = "";
  second.stdout.on("data", (d) => (out += d));
  second.stderr.on("data", (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      second.kill("SIGKILL");
      resolve(null);
    }, 30_000);
    second.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.notEqual(code, 0, `the second start did not refuse:\n${out}`);
  assert.notEqual(code, null, "the second start hung");
  assert.match(out, new RegExp(`in use by another Edgebook server \\(pid ${first.pid}, port ${PORT}\\)`));

  process.kill(-first.pid, "SIGKILL");
  for (let i = 0; i < 60 && members.some((m) => isRunning(m.pid)); i++) await sleep(50);
  for (const { pid, comm } of members) assert.equal(isRunning(pid), false, `${comm} (${pid}) is still running after kill -9 of the group`);

  // The lock the killed server left is stale: the next start takes it over. And a
  // SIGKILL of the start script alone (not its group) takes workerd with it.
  const third = await spawnServer({ port: PORT, stateDir, buildClient: false, vars });
  try {
    const runtime = groupMembers(third.pid).filter((m) => /workerd/.test(m.comm));
    assert.ok(runtime.length > 0);
    process.kill(third.pid, "SIGKILL");
    for (let i = 0; i < 60 && runtime.some((m) => isRunning(m.pid)); i++) await sleep(50);
    for (const { pid } of runtime) assert.equal(isRunning(pid), false, `workerd (${pid}) outlives its start script`);
  } finally {
    await stopGroup(third.pid);
  }
});
