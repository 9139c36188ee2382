// Passkeys (WebAuthn) on the wire: the options the server gives a browser for
// `navigator.credentials.create()` and `.get()`, and the credential the browser
// sends back, in WebAuthn's JSON form (binary fields as base64url without
// padding, as `PublicKeyCredential.toJSON()` writes them). Schemas once; the
// routes validate against them, the web app reads with them.
import * as v from "valibot";
import { AccountName } from "./schemas.ts";

/** base64url without padding, at most `max` characters. */
const B64u = (max: number) => v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/, "must be base64url without padding"), v.maxLength(max), v.description("base64url, no padding"));

/** A display name, as for a password account. */
const Name = AccountName;

// WebAuthn allows credential ids up to 1023 bytes (1364 characters in base64url).
const CredentialId = B64u(1364);

/**
 * What `navigator.credentials.create()` answered. Unknown members (browsers add
 * `publicKey`, `authenticatorData`, extension results) are dropped, never trusted.
 */
export const RegistrationCredential = v.object({
  id: CredentialId,
  rawId: CredentialId,
  type: v.literal("public-key"),
  response: v.object({
    clientDataJSON: B64u(4096),
    attestationObject: B64u(8192),
    transports: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(32))), v.maxLength(8))),
  }),
});

/** What `navigator.credentials.get()` answered. */
export const AuthenticationCredential = v.object({
  id: CredentialId,
  rawId: CredentialId,
  type: v.literal("public-key"),
  response: v.object({
    clientDataJSON: B64u(4096),
    authenticatorData: B64u(4096),
    signature: B64u(1024),
    userHandle: v.optional(v.nullable(B64u(86))),
  }),
});

// ---- request bodies ----

/** A new account's name: the options bind the challenge to it. */
export const PasskeyRegisterOptionsBody = v.strictObject({ name: Name });
export const PasskeyRegisterBody = v.strictObject({ name: Name, credential: RegistrationCredential });
export const PasskeyLoginBody = v.strictObject({ credential: AuthenticationCredential });
export const PasskeyAddBody = v.strictObject({ credential: RegistrationCredential });

// ---- answers ----

const Descriptor = v.object({ type: v.literal("public-key"), id: CredentialId });

/** PublicKeyCredentialCreationOptionsJSON, as far as the server sets it. */
export const CreationOptionsSchema = v.object({
  rp: v.object({ id: v.string(), name: v.string() }),
  user: v.object({ id: B64u(86), name: v.string(), displayName: v.string() }),
  challenge: B64u(256),
  pubKeyCredParams: v.array(v.object({ type: v.literal("public-key"), alg: v.number() })),
  timeout: v.number(),
  excludeCredentials: v.array(Descriptor),
  authenticatorSelection: v.object({
    residentKey: v.literal("required"),
    requireResidentKey: v.literal(true),
    userVerification: v.literal("required"),
  }),
  attestation: v.literal("none"),
});

/** PublicKeyCredentialRequestOptionsJSON: no credentials listed (a discoverable passkey names its account). */
export const RequestOptionsSchema = v.object({
  challenge: B64u(256),
  rpId: v.string(),
  timeout: v.number(),
  userVerification: v.literal("required"),
  allowCredentials: v.array(Descriptor),
});

export const CreationOptionsAnswer = v.object({ publicKey: CreationOptionsSchema });
export const RequestOptionsAnswer = v.object({ publicKey: RequestOptionsSchema });

export const PasskeySchema = v.object({
  id: v.pipe(v.string(), v.description("The credential id, base64url")),
  createdAt: v.pipe(v.number(), v.description("ms since the epoch")),
  lastUsedAt: v.optional(v.pipe(v.number(), v.description("ms since the epoch; absent until first used to log in"))),
});
export const PasskeyAnswer = v.object({ passkey: PasskeySchema });
export const PasskeysAnswer = v.object({ passkeys: v.array(PasskeySchema) });

export type RegistrationCredential = v.InferOutput<typeof RegistrationCredential>;
export type AuthenticationCredential = v.InferOutput<typeof AuthenticationCredential>;
export type CreationOptions = v.InferOutput<typeof CreationOptionsSchema>;
export type RequestOptions = v.InferOutput<typeof RequestOptionsSchema>;
export type Passkey = v.InferOutput<typeof PasskeySchema>;
