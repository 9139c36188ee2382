// The WebAuthn ceremonies' checks (W3C WebAuthn Level 3, sections 7.1 and
// 7.2), on @oslojs/webauthn's parsers (through webauthn-data.ts) and Web Crypto: the client data's type,
// origin and challenge; the authenticator data's RP ID hash, user presence and
// user verification; the new credential's public key (ES256 on P-256, or
// RS256 with a 2048-bit key); an assertion's signature. No attestation is
// asked for or trusted: the options say "none", and a statement that comes
// anyway is ignored (the account trusts the passkey, not its maker).
import type { AuthenticationCredential, RegistrationCredential } from "../protocol/passkeys.ts";
import { createAssertionSignatureMessage } from "@oslojs/webauthn";
import {
  type AuthenticatorData,
  COSE_ES256,
  COSE_RS256,
  ClientDataType,
  base64url,
  coseToJwk,
  derToRawSignature,
  fromBase64url,
  readAttestation,
  readAuthenticatorData,
  readClientData,
} from "./webauthn-data.ts";

/** The COSE algorithms the server offers and accepts, most preferred first. */
export const PASSKEY_ALGORITHMS = [COSE_ES256, COSE_RS256] as const;
export type PasskeyAlgorithm = (typeof PASSKEY_ALGORITHMS)[number];

/** A credential as the account keeps it: its id, algorithm and public key (a JWK, as JSON), and its signature counter. */
export interface StoredPasskey {
  id: string;
  algorithm: PasskeyAlgorithm;
  publicKey: string;
  counter: number;
}

/** An assertion whose client and authenticator data passed; its signature is checked against the account's key. */
export interface Assertion {
  credentialId: string;
  userHandle: Uint8Array | null;
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  signature: Uint8Array;
  counter: number;
  challenge: Uint8Array;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; why: string };
const no = (why: string): { ok: false; why: string } => ({ ok: false, why });

/**
 * A registration (`navigator.credentials.create()`) made on one of `origins`,
 * for the RP ID that is that origin's host, by a user present and verified:
 * the new passkey and the challenge it answered.
 */
export async function checkRegistration(credential: RegistrationCredential, origins: readonly string[]): Promise<Checked<{ passkey: StoredPasskey; challenge: Uint8Array }>> {
  const parts = decodeAll({ rawId: credential.rawId, clientDataJSON: credential.response.clientDataJSON, attestationObject: credential.response.attestationObject });
  if (!parts || credential.id !== credential.rawId) return no("the credential's fields are not base64url");
  const client = checkClient(parts.clientDataJSON, ClientDataType.Create, origins);
  if (!client.ok) return client;
  let data: AuthenticatorData;
  try {
    data = readAttestation(parts.attestationObject);
  } catch {
    return no("the attestation object does not parse");
  }
  const flags = checkAuthenticator(data, client.value.origin);
  if (!flags.ok) return flags;
  const made = data.credential;
  if (!made) return no("the authenticator data carries no credential");
  if (!sameBytes(made.id, parts.rawId)) return no("the credential id differs from the authenticator's");
  let key: Pick<StoredPasskey, "algorithm" | "publicKey">;
  try {
    const { algorithm, jwk } = coseToJwk(made.publicKey);
    key = { algorithm, publicKey: JSON.stringify(jwk) };
    // Imported once here, so a key Web Crypto refuses (a point off the curve) is refused at registration, not at each login.
    await importKey(key.algorithm, key.publicKey);
  } catch {
    return no("the public key is not an ES256 (P-256) or RS256 key");
  }
  return { ok: true, value: { passkey: { id: credential.rawId, ...key, counter: data.signatureCounter }, challenge: client.value.challenge } };
}

