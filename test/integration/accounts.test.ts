// Registered accounts: registration, password login, the same answer for a
// wrong name or password, names unique across case and Unicode spelling, the
// stored hash, login limits per account and per address, and logout refusing
// the token (a registered account's or a guest's) on HTTP, on socket upgrades
// and in the tickets it took.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Account } from "../../worker/account/account.ts";
import type { Wallet } from "../../worker/wallet/wallet.ts";
import { accountKey } from "../../worker/account/account-name.ts";
import { ITERATIONS, hashPassword } from "../../worker/account/password.ts";
import { LoginLimit } from "../../worker/http/account-sessions.ts";
import { adminSession, call, createMarket, openSocket, punterSession, uniqueId } from "../helpers/api.ts";

const PASSWORD = "correct horse battery";

async function registered(name = uniqueId("n"), password = PASSWORD) {
  const r = await call("POST", "/api/accounts", { body: { name, password } });
  expect(r.status).toBe(201);
  return { name, password, token: r.json.token as string, account: r.json.account };
}

const login = (name: string, password: string, headers?: Record<string, string>) => call("POST", "/api/session", { body: { name, password }, headers });

/** The stored password hash, read inside the account's object. */
async function storedHash(name: string): Promise<string> {
  const stub = env.ACCOUNT.getByName(await accountKey(name));
  return runInDurableObject(stub, (_obj, state) => state.storage.sql.exec("SELECT password_hash FROM account").one().password_hash as string);
}

const claimsOf = (token: string) => JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));

async function ticketFor(token: string, marketId: string) {
  return call("POST", `/api/markets/${marketId}/ticket`, { token });
}

/**
 * Take a ticket and open a socket with `token`, log it out, then expect the
 * token refused on HTTP, at the ticket route, at logout and at a socket
 * upgrade, and the ticket it took refused at the upgrade.
 */
async function expectLogoutRefusesToken(token: string, marketId: string) {
    const ticket = await ticketFor(token, marketId);
    expect(ticket.status).toBe(201);
    const before = await openSocket(marketId, { token });
    expect(before.status).toBe(101);
    before.socket?.close();

    expect((await call("POST", "/api/session/logout", { token })).status).toBe(204);

    expect((await call("GET", "/api/me", { token })).status).toBe(401);
    expect((await call("GET", "/api/me/bets", { token })).status).toBe(401);
    expect((await ticketFor(token, marketId)).status).toBe(401);
    expect((await call("POST", "/api/session/logout", { token })).status).toBe(401);
    const byToken = await openSocket(marketId, { token });
    expect(byToken.status).toBe(401);
    expect(byToken.json.error.code).toBe("UNAUTHENTICATED");
    expect((await openSocket(marketId, { query: `ticket=${ticket.json.ticket}` })).status).toBe(401);
}

