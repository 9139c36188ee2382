// Passkeys (WebAuthn) in workerd, with real WebAuthn responses built by a
// software authenticator (P-256 keys from Web Crypto): registration and login,
// a passkey added to a password account, and each refusal: a replayed
// challenge, another origin or RP ID, another key's signature, a counter that
// goes back, an unverified user, bad bodies (400, nothing changed), the login
// limits a password login has, and self-exclusion.
import { describe, expect, it } from "vitest";
import { LoginLimit } from "../../worker/http/account-sessions.ts";
import { BASE, call, uniqueId } from "../helpers/api.ts";
import { SoftAuthenticator, type Tamper } from "../helpers/soft-authenticator.ts";

// No ALLOWED_ORIGINS in the tests: the server's own origin is the one allowed, its host the RP ID.
const ORIGIN = BASE;
const RP_ID = new URL(BASE).hostname;

async function registerOptions(name: string) {
  const r = await call("POST", "/api/passkeys/register/options", { body: { name } });
  expect(r.status).toBe(200);
  return r.json.publicKey;
}

/** A new account made with a passkey alone: its name, session and authenticator. */
async function passkeyAccount(name = uniqueId("pk"), authenticator = new SoftAuthenticator(ORIGIN)) {
  const options = await registerOptions(name);
  const credential = await authenticator.create(options);
  const r = await call("POST", "/api/passkeys/register", { body: { name, credential } });
  expect(r.status).toBe(201);
  return { name, authenticator, token: r.json.token as string, account: r.json.account };
}

async function loginOptions() {
  const r = await call("POST", "/api/passkeys/login/options");
  expect(r.status).toBe(200);
  return r.json.publicKey;
}

async function passkeyLogin(authenticator: SoftAuthenticator, tamper: Tamper = {}, headers?: Record<string, string>) {
  const credential = await authenticator.get(await loginOptions(), tamper);
  return call("POST", "/api/passkeys/login", { body: { credential }, headers });
}

function expectError(r: { status: number; json: any }, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.json).toEqual({ error: { code, message: expect.any(String) } });
}

