// Passkey challenges: 16 random bytes, what the challenge is for, when it
// expires, and an HMAC-SHA-256 over them and the account it is bound to,
// keyed by the session secret. The server keeps nothing when it issues one
// (an options flood writes nothing, and a login challenge needs no account
// before the passkey names it); it keeps a challenge's use: the account object
// records each nonce it accepted until it expires, in the transaction that
// accepts the credential, so each challenge works once.

/** A challenge lives five minutes: WebAuthn's own timeout in the options is the same. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export const ChallengePurpose = {
  /** A new account registered with a passkey: bound to the account's key. */
  REGISTER: 1,
  /** A passkey added to an account that has a session: bound to its key. */
  ADD: 2,
  /** A login: bound to nothing; the passkey's user handle names the account. */
  LOGIN: 3,
} as const;
export type ChallengePurpose = (typeof ChallengePurpose)[keyof typeof ChallengePurpose];

const VERSION = 1;
const NONCE = 16;
// version (1) + purpose (1) + expiry in seconds (6) + nonce (16), then the MAC (32).
const BODY = 1 + 1 + 6 + NONCE;
const MAC = 32;
/** Domain separation: the session secret also signs session tokens (as JWT HMAC keys). */
const LABEL = new TextEncoder().encode("edgebook passkey challenge v1\0");

export interface OpenedChallenge {
  /** The random part, hex: the key the account object records the use under. */
  nonce: string;
  /** When it stops being accepted, in ms since the epoch. */
  expiresAt: number;
}

export async function issueChallenge(secret: string, purpose: ChallengePurpose, binding: string, now = Date.now()): Promise<Uint8Array<ArrayBuffer>> {
  const body = new Uint8Array(BODY);
  body[0] = VERSION;
  body[1] = purpose;
  writeUint48(body, 2, Math.ceil((now + CHALLENGE_TTL_MS) / 1000));
  body.set(crypto.getRandomValues(new Uint8Array(NONCE)), 8);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await macKey(secret), signed(body, binding)));
  const out = new Uint8Array(BODY + MAC);
  out.set(body);
  out.set(mac, BODY);
  return out;
}

/**
 * The challenge's nonce and expiry if the server issued it for `purpose` and
 * `binding` and it has not expired; null for anything else. Whether it was
 * used already is the account object's to say.
 */
export async function openChallenge(secret: string, bytes: Uint8Array, purpose: ChallengePurpose, binding: string, now = Date.now()): Promise<OpenedChallenge | null> {
  if (bytes.byteLength !== BODY + MAC || bytes[0] !== VERSION || bytes[1] !== purpose) return null;
  const body = bytes.slice(0, BODY);
  const good = await crypto.subtle.verify("HMAC", await macKey(secret), bytes.slice(BODY), signed(body, binding));
  if (!good) return null;
  const expiresAt = readUint48(body, 2) * 1000;
  if (expiresAt <= now) return null;
  return { nonce: [...body.slice(8)].map((b) => b.toString(16).padStart(2, "0")).join(""), expiresAt };
}

function signed(body: Uint8Array, binding: string): Uint8Array<ArrayBuffer> {
  const bound = new TextEncoder().encode(binding);
  const out = new Uint8Array(LABEL.byteLength + body.byteLength + bound.byteLength);
  out.set(LABEL);
  out.set(body, LABEL.byteLength);
  out.set(bound, LABEL.byteLength + body.byteLength);
  return out;
}

function macKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

function writeUint48(out: Uint8Array, at: number, n: number): void {
  for (let i = 5; i >= 0; i--) {
    out[at + i] = n % 256;
    n = Math.floor(n / 256);
  }
}

function readUint48(bytes: Uint8Array, at: number): number {
  let n = 0;
  for (let i = 0; i < 6; i++) n = n * 256 + bytes[at + i];
  return n;
}