describe("registration", () => {
  it("registers an account and answers with a session for it, a punter with the starting balance", async () => {
    const name = uniqueId("reg");
    const r = await call("POST", "/api/accounts", { body: { name, password: PASSWORD } });
    expect(r.status).toBe(201);
    expect(r.json.account).toMatchObject({ name, role: "punter", balance: 100_000 });
    expect(r.json.account.id).toMatch(/^acc-/);
    const me = await call("GET", "/api/me", { token: r.json.token });
    expect(me.status).toBe(200);
    expect(me.json.account).toEqual(r.json.account);
  });

  it("refuses a password under 10 characters with 400 INVALID, counting characters after NFC, and takes no name", async () => {
    const name = uniqueId("short");
    // Nine letters and a combining accent: ten code units, nine characters once composed.
    for (const password of ["123456789", "abcdefghe\u0301", ""]) {
      const r = await call("POST", "/api/accounts", { body: { name, password } });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("INVALID");
      expect(JSON.stringify(r.json)).not.toContain(password || "\u0000");
    }
    expect((await call("POST", "/api/accounts", { body: { name, password: "1234567890" } })).status).toBe(201);
  });

  it("refuses a name with control or invisible formatting characters with 400 INVALID, for accounts, guests and passkeys alike, and takes no name", async () => {
    const base = uniqueId("rlo");
    for (const name of [`${base}\u0000`, `\u202e${base}`, `${base}\u200b`, `${base}\u2028x`]) {
      for (const [path, body] of [
        ["/api/accounts", { name, password: PASSWORD }],
        ["/api/session", { name }],
        ["/api/passkeys/register/options", { name }],
      ] as const) {
        const r = await call("POST", path, { body });
        expect(r.status, `${path} ${JSON.stringify(name)}`).toBe(400);
        expect(r.json.error.code).toBe("INVALID");
      }
    }
    // The same name without them is free: nothing was taken by the refusals.
    expect((await call("POST", "/api/accounts", { body: { name: base, password: PASSWORD } })).status).toBe(201);
  });

  it("refuses a name that is taken with 409 NAME_TAKEN, also when it differs only in case or Unicode spelling", async () => {
    const tag = uniqueId("x");
    const { name } = await registered(`Zoë Straße ${tag}`);
    const spellings = [name, name.toUpperCase(), `zoe\u0308 strasse ${tag}`, `  ZOË STRASSE ${tag.toUpperCase()}  `];
    for (const other of spellings) {
      const r = await call("POST", "/api/accounts", { body: { name: other, password: "another password" } });
      expect(r.status).toBe(409);
      expect(r.json.error.code).toBe("NAME_TAKEN");
    }
    // The account keeps its own password: no refused registration changed it.
    expect((await login(`ZOE\u0308 STRASSE ${tag.toUpperCase()}`, PASSWORD)).status).toBe(201);
  });

  it("lets only one of two simultaneous registrations of a name through", async () => {
    const name = uniqueId("race");
    const answers = await Promise.all([PASSWORD, "other password"].map((password) => call("POST", "/api/accounts", { body: { name, password } })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
  });
});

describe("login", () => {
  it("logs in to the same account from any spelling of its name, and the account is as it was", async () => {
    const { name, account } = await registered(uniqueId("Back"));
    const r = await login(name.toUpperCase(), PASSWORD);
    expect(r.status).toBe(201);
    expect(r.json.account).toEqual(account);
    expect((await call("GET", "/api/me", { token: r.json.token })).json.account.id).toBe(account.id);
  });

  it("answers a wrong password and a name with no account with the same 401 UNAUTHENTICATED", async () => {
    const { name } = await registered();
    const wrongPassword = await login(name, "not the password at all");
    const unknownName = await login(uniqueId("nobody"), PASSWORD);
    expect(wrongPassword.status).toBe(401);
    expect(unknownName.status).toBe(401);
    expect(wrongPassword.json.error.code).toBe("UNAUTHENTICATED");
    expect(unknownName.json).toEqual(wrongPassword.json);
  });

  it("refuses a password login that also names an adminKey", async () => {
    const { name } = await registered();
    const r = await call("POST", "/api/session", { body: { name, password: PASSWORD, adminKey: "test-admin-key-of-thirty-two-chars" } });
    expect(r.status).toBe(400);
  });

  it("keeps guest sessions as they were: a new account each time, with a token that names no account object", async () => {
    const a = await punterSession("guest");
    const b = await punterSession("guest");
    expect(a.account.id).not.toBe(b.account.id);
    expect(claimsOf(a.token)).not.toHaveProperty("acct");
    expect((await call("GET", "/api/me", { token: a.token })).status).toBe(200);
    expect((await call("POST", "/api/session/logout", { token: a.token })).status).toBe(204);
  });
});

describe("the stored password", () => {
  it("is only a salted PBKDF2-SHA-256 hash with its parameters, different for two accounts with one password", async () => {
    const a = await registered();
    const b = await registered();
    const [ha, hb] = [await storedHash(a.name), await storedHash(b.name)];
    for (const h of [ha, hb]) {
      expect(h).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
      expect(h).not.toContain(PASSWORD);
    }
    expect(ha.split("$")[2]).not.toBe(hb.split("$")[2]);
    expect(ha.split("$")[3]).not.toBe(hb.split("$")[3]);
  });

  it("is rehashed at today's iteration count when the account logs in with a hash made with fewer", async () => {
    const { name } = await registered();
    const stub = env.ACCOUNT.getByName(await accountKey(name));
    const weaker = await hashPassword(PASSWORD, 1000);
    await runInDurableObject(stub, (_obj, state) => void state.storage.sql.exec("UPDATE account SET password_hash = ?", weaker));
    expect((await login(name, PASSWORD)).status).toBe(201);
    const now = await storedHash(name);
    expect(now.split("$")[1]).toBe(String(ITERATIONS));
    expect(now).not.toBe(weaker);
    expect((await login(name, PASSWORD)).status).toBe(201);
  });

  describe("in answers and logs", () => {
    afterEach(() => vi.restoreAllMocks());

    it("never appears in an answer or a log line, nor does the password", async () => {
      const lines: string[] = [];
      for (const level of ["log", "info", "warn", "error"] as const) {
        vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
      }
      const name = uniqueId("quiet");
      const answers = [await call("POST", "/api/accounts", { body: { name, password: PASSWORD } })];
      answers.push(await login(name, PASSWORD), await login(name, `${PASSWORD}!`), await call("POST", "/api/accounts", { body: { name, password: PASSWORD } }));
      answers.push(await call("GET", "/api/me", { token: answers[0].json.token }));
      const [, , salt, hash] = (await storedHash(name)).split("$");
      // The capture works: the Worker's request lines were caught.
      expect(lines.some((l) => l.includes('"event":"http"'))).toBe(true);
      const seen = [...lines, ...answers.map((a) => JSON.stringify(a.json))].join("\n");
      for (const secret of [PASSWORD, salt, hash, "pbkdf2"]) expect(seen).not.toContain(secret);
    });
  });
});

describe("logout", () => {
  it("refuses the token from then on, on HTTP and on socket upgrades, and refuses the tickets it took", async () => {
    const market = await createMarket(await adminSession());
    const { name, token, account } = await registered();
    await expectLogoutRefusesToken(token, market.id);

    // Logging in again reaches the same account, with a session that works.
    const again = await login(name, PASSWORD);
    expect(again.json.account.id).toBe(account.id);
    expect((await call("GET", "/api/me", { token: again.json.token })).status).toBe(200);
    expect((await openSocket(market.id, { token: again.json.token })).status).toBe(101);
  });

  it("ends only the session it was called with, not the account's other sessions", async () => {
    const { name, token } = await registered();
    const other = (await login(name, PASSWORD)).json.token;
    expect((await call("POST", "/api/session/logout", { token })).status).toBe(204);
    expect((await call("GET", "/api/me", { token })).status).toBe(401);
    expect((await call("GET", "/api/me", { token: other })).status).toBe(200);
  });

  it("keeps a revoked session id only until its token would have expired", async () => {
    const { name, token } = await registered();
    expect((await call("POST", "/api/session/logout", { token })).status).toBe(204);
    const stub = env.ACCOUNT.getByName(await accountKey(name));
    const ids = await runInDurableObject(stub, async (obj: Account, state) => {
      state.storage.sql.exec("INSERT INTO revoked (jti, expires_at) VALUES ('long-gone', ?)", Date.now() - 1);
      obj.revoke("already-expired", Date.now() - 1);
      obj.revoke("still-good", Date.now() + 60_000);
      return state.storage.sql.exec("SELECT jti FROM revoked ORDER BY jti").toArray().map((r) => r.jti);
    });
    expect(ids).toEqual(["still-good", claimsOf(token).jti].sort());
  });

  it("needs a session", async () => {
    expect((await call("POST", "/api/session/logout")).status).toBe(401);
  });
});

describe("a guest's logout", () => {
  it("refuses the guest's token from then on, on HTTP and on socket upgrades, and refuses the tickets it took", async () => {
    const market = await createMarket(await adminSession());
    const { token } = await punterSession("guest");
    await expectLogoutRefusesToken(token, market.id);
  });

  it("leaves other guests' sessions working", async () => {
    const market = await createMarket(await adminSession());
    const [a, b] = [await punterSession("guest"), await punterSession("guest")];
    const bTicket = (await ticketFor(b.token, market.id)).json.ticket as string;
    expect((await call("POST", "/api/session/logout", { token: a.token })).status).toBe(204);
    expect((await call("GET", "/api/me", { token: a.token })).status).toBe(401);
    expect((await call("GET", "/api/me", { token: b.token })).status).toBe(200);
    expect((await openSocket(market.id, { token: b.token })).status).toBe(101);
    expect((await openSocket(market.id, { query: `ticket=${bTicket}` })).status).toBe(101);
  });

  it("refuses an admin's token after its logout, and leaves the admin's other sessions working", async () => {
    const [admin, other] = [await adminSession(), await adminSession()];
    expect((await call("POST", "/api/session/logout", { token: admin })).status).toBe(204);
    expect((await call("GET", "/api/me", { token: admin })).status).toBe(401);
    expect((await call("GET", "/api/me", { token: other })).status).toBe(200);
  });

  it("keeps a guest's revoked session id in its wallet only until its token would have expired", async () => {
    const { token, account } = await punterSession("guest");
    expect((await call("POST", "/api/session/logout", { token })).status).toBe(204);
    const ids = await runInDurableObject(env.WALLET.getByName(account.id), async (obj: Wallet, state) => {
      state.storage.sql.exec("INSERT INTO revoked_sessions (jti, expires_at) VALUES ('long-gone', ?)", Date.now() - 1);
      obj.revokeSession("already-expired", Date.now() - 1);
      obj.revokeSession("still-good", Date.now() + 60_000);
      return state.storage.sql.exec("SELECT jti FROM revoked_sessions ORDER BY jti").toArray().map((r) => r.jti);
    });
    expect(ids).toEqual(["still-good", claimsOf(token).jti].sort());
  });
});

describe("login limits", () => {
  it("limits password logins per account name across addresses with 429, the right password included, and leaves other names alone", async () => {
    const { name } = await registered();
    const bystander = await registered();
    for (let i = 0; i < LoginLimit.PER_ACCOUNT; i++) expect((await login(name, `wrong password ${i}`)).status).toBe(401);
    const locked = await login(name.toUpperCase(), PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe("RATE_LIMITED");
    expect((await login(bystander.name, PASSWORD)).status).toBe(201);
  });

  it("answers a name with no account the same way when it is over its limit", async () => {
    const nobody = uniqueId("ghost");
    const { name } = await registered();
    const answers: { status: number; json: unknown }[][] = [[], []];
    for (const [k, who] of [nobody, name].entries()) {
      for (let i = 0; i <= LoginLimit.PER_ACCOUNT; i++) {
        const { status, json } = await login(who, `wrong password ${i}`);
        answers[k].push({ status, json });
      }
    }
    expect(answers[0].map((a) => a.status)).toEqual([...Array(LoginLimit.PER_ACCOUNT).fill(401), 429]);
    expect(answers[0]).toEqual(answers[1]);
  });

  it("limits password attempts per client address with 429, across names", async () => {
    const { name } = await registered();
    const address = { "cf-connecting-ip": "192.0.2.61" };
    for (let i = 0; i < LoginLimit.PER_ADDRESS; i++) expect((await login(uniqueId("guess"), PASSWORD, address)).status).toBe(401);
    const r = await login(name, PASSWORD, address);
    expect(r.status).toBe(429);
    expect(r.json.error.code).toBe("RATE_LIMITED");
    expect((await call("POST", "/api/accounts", { body: { name: uniqueId("late"), password: PASSWORD }, headers: address })).status).toBe(429);
    expect((await login(name, PASSWORD)).status).toBe(201);
  });
});

describe("the OpenAPI document", () => {
  it("lists registration and logout with their refusals", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    expect(Object.keys(doc.paths["/api/accounts"].post.responses)).toEqual(expect.arrayContaining(["201", "400", "409", "429"]));
    expect(Object.keys(doc.paths["/api/session/logout"].post.responses)).toEqual(expect.arrayContaining(["204", "401"]));
  });
});
