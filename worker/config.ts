// The Worker's settings from its environment, with the safe local defaults
// the start script prints. Parsed once per isolate.
export interface Config {
  adminKey: string;
  sessionSecret: string;
  /** Exact origins allowed to open sockets; empty means only the server's own. */
  allowedOrigins: string[];
  socketsPer10s: number;
  sessionsPer10s: number;
  maxSocketsPerAccount: number;
  /** Sockets one hub holds before new viewers are placed on relays. */
  relayAfter: number;
}

export const LOCAL_ADMIN_KEY = "local-admin-key";
export const LOCAL_SESSION_SECRET = "local-session-secret-change-me-in-production";

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

export function configOf(env: Env): Config {
  const vars = env as unknown as Record<string, string | undefined>;
  return {
    adminKey: vars.ADMIN_KEY || LOCAL_ADMIN_KEY,
    sessionSecret: vars.SESSION_SECRET || LOCAL_SESSION_SECRET,
    allowedOrigins: (vars.ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    socketsPer10s: positive(vars.RATE_SOCKETS_PER_10S, 300),
    sessionsPer10s: positive(vars.RATE_SESSIONS_PER_10S, 60),
    maxSocketsPerAccount: positive(vars.MAX_SOCKETS_PER_ACCOUNT, 8),
    relayAfter: positive(vars.RELAY_AFTER, 5000),
  };
}