describe("passkey registration and login", () => {
  it("registers a new account with a passkey and logs in with it to the same account and balance", async () => {
    const { name, authenticator, token, account } = await passkeyAccount();
    expect(account).toMatchObject({ name, role: "punter", balance: 100_000 });
    expect((await call("GET", "/api/me", { token })).status).toBe(200);
    const dep = await call("POST", "/api/me/deposit", { token, body: { id: uniqueId("dep-key"), amount: 2500 } });
    expect(dep.status).toBe(200);

    const again = await passkeyLogin(authenticator);
    expect(again.status).toBe(201);
    expect(again.json.account).toEqual({ ...account, balance: 102_500 });
    const list = await call("GET", "/api/me/passkeys", { token: again.json.token });
    expect(list.json.passkeys).toEqual([{ id: expect.any(String), createdAt: expect.any(Number), lastUsedAt: expect.any(Number) }]);
  });

  it("gives options that bind the challenge to this server: RP ID its host, user verification required, a discoverable key, ES256 first", async () => {
    const name = uniqueId("opts");
    const options = await registerOptions(name);
    expect(options).toMatchObject({
      rp: { id: RP_ID },
      user: { name, displayName: name },
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
      attestation: "none",
    });
    expect(options.pubKeyCredParams.map((p: { alg: number }) => p.alg)).toEqual([-7, -257]);
    expect((await loginOptions()).allowCredentials).toEqual([]);
    // Through the browser's origin, when it is an allowed one: the RP ID follows it.
    expect((await call("POST", "/api/passkeys/login/options", { headers: { origin: ORIGIN } })).json.publicKey.rpId).toBe(RP_ID);
  });

  it("makes an account with no password: a password login to it is the same 401 as a wrong password", async () => {
    const { name } = await passkeyAccount();
    expectError(await call("POST", "/api/session", { body: { name, password: "any password at all" } }), 401, "UNAUTHENTICATED");
    expectError(await call("POST", "/api/session", { body: { name, password: "" } }), 401, "UNAUTHENTICATED");
  });

  it("refuses to register a name that is taken, at the options and at the end, with 409 NAME_TAKEN", async () => {
    const { name } = await passkeyAccount();
    expectError(await call("POST", "/api/passkeys/register/options", { body: { name: name.toUpperCase() } }), 409, "NAME_TAKEN");
    // Two ceremonies for one free name: the first to finish takes it.
    const other = uniqueId("race");
    const [a, b] = [new SoftAuthenticator(ORIGIN), new SoftAuthenticator(ORIGIN)];
    const [oa, ob] = [await registerOptions(other), await registerOptions(other)];
    const first = await call("POST", "/api/passkeys/register", { body: { name: other, credential: await a.create(oa) } });
    expect(first.status).toBe(201);
    expectError(await call("POST", "/api/passkeys/register", { body: { name: other, credential: await b.create(ob) } }), 409, "NAME_TAKEN");
  });

  it("adds a passkey to a password account, which then logs in with either; a guest cannot add one", async () => {
    const name = uniqueId("pw");
    const reg = await call("POST", "/api/accounts", { body: { name, password: "correct horse battery" } });
    expect(reg.status).toBe(201);
    const token = reg.json.token;
    const options = await call("POST", "/api/me/passkeys/options", { token });
    expect(options.status).toBe(200);
    expect(options.json.publicKey.user.name).toBe(name);
    const authenticator = new SoftAuthenticator(ORIGIN);
    const added = await call("POST", "/api/me/passkeys", { token, body: { credential: await authenticator.create(options.json.publicKey) } });
    expect(added.status).toBe(201);
    // Adding again lists the passkey to exclude, so the authenticator makes no second one.
    const next = await call("POST", "/api/me/passkeys/options", { token });
    expect(next.json.publicKey.excludeCredentials).toEqual([{ type: "public-key", id: added.json.passkey.id }]);

    const byPasskey = await passkeyLogin(authenticator);
    expect(byPasskey.status).toBe(201);
    expect(byPasskey.json.account.id).toBe(reg.json.account.id);
    expect((await call("POST", "/api/session", { body: { name, password: "correct horse battery" } })).status).toBe(201);

    const guest = await call("POST", "/api/session", { body: { name: "guest" } });
    expectError(await call("POST", "/api/me/passkeys/options", { token: guest.json.token }), 403, "FORBIDDEN");
    expectError(await call("POST", "/api/me/passkeys", { token: guest.json.token, body: { credential: await new SoftAuthenticator(ORIGIN).create(options.json.publicKey) } }), 403, "FORBIDDEN");
    expectError(await call("POST", "/api/me/passkeys/options"), 401, "UNAUTHENTICATED");
  });

  it("lists the passkey routes in the OpenAPI document", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    for (const path of ["/api/passkeys/register/options", "/api/passkeys/register", "/api/passkeys/login/options", "/api/passkeys/login", "/api/me/passkeys/options"]) {
      expect(doc.paths[path]?.post, path).toBeDefined();
    }
    expect(doc.paths["/api/me/passkeys"].get).toBeDefined();
    expect(doc.paths["/api/me/passkeys"].post.requestBody).toBeDefined();
  });
});