/** An assertion (`navigator.credentials.get()`) made on one of `origins`, by a user present and verified; its signature is not yet checked. */
export async function checkAssertion(credential: AuthenticationCredential, origins: readonly string[]): Promise<Checked<Assertion>> {
  const { response } = credential;
  const parts = decodeAll({ rawId: credential.rawId, clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData, signature: response.signature });
  if (!parts || credential.id !== credential.rawId) return no("the credential's fields are not base64url");
  const userHandle = response.userHandle ? fromBase64url(response.userHandle) : null;
  if (response.userHandle && !userHandle) return no("the user handle is not base64url");
  const client = checkClient(parts.clientDataJSON, ClientDataType.Get, origins);
  if (!client.ok) return client;
  let data: AuthenticatorData;
  try {
    data = readAuthenticatorData(parts.authenticatorData);
  } catch {
    return no("the authenticator data does not parse");
  }
  const flags = checkAuthenticator(data, client.value.origin);
  if (!flags.ok) return flags;
  return {
    ok: true,
    value: {
      credentialId: credential.rawId,
      userHandle,
      authenticatorData: parts.authenticatorData,
      clientDataJSON: parts.clientDataJSON,
      signature: parts.signature,
      counter: data.signatureCounter,
      challenge: client.value.challenge,
    },
  };
}

/**
 * Did the passkey sign this assertion? The signed message is the
 * authenticator data followed by the SHA-256 of the client data JSON. An
 * ES256 signature comes DER-encoded (WebAuthn section 6.5.5); Web Crypto
 * verifies ECDSA over the raw r||s form (IEEE P1363), so it is re-encoded first.
 */
export async function verifySignature(passkey: Pick<StoredPasskey, "algorithm" | "publicKey">, assertion: Assertion): Promise<boolean> {
  const message = createAssertionSignatureMessage(assertion.authenticatorData, assertion.clientDataJSON) as Uint8Array<ArrayBuffer>;
  try {
    const key = await importKey(passkey.algorithm, passkey.publicKey);
    if (passkey.algorithm === COSE_ES256) return await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, derToRawSignature(assertion.signature), message);
    return await crypto.subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, key, assertion.signature as Uint8Array<ArrayBuffer>, message);
  } catch {
    // A signature that is not DER, or a key that no longer imports: not signed by this passkey.
    return false;
  }
}

/**
 * Is a counter of `next` after `stored` possible for a genuine authenticator?
 * One that counts must count up; two equal zeros are an authenticator that
 * does not count (synced passkeys), which is allowed. Anything else suggests a
 * cloned authenticator (WebAuthn section 6.1.1).
 */
export const counterAdvances = (stored: number, next: number): boolean => (stored === 0 && next === 0) || next > stored;

interface ClientData {
  challenge: Uint8Array;
  origin: string;
}

/** The client data JSON (WebAuthn section 5.8.1), as the library reads it: its type, challenge, origin, and not made in a cross-origin frame. */
function checkClient(bytes: Uint8Array, type: ClientDataType, origins: readonly string[]): Checked<ClientData> {
  let client: ReturnType<typeof readClientData>;
  try {
    client = readClientData(bytes);
  } catch {
    return no("the client data does not parse");
  }
  if (client.type !== type) return no("the client data is for another ceremony");
  if (!origins.includes(client.origin)) return no("the passkey was used on another origin");
  // A ceremony run in a frame of another site is not this site's.
  if (client.crossOrigin) return no("the passkey was used in a cross-origin frame");
  return { ok: true, value: { challenge: client.challenge, origin: client.origin } };
}

/** The RP ID is the host of the origin the client data names (checked to be allowed), as the options gave it. */
function checkAuthenticator(data: AuthenticatorData, origin: string): Checked<null> {
  if (!data.verifyRelyingPartyIdHash(new URL(origin).hostname)) return no("the passkey is for another site (RP ID)");
  if (!data.userPresent) return no("the user was not present");
  // User verification required: the passkey is then two factors at once (the device, and its PIN or biometric).
  if (!data.userVerified) return no("the user was not verified");
  return { ok: true, value: null };
}

function importKey(algorithm: PasskeyAlgorithm, publicKey: string): Promise<CryptoKey> {
  const jwk = JSON.parse(publicKey) as JsonWebKey;
  const params = algorithm === COSE_ES256 ? { name: "ECDSA", namedCurve: "P-256" } : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  return crypto.subtle.importKey("jwk", jwk, params, false, ["verify"]);
}

/** Every field decoded from base64url, or null if any is not base64url. */
function decodeAll<K extends string>(fields: Record<K, string>): Record<K, Uint8Array<ArrayBuffer>> | null {
  const out = {} as Record<K, Uint8Array<ArrayBuffer>>;
  for (const key of Object.keys(fields) as K[]) {
    const bytes = fromBase64url(fields[key]);
    if (!bytes) return null;
    out[key] = bytes;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

/** base64url text of bytes (for the options). */
export const toBase64url = base64url;
