// WebAuthn's binary structures, read strictly: the CBOR the attestation
// object and COSE keys are written in (RFC 8949, the definite-length subset
// WebAuthn's CTAP2 canonical form uses), the authenticator data (WebAuthn
// section 6.1), and a COSE public key turned into a JWK for Web Crypto.
// Written here rather than taken from a library: @oslojs/webauthn with its
// CBOR, ASN.1 and hash packages grew the Worker bundle by 138 KiB, past its
// budget; this is the part of them the server uses. Anything outside the
// subset (indefinite lengths, tags, floats, nesting past 4) is refused.

export class WebAuthnDataError extends Error {}

export type Cbor = number | string | boolean | null | Uint8Array | Cbor[] | Map<number | string, Cbor>;

const MAX_DEPTH = 4;

/** One CBOR item that fills `bytes` exactly. */
export function decodeCbor(bytes: Uint8Array): Cbor {
  const [value, end] = item(bytes, 0, 0);
  if (end !== bytes.byteLength) throw new WebAuthnDataError("bytes left over after the CBOR item");
  return value;
}

/** One CBOR item at `at`, and where the next begins. */
export function decodeCborPrefix(bytes: Uint8Array, at: number): [Cbor, number] {
  return item(bytes, at, 0);
}

function item(bytes: Uint8Array, at: number, depth: number): [Cbor, number] {
  if (depth > MAX_DEPTH) throw new WebAuthnDataError("CBOR nested too deep");
  if (at >= bytes.byteLength) throw new WebAuthnDataError("CBOR ends early");
  const major = bytes[at] >> 5;
  const info = bytes[at] & 0x1f;
  if (major === 7) {
    // Simple values only: false, true, null.
    const simple = { 20: false, 21: true, 22: null }[info];
    if (simple === undefined) throw new WebAuthnDataError("unsupported CBOR simple value or float");
    return [simple, at + 1];
  }
  const [n, next] = argument(bytes, at, info);
  switch (major) {
    case 0:
      return [n, next];
    case 1:
      return [-1 - n, next];
    case 2:
      return [take(bytes, next, n), next + n];
    case 3:
      return [utf8(take(bytes, next, n)), next + n];
    case 4: {
      const out: Cbor[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) [out[i], pos] = item(bytes, pos, depth + 1);
      return [out, pos];
    }
    case 5: {
      const out = new Map<number | string, Cbor>();
      let pos = next;
      for (let i = 0; i < n; i++) {
        let key: Cbor;
        [key, pos] = item(bytes, pos, depth + 1);
        if (typeof key !== "number" && typeof key !== "string") throw new WebAuthnDataError("CBOR map key is not an integer or text");
        if (out.has(key)) throw new WebAuthnDataError("CBOR map key repeated");
        let value: Cbor;
        [value, pos] = item(bytes, pos, depth + 1);
        out.set(key, value);
      }
      return [out, pos];
    }
    default:
      throw new WebAuthnDataError("CBOR tags are not supported");
  }
}

/** The item's argument (a length, a count or the integer itself); at most 2^53 - 1. */
function argument(bytes: Uint8Array, at: number, info: number): [number, number] {
  if (info < 24) return [info, at + 1];
  const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
  if (size === undefined) throw new WebAuthnDataError("indefinite or reserved CBOR length");
  const raw = take(bytes, at + 1, size);
  let n = 0;
  for (const b of raw) n = n * 256 + b;
  if (!Number.isSafeInteger(n)) throw new WebAuthnDataError("CBOR integer too large");
  return [n, at + 1 + size];
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new WebAuthnDataError("CBOR text is not UTF-8");
  }
}

function take(bytes: Uint8Array, at: number, length: number): Uint8Array {
  if (at + length > bytes.byteLength) throw new WebAuthnDataError("CBOR ends early");
  return bytes.slice(at, at + length);
}

