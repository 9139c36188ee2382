// The passkey challenge (signed, bound, short-lived) and the reading of
// WebAuthn's binary data (@oslojs/webauthn and our glue around it): what the
// test authenticator writes reads back, random and mutated input is refused
// with our own error and never anything else, base64url and DER signatures
// round trip.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHALLENGE_TTL_MS, ChallengePurpose, issueChallenge, openChallenge } from "../../worker/account/passkey-challenge.ts";
import { WebAuthnDataError, base64url, coseToJwk, derToRawSignature, fromBase64url, readAttestation, readAuthenticatorData, readClientData } from "../../worker/account/webauthn-data.ts";
import { b64u, cbor, concat, rawToDer } from "../helpers/soft-authenticator.ts";

const SECRET = "a-secret-for-the-challenge-tests";

describe("passkey challenges", () => {
  it("opens a challenge for its purpose and binding until it expires, and no longer", async () => {
    const now = 1_800_000_000_000;
    const c = await issueChallenge(SECRET, ChallengePurpose.REGISTER, "acct-1", now);
    expect(await openChallenge(SECRET, c, ChallengePurpose.REGISTER, "acct-1", now + CHALLENGE_TTL_MS - 1000)).toMatchObject({ nonce: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await openChallenge(SECRET, c, ChallengePurpose.REGISTER, "acct-1", now + CHALLENGE_TTL_MS + 1000)).toBeNull();
    expect(await openChallenge(SECRET, c, ChallengePurpose.ADD, "acct-1", now)).toBeNull();
    expect(await openChallenge(SECRET, c, ChallengePurpose.REGISTER, "acct-2", now)).toBeNull();
    expect(await openChallenge("another-secret-of-some-length", c, ChallengePurpose.REGISTER, "acct-1", now)).toBeNull();
    const flipped = c.slice();
    flipped[20] ^= 1;
    expect(await openChallenge(SECRET, flipped, ChallengePurpose.REGISTER, "acct-1", now)).toBeNull();
  });

  it("gives every challenge its own nonce", async () => {
    const a = await openChallenge(SECRET, await issueChallenge(SECRET, ChallengePurpose.LOGIN, ""), ChallengePurpose.LOGIN, "");
    const b = await openChallenge(SECRET, await issueChallenge(SECRET, ChallengePurpose.LOGIN, ""), ChallengePurpose.LOGIN, "");
    expect(a?.nonce).not.toBe(b?.nonce);
  });
});

const X = new Uint8Array(32).fill(7);
const Y = new Uint8Array(32).fill(9);
const ID = Uint8Array.of(1, 2, 3, 4, 5);
const COSE = cbor(new Map<number, any>([[1, 2], [3, -7], [-1, 1], [-2, X], [-3, Y]]));

/** Authenticator data as an authenticator writes it: RP ID hash, flags (UP, UV, AT and `extra`), counter 5, the credential. */
function authData(extra = 0, tail: Uint8Array = new Uint8Array()): Uint8Array {
  return concat(new Uint8Array(32).fill(1), Uint8Array.of(0x45 | extra), Uint8Array.of(0, 0, 0, 5), new Uint8Array(16), Uint8Array.of(0, ID.byteLength), ID, COSE, tail);
}

const attestation = (data: Uint8Array): Uint8Array => cbor(new Map<string, any>([["fmt", "none"], ["attStmt", new Map()], ["authData", data]]));

/** Runs `read`; anything it throws must be our own error (a refusal), never a crash. */
function refusesOnlyWithOurError(read: () => unknown): void {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(WebAuthnDataError);
  }
}

