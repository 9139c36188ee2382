// Signed tokens for sessions and socket tickets: JWTs with HS256 only, signed
// and checked by hono/jwt (the algorithm is pinned, so `alg: none` and every
// other algorithm are refused; WebCrypto checks the signature). Times are in
// seconds since the epoch, as RFC 7519 says. Tokens are signed with
// SESSION_SECRET: changing it ends every session and ticket issued before.
import { sign as signJwt, verify as verifyJwt } from "hono/jwt";
import { Role } from "../protocol/codes.ts";
import type { AccountId } from "../protocol/units.ts";

export interface SessionClaims {
  typ: "session";
  sub: AccountId;
  name: string;
  role: Role;
  /** Issued at, in seconds. */
  iat: number;
  /** Expires at, in seconds. */
  exp: number;
  /**
   * The session's id (what logout revokes) and, for a registered account, its
   * account object's name. A guest's has no `acct`: its wallet keeps its revoked ids.
   * Tokens signed before guests had a `jti` have neither (see session.ts).
   */
  jti?: string;
  acct?: string;
}

export interface TicketClaims {
  typ: "ticket";
  sub: AccountId;
  role: Role;
  mkt: string;
  jti: string;
  iat?: number;
  exp: number;
  /** The session the ticket was taken with (and, for a registered account, its account object): a logout refuses its tickets too. */
  sid?: string;
  acct?: string;
  /** When the session the ticket was issued from ends, in seconds: a socket opened with it closes then. */
  sxp?: number;
}

export type Claims = SessionClaims | TicketClaims;

export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
export const TICKET_TTL_MS = 60 * 1000;

/** Now, in the seconds that `iat` and `exp` count. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function sign(claims: Claims, secret: string): Promise<string> {
  return signJwt({ ...claims }, secret, "HS256");
}

/** The claims of a genuine, unexpired token of the wanted type; null for anything else. */
export async function verify<T extends Claims["typ"]>(token: string, typ: T, secret: string): Promise<Extract<Claims, { typ: T }> | null> {
  if (token.length > 2048 || !token.split(".").every(canonical)) return null;
  let claims: Record<string, unknown>;
  try {
    claims = await verifyJwt(token, secret, "HS256");
  } catch {
    return null;
  }
  if (claims.typ !== typ || typeof claims.exp !== "number") return null;
  if (claims.role !== Role.ADMIN && claims.role !== Role.PUNTER) return null;
  for (const key of ["jti", "acct", "sid"]) if (claims[key] !== undefined && typeof claims[key] !== "string") return null;
  return claims as unknown as Extract<Claims, { typ: T }>;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * One spelling per token: base64url's last character may carry bits that
 * decoding drops (a 32-byte signature ends in a character whose two low bits
 * are unused), so several strings decode to the same bytes. Only the one
 * whose unused bits are zero (RFC 4648, section 3.5) is taken.
 */
function canonical(segment: string): boolean {
  const unused = [0, -1, 0b1111, 0b11][segment.length % 4];
  if (unused === -1) return false;
  const last = ALPHABET.indexOf(segment.at(-1) ?? "A");
  return last >= 0 && (last & unused) === 0;
}

/** Compare secrets without leaking where they differ: digests of equal length, compared in constant time. */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(given)),
    crypto.subtle.digest("SHA-256", enc.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}
