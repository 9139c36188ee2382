// A software authenticator for tests: a P-256 key made with Web Crypto, and
// the WebAuthn responses a browser would send for it, built byte by byte
// (client data JSON, authenticator data, a CBOR attestation object with fmt
// "none", DER signatures), so each check can be broken on purpose.

export const b64u = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
export const unb64u = (text: string): Uint8Array => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

type CborIn = number | string | Uint8Array | Map<number | string, CborIn>;

/** CBOR for the few types WebAuthn uses: integers, text, bytes, maps. */
export function cbor(value: CborIn): Uint8Array {
  const head = (major: number, n: number): number[] => {
    if (n < 24) return [(major << 5) | n];
    if (n < 256) return [(major << 5) | 24, n];
    if (n < 65536) return [(major << 5) | 25, n >> 8, n & 255];
    return [(major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  };
  if (typeof value === "number") return Uint8Array.from(value >= 0 ? head(0, value) : head(1, -1 - value));
  if (typeof value === "string") {
    const text = new TextEncoder().encode(value);
    return concat(Uint8Array.from(head(3, text.byteLength)), text);
  }
  if (value instanceof Uint8Array) return concat(Uint8Array.from(head(2, value.byteLength)), value);
  return concat(Uint8Array.from(head(5, value.size)), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)]));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const sha256 = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));

/** Raw r||s (Web Crypto's ECDSA output) as the DER sequence WebAuthn sends. */
export function rawToDer(raw: Uint8Array): Uint8Array {
  const int = (half: Uint8Array) => {
    let i = 0;
    while (i < half.length - 1 && half[i] === 0) i++;
    const trimmed = half.slice(i);
    const body = trimmed[0] & 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed;
    return concat(Uint8Array.of(0x02, body.byteLength), body);
  };
  const seq = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(Uint8Array.of(0x30, seq.byteLength), seq);
}

/** What a test may change in a ceremony to break one check. */
export interface Tamper {
  origin?: string;
  rpId?: string;
  type?: string;
  challenge?: string;
  counter?: number;
  userVerified?: boolean;
  userHandle?: string | null;
  /** Sign with this key instead of the credential's. */
  signWith?: CryptoKey;
}

export class SoftAuthenticator {
  counter = 0;
  readonly id = crypto.getRandomValues(new Uint8Array(32));
  #keys: CryptoKeyPair | null = null;
  /** The user handle given at registration, returned at each login (a discoverable credential). */
  userHandle = "";

  readonly origin: string;
  /** Each use adds this to the counter; 0 for an authenticator that does not count. */
  readonly step: number;

  constructor(origin: string, step = 1) {
    this.origin = origin;
    this.step = step;
  }

  static async newKey(): Promise<CryptoKeyPair> {
    return crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]) as Promise<CryptoKeyPair>;
  }

  /** The `credential` a browser would send for `navigator.credentials.create({publicKey: options})`. */
  async create(options: { challenge: string; rp: { id: string }; user: { id: string } }, t: Tamper = {}) {
    this.#keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    this.userHandle = options.user.id;
    const raw = new Uint8Array((await crypto.subtle.exportKey("raw", this.#keys.publicKey)) as ArrayBuffer);
    const cose = cbor(new Map<number, CborIn>([[1, 2], [3, -7], [-1, 1], [-2, raw.slice(1, 33)], [-3, raw.slice(33)]]));
    this.counter += this.step;
    const credential = concat(new Uint8Array(16), Uint8Array.of(0, this.id.byteLength), this.id, cose);
    const authData = concat(await this.#authData(options.rp.id, t, 0x40), credential);
    const attestationObject = cbor(new Map<string, CborIn>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]));
    return {
      id: b64u(this.id),
      rawId: b64u(this.id),
      type: "public-key",
      response: { clientDataJSON: b64u(this.#clientData("webauthn.create", options.challenge, t)), attestationObject: b64u(attestationObject), transports: ["internal"] },
      clientExtensionResults: {},
    };
  }

  /** The `credential` a browser would send for `navigator.credentials.get({publicKey: options})`. */
  async get(options: { challenge: string; rpId: string }, t: Tamper = {}) {
    if (!this.#keys) throw new Error("create() first");
    this.counter += this.step;
    const authData = await this.#authData(options.rpId, t, 0);
    const clientDataJSON = this.#clientData("webauthn.get", options.challenge, t);
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, t.signWith ?? this.#keys.privateKey, signed));
    return {
      id: b64u(this.id),
      rawId: b64u(this.id),
      type: "public-key",
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(rawToDer(raw)),
        userHandle: t.userHandle === undefined ? this.userHandle : t.userHandle,
      },
      clientExtensionResults: {},
    };
  }

  #clientData(type: string, challenge: string, t: Tamper): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ type: t.type ?? type, challenge: t.challenge ?? challenge, origin: t.origin ?? this.origin, crossOrigin: false }));
  }

  async #authData(rpId: string, t: Tamper, extraFlags: number): Promise<Uint8Array> {
    const flags = 0x01 | (t.userVerified === false ? 0 : 0x04) | extraFlags;
    const counter = t.counter ?? this.counter;
    const c = Uint8Array.of((counter >>> 24) & 255, (counter >> 16) & 255, (counter >> 8) & 255, counter & 255);
    return concat(await sha256(new TextEncoder().encode(t.rpId ?? rpId)), Uint8Array.of(flags), c);
  }
}
