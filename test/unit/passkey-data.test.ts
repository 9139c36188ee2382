// The passkey challenge (signed, bound, short-lived) and the strict readers of
// WebAuthn's binary data: CBOR checked against an independent decoder
// (@oslojs/cbor) on random bytes, base64url and DER signatures round trip.
import { decodeCBORToNativeValueNoLeftoverBytes } from "@oslojs/cbor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHALLENGE_TTL_MS, ChallengePurpose, issueChallenge, openChallenge } from "../../worker/account/passkey-challenge.ts";
import { type Cbor, base64url, decodeCbor, derToRawSignature, fromBase64url } from "../../worker/account/webauthn-data.ts";
import { b64u, cbor, rawToDer } from "../helpers/soft-authenticator.ts";

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

/** Our decoded value in @oslojs/cbor's native form (maps as plain objects with string keys). */
function native(value: Cbor): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), native(v)]));
  if (Array.isArray(value)) return value.map(native);
  return value;
}

describe("WebAuthn binary data", () => {
  it("decodes what the test encoder writes: maps with integer and text keys, bytes, text, negative integers", () => {
    const map = new Map<number | string, any>([[1, 2], [3, -7], [-1, 1], [-2, new Uint8Array([1, 2, 3])], ["fmt", "none"]]);
    expect(decodeCbor(cbor(map))).toEqual(map);
  });

  it("never decodes random bytes differently from an independent CBOR decoder, and throws nothing but its own error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        let ours: Cbor;
        try {
          ours = decodeCbor(bytes);
        } catch (err) {
          expect((err as Error).constructor.name).toBe("WebAuthnDataError");
          return;
        }
        // Whatever we accept, the reference accepts as the same value; it only
        // fails on 32-bit arguments with the high bit set (its own signed shift).
        let theirs: unknown;
        try {
          theirs = decodeCBORToNativeValueNoLeftoverBytes(bytes, 8);
        } catch (err) {
          expect(err).toBeInstanceOf(TypeError);
          expect(JSON.stringify(native(ours), (_k, v) => (v instanceof Uint8Array ? [] : v))).toMatch(/\d{10}/);
          return;
        }
        expect(theirs).toEqual(native(ours));
      }),
      { numRuns: 3000 },
    );
  });

  it("reads base64url as the encoder writes it, and refuses padding, other letters and non-zero unused bits", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(base64url(bytes)).toBe(b64u(bytes));
        expect(fromBase64url(b64u(bytes))).toEqual(bytes);
      }),
    );
    for (const bad of ["AB==", "A+B/", "A", "AB", "AAB"]) expect(fromBase64url(bad), bad).toBeNull();
  });

  it("turns DER signatures back into the raw r||s they came from", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (raw) => {
        expect(derToRawSignature(rawToDer(raw))).toEqual(raw);
      }),
    );
    expect(() => derToRawSignature(new Uint8Array([0x30, 6, 2, 1, 0x80, 2, 1, 1]))).toThrow();
  });
});