describe("passkey refusals", () => {
  it("refuses a replayed login: the same assertion again is 401, even from an authenticator that does not count", async () => {
    // step 0: the counter stays 0, so only the challenge's single use stands in the way.
    const { authenticator } = await passkeyAccount(uniqueId("replay"), new SoftAuthenticator(ORIGIN, 0));
    const credential = await authenticator.get(await loginOptions());
    expect((await call("POST", "/api/passkeys/login", { body: { credential } })).status).toBe(201);
    expectError(await call("POST", "/api/passkeys/login", { body: { credential } }), 401, "UNAUTHENTICATED");
    // A fresh signature over the used challenge is refused too.
    const used = JSON.parse(atob(credential.response.clientDataJSON.replace(/-/g, "+").replace(/_/g, "/"))).challenge;
    expectError(await passkeyLogin(authenticator, { challenge: used }), 401, "UNAUTHENTICATED");
    expect((await passkeyLogin(authenticator)).status).toBe(201);
  });

  it("refuses a challenge the server did not issue, or one issued for registration, at login", async () => {
    const { name, authenticator } = await passkeyAccount();
    const made = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(56)))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expectError(await passkeyLogin(authenticator, { challenge: made }), 401, "UNAUTHENTICATED");
    const forRegistration = (await registerOptions(`${name}-x`)).challenge;
    expectError(await passkeyLogin(authenticator, { challenge: forRegistration }), 401, "UNAUTHENTICATED");
  });

  it("refuses a registration replayed to add the same passkey again, and a challenge issued for another name", async () => {
    const name = uniqueId("bind");
    const options = await registerOptions(name);
    const credential = await new SoftAuthenticator(ORIGIN).create(options);
    // The challenge was issued for `name`: it registers no other.
    const other = uniqueId("other");
    expectError(await call("POST", "/api/passkeys/register", { body: { name: other, credential } }), 400, "INVALID");
    expect((await call("POST", "/api/passkeys/register/options", { body: { name: other } })).status).toBe(200);

    const pw = await call("POST", "/api/accounts", { body: { name: uniqueId("pw2"), password: "correct horse battery" } });
    const add = (await call("POST", "/api/me/passkeys/options", { token: pw.json.token })).json.publicKey;
    const second = await new SoftAuthenticator(ORIGIN).create(add);
    expect((await call("POST", "/api/me/passkeys", { token: pw.json.token, body: { credential: second } })).status).toBe(201);
    expectError(await call("POST", "/api/me/passkeys", { token: pw.json.token, body: { credential: second } }), 400, "INVALID");
    expect((await call("GET", "/api/me/passkeys", { token: pw.json.token })).json.passkeys).toHaveLength(1);
  });

  it("refuses a passkey used on another origin or for another RP ID, at registration and at login", async () => {
    const name = uniqueId("origin");
    for (const tamper of [{ origin: "https://edgebook.test.evil.example" }, { origin: "http://edgebook.test:8080" }, { rpId: "evil.example" }, { type: "webauthn.get" }]) {
      const credential = await new SoftAuthenticator(ORIGIN).create(await registerOptions(name), tamper);
      expectError(await call("POST", "/api/passkeys/register", { body: { name, credential } }), 400, "INVALID");
    }
    expect((await call("POST", "/api/passkeys/register/options", { body: { name } })).status).toBe(200);

    const { authenticator } = await passkeyAccount();
    for (const tamper of [{ origin: "https://evil.example" }, { rpId: "evil.example" }, { type: "webauthn.create" }]) {
      expectError(await passkeyLogin(authenticator, tamper), 401, "UNAUTHENTICATED");
    }
    expect((await passkeyLogin(authenticator)).status).toBe(201);
  });

  it("refuses an assertion signed by another key, or naming another account's user handle", async () => {
    const { authenticator } = await passkeyAccount();
    const stranger = await SoftAuthenticator.newKey();
    expectError(await passkeyLogin(authenticator, { signWith: stranger.privateKey }), 401, "UNAUTHENTICATED");
    const other = await passkeyAccount();
    expectError(await passkeyLogin(authenticator, { userHandle: other.authenticator.userHandle }), 401, "UNAUTHENTICATED");
    expectError(await passkeyLogin(authenticator, { userHandle: null }), 401, "UNAUTHENTICATED");
    expect((await passkeyLogin(authenticator)).status).toBe(201);
  });

  it("refuses a signature counter that goes back or stands still, and takes one that moves on", async () => {
    const { authenticator } = await passkeyAccount();
    expect((await passkeyLogin(authenticator, { counter: 10 })).status).toBe(201);
    expectError(await passkeyLogin(authenticator, { counter: 9 }), 401, "UNAUTHENTICATED");
    expectError(await passkeyLogin(authenticator, { counter: 10 }), 401, "UNAUTHENTICATED");
    expectError(await passkeyLogin(authenticator, { counter: 0 }), 401, "UNAUTHENTICATED");
    expect((await passkeyLogin(authenticator, { counter: 11 })).status).toBe(201);
  });

  it("refuses a user who was not verified (user verification is required)", async () => {
    const name = uniqueId("uv");
    const credential = await new SoftAuthenticator(ORIGIN).create(await registerOptions(name), { userVerified: false });
    expectError(await call("POST", "/api/passkeys/register", { body: { name, credential } }), 400, "INVALID");
    const { authenticator } = await passkeyAccount();
    expectError(await passkeyLogin(authenticator, { userVerified: false }), 401, "UNAUTHENTICATED");
  });

  it("answers bad bodies 400 INVALID in the contract's error shape, and they change nothing", async () => {
    const name = uniqueId("bad");
    const options = await registerOptions(name);
    const good = await new SoftAuthenticator(ORIGIN).create(options);
    const bodies: unknown[] = [
      {},
      { name },
      { name, credential: null },
      { name, credential: { ...good, type: "password" } },
      { name, credential: { ...good, rawId: "not base64url!" } },
      { name, credential: { ...good, id: good.rawId.slice(1) } },
      { name, credential: { ...good, response: { ...good.response, clientDataJSON: "" } } },
      { name, credential: { ...good, response: { ...good.response, attestationObject: good.response.attestationObject.slice(0, 40) } } },
      { name, credential: { ...good, response: { ...good.response, attestationObject: "A".repeat(9000) } } },
      { name, credential: good, extra: 1 },
      { name: "", credential: good },
    ];
    for (const body of bodies) expectError(await call("POST", "/api/passkeys/register", { body }), 400, "INVALID");
    expectError(await call("POST", "/api/passkeys/register", { body: "{not json" }), 400, "INVALID");
    expectError(await call("POST", "/api/passkeys/login", { body: { credential: { ...good, response: { clientDataJSON: "", authenticatorData: "", signature: "" } } } }), 401, "UNAUTHENTICATED");
    for (const body of [{}, { credential: 7 }, { credential: { id: "a", rawId: "a", type: "public-key", response: {} } }]) {
      expectError(await call("POST", "/api/passkeys/login", { body }), 400, "INVALID");
    }
    // Nothing was registered: the name is free, and the good credential still registers it once.
    expect((await call("POST", "/api/passkeys/register/options", { body: { name } })).status).toBe(200);
    expect((await call("POST", "/api/passkeys/register", { body: { name, credential: good } })).status).toBe(201);
  });

  it("spends the login limits a password login spends: an account's failed password logins lock out its passkey too", async () => {
    const { name, authenticator } = await passkeyAccount();
    for (let i = 0; i < LoginLimit.PER_ACCOUNT; i++) {
      expect((await call("POST", "/api/session", { body: { name, password: `wrong password ${i}` } })).status).toBe(401);
    }
    expectError(await passkeyLogin(authenticator), 429, "RATE_LIMITED");
  });

  it("spends the address's login budget: past it, a passkey login from that address is 429", async () => {
    const { authenticator } = await passkeyAccount();
    const headers = { "cf-connecting-ip": "10.250.0.9" };
    for (let i = 0; i < LoginLimit.PER_ADDRESS; i++) {
      expect((await call("POST", "/api/session", { body: { name: uniqueId("nobody"), password: "wrong password" }, headers })).status).toBe(401);
    }
    expectError(await passkeyLogin(authenticator, {}, headers), 429, "RATE_LIMITED");
    expect((await passkeyLogin(authenticator)).status).toBe(201);
  });

  it("refuses a self-excluded account's passkey login with 403 SELF_EXCLUDED, as its password login", async () => {
    const { token, authenticator } = await passkeyAccount();
    expect((await call("POST", "/api/me/exclusion", { token, body: { days: 1 } })).status).toBe(200);
    expectError(await passkeyLogin(authenticator), 403, "SELF_EXCLUDED");
  });
});