describe("WebAuthn binary data", () => {
  it("reads an attestation object as the test authenticator writes it: counter, flags, credential id and its P-256 key as a JWK", () => {
    const data = readAttestation(attestation(authData()));
    expect(data).toMatchObject({ signatureCounter: 5, userPresent: true, userVerified: true });
    expect(data.credential?.id).toEqual(ID);
    expect(coseToJwk(data.credential!.publicKey)).toEqual({ algorithm: -7, jwk: { kty: "EC", crv: "P-256", x: base64url(X), y: base64url(Y) } });
  });

  it("refuses bytes after the authenticator data, and skips one extensions map only when the flag announces it", () => {
    const extensions = cbor(new Map<string, any>([["credProtect", 1]]));
    expect(() => readAttestation(attestation(authData(0, Uint8Array.of(0))))).toThrow(WebAuthnDataError);
    expect(() => readAttestation(attestation(authData(0, extensions)))).toThrow(WebAuthnDataError);
    expect(readAttestation(attestation(authData(0x80, extensions))).signatureCounter).toBe(5);
    expect(() => readAttestation(attestation(authData(0x80, concat(extensions, Uint8Array.of(0)))))).toThrow(WebAuthnDataError);
    const assertion = authData().slice(0, 37);
    assertion[32] = 0x05;
    expect(readAuthenticatorData(assertion).credential).toBeNull();
    expect(() => readAuthenticatorData(concat(assertion, Uint8Array.of(0)))).toThrow(WebAuthnDataError);
  });

  it("refuses a key that is not ES256 on P-256 or RS256 with 2048 bits", () => {
    const key = (entries: [number, any][]) => readAttestation(attestation(concat(authData().slice(0, 55 + ID.byteLength), cbor(new Map(entries))))).credential!.publicKey;
    expect(() => coseToJwk(key([[1, 2], [3, -7], [-1, 2], [-2, X], [-3, Y]]))).toThrow(WebAuthnDataError);
    expect(() => coseToJwk(key([[1, 2], [3, -7], [-1, 1], [-2, X.slice(1)], [-3, Y]]))).toThrow(WebAuthnDataError);
    expect(() => coseToJwk(key([[1, 1], [3, -8], [-1, 6], [-2, X]]))).toThrow(WebAuthnDataError);
    expect(() => coseToJwk(key([[1, 3], [3, -257], [-1, new Uint8Array(128)], [-2, Uint8Array.of(1, 0, 1)]]))).toThrow(WebAuthnDataError);
    expect(coseToJwk(key([[1, 3], [3, -257], [-1, new Uint8Array(256).fill(1)], [-2, Uint8Array.of(1, 0, 1)]])).jwk).toMatchObject({ kty: "RSA", e: "AQAB" });
  });

  it("refuses random bytes as an attestation object, authenticator data, client data or signature with its own error, never another", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        refusesOnlyWithOurError(() => coseToJwk(readAttestation(bytes).credential!.publicKey));
        refusesOnlyWithOurError(() => readAuthenticatorData(bytes));
        refusesOnlyWithOurError(() => readClientData(bytes));
        refusesOnlyWithOurError(() => derToRawSignature(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses mutated attestation objects (bytes changed, cut or added) with its own error, never another", () => {
    const good = attestation(authData());
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.byteLength - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(good.byteLength), fc.uint8Array({ maxLength: 4 }), (edits, cut, tail) => {
        const bytes = good.slice();
        for (const [at, value] of edits) bytes[at] = value;
        const mutated = concat(bytes.slice(0, cut), tail);
        refusesOnlyWithOurError(() => coseToJwk(readAttestation(mutated).credential!.publicKey));
        refusesOnlyWithOurError(() => readAuthenticatorData(mutated.slice(-authData().byteLength)));
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses client data that is not UTF-8, not an object, or without a text challenge", () => {
    const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const good = { type: "webauthn.get", challenge: "AAEC", origin: "https://a.example" };
    expect(readClientData(json(good))).toMatchObject({ origin: good.origin, challenge: Uint8Array.of(0, 1, 2), crossOrigin: false });
    // A byte that is not UTF-8 where nothing else would refuse it (the library alone would read it as U+FFFD).
    const bytes = json({ ...good, note: "~" });
    bytes[bytes.indexOf(0x7e)] = 0xff;
    for (const bad of [bytes, json([good]), json({ ...good, challenge: 7 }), json({ ...good, type: "payment.get" }), json({ ...good, crossOrigin: "no" })]) {
      expect(() => readClientData(bad)).toThrow(WebAuthnDataError);
    }
  });

  it("reads base64url as the encoder writes it, and refuses padding, other letters and non-zero unused bits", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(base64url(bytes)).toBe(b64u(bytes));
        expect(fromBase64url(b64u(bytes))).toEqual(bytes);
      }),
    );
    for (const bad of ["AB==", "AA==", "A+B/", "A", "AB", "AAB"]) expect(fromBase64url(bad), bad).toBeNull();
  });

  it("turns DER signatures back into the raw r||s they came from, and refuses a negative, oversized or non-minimal part", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (raw) => {
        expect(derToRawSignature(rawToDer(raw))).toEqual(raw);
      }),
    );
    expect(() => derToRawSignature(new Uint8Array([0x30, 6, 2, 1, 0x80, 2, 1, 1]))).toThrow(WebAuthnDataError);
    const big = concat(Uint8Array.of(0x30, 40, 2, 1, 1, 2, 35, 0), new Uint8Array(34).fill(0xff));
    expect(() => derToRawSignature(big)).toThrow(WebAuthnDataError);
    expect(() => derToRawSignature(new Uint8Array([0x30, 7, 2, 2, 0, 1, 2, 1, 1]))).toThrow(WebAuthnDataError);
    expect(() => derToRawSignature(new Uint8Array([0x30, 8, 2, 9, 1, 1, 2, 1, 1, 0]))).toThrow(WebAuthnDataError);
  });
});
