// Password hashes: PBKDF2-SHA-256 through Web Crypto, a 16-byte random salt,
// and the parameters stored with the hash ("pbkdf2-sha256$<iterations>$<salt>$<hash>"),
// so the work factor can be raised later and old hashes still verify.
// Cloudflare's runtime refuses PBKDF2 above 100,000 iterations (workerd's
// checkPbkdfLimits; local workerd has no cap), so that is the count used.

export const ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const SCHEME = "pbkdf2-sha256";

/** Shortest and longest password, in Unicode code points after NFC. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

/** The form a password is hashed in: NFC, so the same characters typed on any system match. */
export const passwordText = (password: string): string => password.normalize("NFC");

export async function hashPassword(password: string, iterations = ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return [SCHEME, iterations, b64(salt), b64(hash)].join("$");
}

/**
 * Does `password` match `stored`? Compared in constant time. A stored value
 * that does not parse, or names more iterations than the runtime allows,
 * matches nothing (it never reaches the KDF with attacker-chosen work).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  const iterations = Number(parts[1]);
  if (parts.length !== 4 || parts[0] !== SCHEME || !Number.isSafeInteger(iterations) || iterations < 1 || iterations > ITERATIONS) return false;
  const salt = unb64(parts[2]);
  const expected = unb64(parts[3]);
  const actual = await derive(password, salt, iterations);
  return sameBytes(actual, expected);
}

/**
 * Equal bytes, compared without a branch on their contents, so the time taken
 * does not tell how many leading bytes matched. Written out rather than
 * workerd's `crypto.subtle.timingSafeEqual` so this module runs in Node too
 * (bench/login-cost.ts); the lengths are not secret (always 32 bytes).
 */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Does this stored hash use weaker parameters than today's? (For a rehash at the next login.) */
export function needsRehash(stored: string): boolean {
  return Number(stored.split("$")[1]) < ITERATIONS;
}

/**
 * A hash of no password, for names that have no account: verifying against
 * it costs the same KDF as a real one, so the answer's time does not tell
 * whether the name exists.
 */
export const DUMMY_HASH = `${SCHEME}$${ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(passwordText(password)), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");

function unb64(text: string): Uint8Array<ArrayBuffer> {
  try {
    const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}