export interface AuthenticatorData {
  rpIdHash: Uint8Array;
  userPresent: boolean;
  userVerified: boolean;
  counter: number;
  /** Present at registration: the new credential's id and its COSE public key. */
  credential: { id: Uint8Array; publicKey: Map<number | string, Cbor> } | null;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;
const FLAG_ED = 0x80;

/** The authenticator data: RP ID hash (32), flags (1), counter (4), then the attested credential if flagged. */
export function parseAuthenticatorData(bytes: Uint8Array): AuthenticatorData {
  if (bytes.byteLength < 37) throw new WebAuthnDataError("authenticator data too short");
  const flags = bytes[32];
  const counter = new DataView(bytes.buffer, bytes.byteOffset + 33, 4).getUint32(0);
  let credential: AuthenticatorData["credential"] = null;
  let end = 37;
  if (flags & FLAG_AT) {
    // AAGUID (16), then the credential id's length (2) and the id, then its COSE key.
    if (bytes.byteLength < 55) throw new WebAuthnDataError("attested credential data too short");
    const idLength = (bytes[53] << 8) | bytes[54];
    const id = take(bytes, 55, idLength);
    const [key, next] = decodeCborPrefix(bytes, 55 + idLength);
    if (!(key instanceof Map)) throw new WebAuthnDataError("the credential public key is not a CBOR map");
    credential = { id, publicKey: key };
    end = next;
  }
  // Extensions are not asked for; any that come are skipped whole (one CBOR map).
  if (flags & FLAG_ED) end = decodeCborPrefix(bytes, end)[1];
  if (end !== bytes.byteLength) throw new WebAuthnDataError("bytes left over after the authenticator data");
  return { rpIdHash: bytes.slice(0, 32), userPresent: (flags & FLAG_UP) !== 0, userVerified: (flags & FLAG_UV) !== 0, counter, credential };
}

/** The authenticator data inside an attestation object (its statement is not read: no attestation is trusted). */
export function authDataOfAttestation(bytes: Uint8Array): Uint8Array {
  const object = decodeCbor(bytes);
  if (!(object instanceof Map) || typeof object.get("fmt") !== "string") throw new WebAuthnDataError("not an attestation object");
  const authData = object.get("authData");
  if (!(authData instanceof Uint8Array)) throw new WebAuthnDataError("the attestation object has no authData");
  return authData;
}

export const COSE_ES256 = -7;
export const COSE_RS256 = -257;

/**
 * A COSE key (RFC 9053) as a JWK: EC2 on P-256 for ES256 (kty 2, crv 1, x and
 * y 32 bytes each), RSA for RS256 (kty 3, n 256 bytes, e). Anything else is refused.
 */
export function coseToJwk(key: Map<number | string, Cbor>): { algorithm: typeof COSE_ES256 | typeof COSE_RS256; jwk: JsonWebKey } {
  const bytesAt = (label: number, length?: number): Uint8Array => {
    const v = key.get(label);
    if (!(v instanceof Uint8Array) || (length !== undefined && v.byteLength !== length)) throw new WebAuthnDataError(`COSE key parameter ${label} is missing or the wrong size`);
    return v;
  };
  const kty = key.get(1);
  const alg = key.get(3);
  if (alg === COSE_ES256 && kty === 2 && key.get(-1) === 1) {
    return { algorithm: COSE_ES256, jwk: { kty: "EC", crv: "P-256", x: base64url(bytesAt(-2, 32)), y: base64url(bytesAt(-3, 32)) } };
  }
  if (alg === COSE_RS256 && kty === 3) {
    return { algorithm: COSE_RS256, jwk: { kty: "RSA", n: base64url(bytesAt(-1, 256)), e: base64url(bytesAt(-2)) } };
  }
  throw new WebAuthnDataError("the key is neither ES256 on P-256 nor RS256");
}

/**
 * An ECDSA signature in DER (`SEQUENCE { r INTEGER, s INTEGER }`, as WebAuthn
 * sends ES256 signatures) as the raw r||s of `size`-byte halves that Web Crypto verifies.
 */
export function derToRawSignature(der: Uint8Array, size = 32): Uint8Array<ArrayBuffer> {
  // A P-256 signature is at most 72 bytes: every length fits in one byte.
  if (der.byteLength < 8 || der[0] !== 0x30 || der[1] !== der.byteLength - 2) throw new WebAuthnDataError("the signature is not a DER sequence");
  const out = new Uint8Array(size * 2);
  let at = 2;
  for (const half of [0, 1]) {
    if (der[at] !== 0x02) throw new WebAuthnDataError("the signature's part is not a DER integer");
    const length = der[at + 1];
    let int = take(der, at + 2, length);
    // DER: the shortest form, a leading zero only before a high bit.
    if (length === 0 || int[0] & 0x80 || (length > 1 && int[0] === 0 && !(int[1] & 0x80))) throw new WebAuthnDataError("the signature's integer is not minimal DER");
    if (int[0] === 0) int = int.slice(1);
    if (int.byteLength > size) throw new WebAuthnDataError("the signature's integer is too large");
    out.set(int, half * size + size - int.byteLength);
    at += 2 + length;
  }
  if (at !== der.byteLength) throw new WebAuthnDataError("bytes left over after the signature");
  return out;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Bytes as base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.byteLength; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.byteLength - i) * 8) / 6));
    for (let j = 0; j < chars; j++) out += ALPHABET[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

/** base64url (no padding) as bytes; null for text that is not canonical base64url (RFC 4648 section 3.5: unused bits zero). */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}
