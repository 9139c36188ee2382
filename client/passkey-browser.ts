// The browser's side of a passkey ceremony: the server's JSON options turned
// into what `navigator.credentials` takes (binary fields as ArrayBuffers), and
// the credential it makes turned back into JSON for the server.
import type { AuthenticationCredential, CreationOptions, RegistrationCredential, RequestOptions } from "../worker/protocol/passkeys.ts";

export const passkeysSupported = (): boolean => typeof window !== "undefined" && "PublicKeyCredential" in window && !!navigator.credentials;

/** Thrown when the browser cannot, or the person did not, make the passkey. */
export class PasskeyCancelled extends Error {}

const toBytes = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const toText = (buffer: ArrayBuffer): string => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const named = (c: PublicKeyCredential) => ({ id: c.id, rawId: toText(c.rawId), type: "public-key" as const });
const clientData = (r: AuthenticatorResponse) => ({ clientDataJSON: toText(r.clientDataJSON) });
const descriptors = (list: { id: string }[]) => list.map((d) => ({ type: "public-key" as const, id: toBytes(d.id) }));

export async function createPasskey(options: CreationOptions): Promise<RegistrationCredential> {
  const credential = (await ask(() =>
    navigator.credentials.create({
      publicKey: {
        ...options,
        challenge: toBytes(options.challenge),
        user: { ...options.user, id: toBytes(options.user.id) },
        excludeCredentials: descriptors(options.excludeCredentials),
      },
    }),
  )) as PublicKeyCredential;
  const response = credential.response as AuthenticatorAttestationResponse;
  const transports = response.getTransports?.() ?? [];
  return { ...named(credential), response: { ...clientData(response), attestationObject: toText(response.attestationObject), transports } };
}

export async function getPasskey(options: RequestOptions): Promise<AuthenticationCredential> {
  const credential = (await ask(() =>
    navigator.credentials.get({ publicKey: { ...options, challenge: toBytes(options.challenge), allowCredentials: descriptors(options.allowCredentials) } }),
  )) as PublicKeyCredential;
  const response = credential.response as AuthenticatorAssertionResponse;
  const userHandle = response.userHandle ? toText(response.userHandle) : null;
  return { ...named(credential), response: { ...clientData(response), authenticatorData: toText(response.authenticatorData), signature: toText(response.signature), userHandle } };
}

/** The browser's refusals (cancelled, timed out, no passkey, unsupported) as one error the page can word. */
async function ask(run: () => Promise<Credential | null>): Promise<Credential> {
  if (!passkeysSupported()) throw new PasskeyCancelled("unsupported");
  let credential: Credential | null;
  try {
    credential = await run();
  } catch (err) {
    throw new PasskeyCancelled(err instanceof DOMException ? err.name : "failed");
  }
  if (!credential) throw new PasskeyCancelled("none");
  return credential;
}
