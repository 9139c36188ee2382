// The Worker's settings from its environment. Secrets have no built-in
// fallback: a deploy that forgets them fails closed (no admin, no sessions)
// instead of running with a key anyone could read here. `npm start` makes
// random local ones and prints the admin key.
import type { LogLevel } from "./log.ts";

export interface Config {
  /** null: no admin sessions can be opened (the server fails closed). */
  adminKey: string | null;
  /** null: no session can be signed or checked; such requests answer 500. */
  sessionSecret: string | null;
  /** Exact origins allowed to open sockets; empty means only the server's own. */
  allowedOrigins: string[];
  socketsPer10s: number;
  sessionsPer10s: number;
  /** HTTP bets per account per 10 s. */
  betsPer10s: number;
  /** Socket tickets per account per 10 s. */
  ticketsPer10s: number;
  /** Lookups of market ids this isolate has not seen, per address per 10 s. */
  lookupsPer10s: number;
  /** Wrong admin keys per address per 15 minutes before the address is locked out. */
  adminFailuresPer15m: number;
  maxSocketsPerAccount: number;
  /** Sockets one client address may hold on each object that accepts sockets (hub, relay, book relay). */
  maxHeldPerAddress: number;
  /** Sockets one hub holds before new viewers are placed on relays. */
  relayAfter: number;
  /** Summary shards the markets are spread over (by a hash of their id). */
  bookShards: number;
  /** Book sockets per book relay object before another relay is opened. */
  bookRelaySize: number;
  /** The least severe log lines written: info (one per request), warn or error. */
  logLevel: LogLevel;
}

/** Secrets shorter than this are refused as if unset. */
const MIN_SECRET = 8;

const secret = (value: string | undefined) => (value && value.length >= MIN_SECRET ? value : null);

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

export function configOf(env: Env): Config {
  const vars = env as unknown as Record<string, string | undefined>;
  return {
    adminKey: secret(vars.ADMIN_KEY),
    sessionSecret: secret(vars.SESSION_SECRET),
    allowedOrigins: (vars.ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    socketsPer10s: positive(vars.RATE_SOCKETS_PER_10S, 300),
    sessionsPer10s: positive(vars.RATE_SESSIONS_PER_10S, 60),
    betsPer10s: positive(vars.RATE_BETS_PER_10S, 100),
    ticketsPer10s: positive(vars.RATE_TICKETS_PER_10S, 60),
    lookupsPer10s: positive(vars.RATE_LOOKUPS_PER_10S, 120),
    adminFailuresPer15m: positive(vars.ADMIN_FAILURES_PER_15M, 5),
    maxSocketsPerAccount: positive(vars.MAX_SOCKETS_PER_ACCOUNT, 8),
    maxHeldPerAddress: positive(vars.MAX_HELD_SOCKETS_PER_ADDRESS, 256),
    relayAfter: positive(vars.RELAY_AFTER, 5000),
    // 2,000 markets moving once a second over 16 shards: about 125 calls a second into each.
    bookShards: positive(vars.BOOK_SHARDS, 16),
    bookRelaySize: positive(vars.BOOK_RELAY_SIZE, 100),
    logLevel: vars.LOG_LEVEL === "warn" || vars.LOG_LEVEL === "error" ? vars.LOG_LEVEL : "info",
  };
}

/** Outside local development, secrets this short are refused (a 32-character random key is about 190 bits). */
export const PRODUCTION_SECRET_LENGTH = 32;

/**
 * What is wrong with the secrets, or null. Only the local server of
 * `npm start` may run with shorter local secrets, and it says so the one way
 * no client can: its launcher gives the Worker a FRONT_KEY (see
 * http/client-address.ts). Never the request's Host, which the client writes.
 */
export function weakSecrets(env: Env): string | null {
  const vars = env as unknown as Record<string, string | undefined>;
  if (vars.FRONT_KEY) return null;
  for (const name of ["ADMIN_KEY", "SESSION_SECRET"]) {
    const value = vars[name];
    if (value && value.length < PRODUCTION_SECRET_LENGTH) return `${name} is shorter than ${PRODUCTION_SECRET_LENGTH} characters; set a longer one with \`wrangler secret put ${name}\``;
  }
  return null;
}

export class WeakSecret extends Error {}

/** The signing secret, or a 500 that says the server is not configured (logged, never detailed to clients). */
export function signingSecret(config: Config): string {
  if (config.sessionSecret === null) throw new MissingSecret();
  return config.sessionSecret;
}

export class MissingSecret extends Error {
  constructor() {
    super("SESSION_SECRET is not set (or shorter than 8 characters)");
  }
}
