// WebAuthn's binary structures, parsed by @oslojs/webauthn (attestation
// object, authenticator data, client data, COSE keys) on @oslojs/cbor, with
// @oslojs/encoding for base64url. What is left here is glue: the library's
// answers in the form Web Crypto takes (a COSE key as a JWK, a DER signature
// as raw r||s), and three checks the library does not make: base64url without
// padding, client data that is UTF-8, and no bytes after the authenticator
// data's last item. Verification stays on Web Crypto (passkey-verify.ts); the
// library's pure-JS ECDSA is not used.
import { decodeCBORToNativeValue } from "@oslojs/cbor";
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import {
  type AuthenticatorData,
  type COSEPublicKey,
  COSEKeyType,
  ClientDataType,
  coseAlgorithmES256,
  coseAlgorithmRS256,
  coseEllipticCurveP256,
  parseAttestationObject,
  parseAuthenticatorData,
  parseClientDataJSON,
} from "@oslojs/webauthn";

export type { AuthenticatorData } from "@oslojs/webauthn";
export { ClientDataType } from "@oslojs/webauthn";

/** Every refusal of this module and of the library below it, as one error. */
export class WebAuthnDataError extends Error {}

export const COSE_ES256 = coseAlgorithmES256;
export const COSE_RS256 = coseAlgorithmRS256;

/** Runs a library parser; anything it throws becomes our error, so callers catch one kind. */
function strict<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch {
    throw new WebAuthnDataError(`${what} does not parse`);
  }
}

const FLAG_AT = 0x40;
const FLAG_ED = 0x80;
/** The COSE key and an extensions map sit in at most four levels of CBOR, as the library reads them. */
const CBOR_DEPTH = 4;

/**
 * The authenticator data (WebAuthn section 6.1), refused if anything follows
 * its last item: the library stops reading after the credential's key and
 * never reads extensions, so the end is found here with its CBOR decoder.
 */
export function readAuthenticatorData(bytes: Uint8Array): AuthenticatorData {
  const data = strict("the authenticator data", () => parseAuthenticatorData(bytes));
  const flags = bytes[32];
  let end = 37;
  const next = (at: number): number => at + strict("the authenticator data's CBOR", () => decodeCBORToNativeValue(bytes.slice(at), CBOR_DEPTH))[1];
  // Attested credential: AAGUID (16), the id's length (2) and the id, then its COSE key.
  if (flags & FLAG_AT && data.credential) end = next(55 + data.credential.id.byteLength);
  // Extensions are not asked for; any that come are one CBOR map, skipped whole.
  if (flags & FLAG_ED) end = next(end);
  if (end !== bytes.byteLength) throw new WebAuthnDataError("bytes left over after the authenticator data");
  return data;
}

/** The authenticator data inside an attestation object (its statement is not read: no attestation is trusted). */
export function readAttestation(bytes: Uint8Array): AuthenticatorData {
  // The library parses the authenticator data too; it is parsed again here for the leftover check.
  strict("the attestation object", () => parseAttestationObject(bytes));
  const decoded = strict("the attestation object", () => decodeCBORToNativeValue(bytes, CBOR_DEPTH))[0] as { authData: Uint8Array };
  return readAuthenticatorData(decoded.authData);
}

/** The client data JSON (WebAuthn section 5.8.1), refused if it is not UTF-8 (the library would replace bad bytes). */
export function readClientData(bytes: Uint8Array): ReturnType<typeof parseClientDataJSON> {
  strict("the client data", () => new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  return strict("the client data", () => parseClientDataJSON(bytes));
}

/**
 * A COSE key (RFC 9053) as a JWK for Web Crypto: EC2 on P-256 for ES256, RSA
 * with a 2048-bit modulus for RS256; the library checks the sizes (x and y 32
 * bytes, n 256, e 3). Anything else is refused.
 */
export function coseToJwk(key: COSEPublicKey): { algorithm: typeof COSE_ES256 | typeof COSE_RS256; jwk: JsonWebKey } {
  return strict("the public key", () => {
    const alg = key.algorithm();
    const param = (label: number): Uint8Array => (key.decoded as Record<string, Uint8Array>)[label];
    if (alg === COSE_ES256 && key.type() === COSEKeyType.EC2 && key.ec2().curve === coseEllipticCurveP256) {
      return { algorithm: COSE_ES256, jwk: { kty: "EC", crv: "P-256", x: base64url(param(-2)), y: base64url(param(-3)) } };
    }
    if (alg === COSE_RS256 && key.type() === COSEKeyType.RSA && key.rsa()) {
      return { algorithm: COSE_RS256, jwk: { kty: "RSA", n: base64url(param(-1)), e: base64url(param(-2)) } };
    }
    throw new Error("neither ES256 on P-256 nor RS256");
  });
}

/**
 * An ECDSA signature in DER (`SEQUENCE { r INTEGER, s INTEGER }`, as WebAuthn
 * sends ES256 signatures) as the raw r||s of `size`-byte halves that Web
 * Crypto verifies (IEEE P1363). Kept as our own: the library's reader
 * (@oslojs/crypto/ecdsa on @oslojs/asn1, a general ASN.1 parser) adds 47 KiB
 * to the Worker for this one fixed, 72-byte-at-most shape.
 */
export function derToRawSignature(der: Uint8Array, size = 32): Uint8Array<ArrayBuffer> {
  // A P-256 signature is at most 72 bytes: every length fits in one byte.
  if (der.byteLength < 8 || der[0] !== 0x30 || der[1] !== der.byteLength - 2) throw new WebAuthnDataError("the signature is not a DER sequence");
  const out = new Uint8Array(size * 2);
  let at = 2;
  for (const half of [0, 1]) {
    if (der[at] !== 0x02) throw new WebAuthnDataError("the signature's part is not a DER integer");
    const length = der[at + 1];
    if (at + 2 + length > der.byteLength) throw new WebAuthnDataError("the signature ends early");
    let int = der.slice(at + 2, at + 2 + length);
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

/** Bytes as base64url without padding. */
export const base64url = (bytes: Uint8Array): string => encodeBase64urlNoPadding(bytes);

/** base64url (no padding) as bytes; null for text that is not canonical base64url (RFC 4648 section 3.5: no padding, unused bits zero). */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  // The library's decoder takes padding too; WebAuthn's JSON forms have none.
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return decodeBase64urlIgnorePadding(text) as Uint8Array<ArrayBuffer>;
  } catch {
    return null;
  }
}
