// Signed tokens for sessions and socket tickets: compact JWS with HS256 only.
// The header must be exactly ours (no `alg: none`, no other algorithm), the
// signature is checked in constant time by WebCrypto, and expiry is enforced.
import { Role } from "../protocol/codes.ts";
import type { AccountId } from "../protocol/units.ts";

export interface SessionClaims {
  typ: "session";
  sub: AccountId;
  name: string;
  role: Role;
  iat: number;
  exp: number;
}

export interface TicketClaims {
  typ: "ticket";
  sub: AccountId;
  role: Role;
  mkt: string;
  jti: string;
  exp: number;
}

export type Claims = SessionClaims | TicketClaims;

export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
export const TICKET_TTL_MS = 60 * 1000;

const HEADER = b64url(new TextEncoder().encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keys.set(secret, key);
  }
  return key;
}

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function sign(claims: Claims, secret: string): Promise<string> {
  const body = `${HEADER}.${b64url(new TextEncoder().encode(JSON.stringify(claims)))}`;
  const mac = await crypto.subtle.sign("HMAC", await keyFor(secret), new TextEncoder().encode(body));
  return `${body}.${b64url(new Uint8Array(mac))}`;
}

/** The claims of a genuine, unexpired token of the wanted type; null for anything else. */
export async function verify<T extends Claims["typ"]>(
  token: string,
  typ: T,
  secret: string,
  now: number,
): Promise<Extract<Claims, { typ: T }> | null> {
  if (token.length > 2048) return null;
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== HEADER) return null;
  const mac = fromB64url(parts[2]);
  if (!mac) return null;
  const ok = await crypto.subtle.verify(
    "HMAC",
    await keyFor(secret),
    mac,
    new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
  );
  if (!ok) return null;
  const payload = fromB64url(parts[1]);
  if (!payload) return null;
  let claims: Claims;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as Claims;
  } catch {
    return null;
  }
  if (claims?.typ !== typ || typeof claims.exp !== "number" || claims.exp <= now) return null;
  if (claims.role !== Role.ADMIN && claims.role !== Role.PUNTER) return null;
  return claims as Extract<Claims, { typ: T }>;
}

/** Compare secrets without leaking where they differ. */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(given)),
    crypto.subtle.digest("SHA-256", enc.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}
