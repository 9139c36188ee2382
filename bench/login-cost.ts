// What a password login costs: a registered account's login against a guest
// session on the same server (`npm start`'s launcher, fresh storage), the
// PBKDF2 step alone in this Node process, and what the revocation check adds
// to a request with a registered token. Within one address's login budget
// (20 password attempts per 15 min), so the limits never answer for it.
//
//   npx node bench/login-cost.ts [--port 9050]
import { performance } from "node:perf_hooks";
import { ITERATIONS, hashPassword } from "../worker/account/password.ts";
import { parseArgs } from "./lib/args.ts";
import { median } from "./lib/results.ts";
import { startServer } from "./lib/server.ts";

const args = parseArgs(process.argv.slice(2), { port: 9050 });
const ROUNDS = 6;
const say = (line: string) => process.stdout.write(`[login-cost] ${line}\n`);

let lastToken = "";

/** One POST (or, without a body, a GET with `lastToken`), timed to its answer's headers. */
async function timed(url: string, path: string, body: unknown, want: number): Promise<number> {
  const t = performance.now();
  const res =
    body === null
      ? await fetch(url + path, { headers: { authorization: `Bearer ${lastToken}` } })
      : await fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const ms = performance.now() - t;
  const text = await res.text();
  if (res.status !== want) throw new Error(`${path} answered ${res.status}, expected ${want}`);
  if (res.status === 201) lastToken = JSON.parse(text).token;
  return ms;
}

const kdf: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const t = performance.now();
  await hashPassword("correct horse battery");
  kdf.push(performance.now() - t);
}

const server = await startServer({ port: args.port, label: "login-cost" });
try {
  const password = "correct horse battery";
  await timed(server.url, "/api/accounts", { name: "bench-user", password }, 201);
  const guest: number[] = [];
  const right: number[] = [];
  const unknown: number[] = [];
  const fresh: number[] = [];
  const meGuest: number[] = [];
  const meRegistered: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    guest.push(await timed(server.url, "/api/session", { name: "guest" }, 201));
    meGuest.push(await timed(server.url, "/api/me", null, 200));
    right.push(await timed(server.url, "/api/session", { name: "bench-user", password }, 201));
    meRegistered.push(await timed(server.url, "/api/me", null, 200));
    // The same unknown name each time (its object warm, like the account's), and a new one (an object started for it).
    unknown.push(await timed(server.url, "/api/session", { name: "nobody", password }, 401));
    fresh.push(await timed(server.url, "/api/session", { name: `nobody-${i}`, password }, 401));
  }
  const f = (xs: number[]) => `${(median(xs) ?? Number.NaN).toFixed(1)} ms`;
  say(`PBKDF2-SHA-256, ${ITERATIONS} iterations, in Node: median ${f(kdf)}`);
  say(`guest session (no KDF): median ${f(guest)}`);
  say(`password login, right password: median ${f(right)}`);
  say(`password login, unknown name (dummy hash), its object warm: median ${f(unknown)}`);
  say(`password login, a new unknown name each time (object started): median ${f(fresh)}`);
  say(`GET /api/me, guest token (signature only): median ${f(meGuest)}`);
  say(`GET /api/me, registered token (signature and the revocation check): median ${f(meRegistered)}`);
  say(`medians of ${ROUNDS} sequential requests each, wall time on 127.0.0.1`);
} finally {
  await server.stop();
}
