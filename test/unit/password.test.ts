// Password hashes in plain Node: the stored form, verification, parameters
// that can be raised later, and stored values that must match nothing.
import { describe, expect, it } from "vitest";
import { DUMMY_HASH, ITERATIONS, hashPassword, needsRehash, verifyPassword } from "../../worker/account/password.ts";

describe("password hashes", () => {
  it("stores the scheme, the iteration count, a 16-byte salt and a 32-byte hash, and verifies only the same password", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(new RegExp(`^pbkdf2-sha256\\$${ITERATIONS}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`));
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("takes the same characters in either Unicode spelling", async () => {
    const stored = await hashPassword("crème brûlée!!", 1000);
    expect(await verifyPassword("cre\u0300me bru\u0302le\u0301e!!", stored)).toBe(true);
  });

  it("verifies a hash made with fewer iterations and says it needs raising", async () => {
    const old = await hashPassword("correct horse battery", 1000);
    expect(await verifyPassword("correct horse battery", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword("correct horse battery"))).toBe(false);
  });

  it("matches nothing with a stored value that is malformed or asks for more work than the runtime allows", async () => {
    const good = await hashPassword("correct horse battery", 1000);
    const [scheme, , salt, hash] = good.split("$");
    for (const stored of ["", "garbage", `${scheme}$${ITERATIONS + 1}$${salt}$${hash}`, `${scheme}$0$${salt}$${hash}`, `sha1$1000$${salt}$${hash}`, `${scheme}$1000$${salt}$`, `${scheme}$1000$!!$${hash}`]) {
      expect(await verifyPassword("correct horse battery", stored)).toBe(false);
    }
  });

  it("matches no password with the dummy hash used for names without an account", async () => {
    for (const pw of ["", "correct horse battery", "\u0000".repeat(10)]) expect(await verifyPassword(pw, DUMMY_HASH)).toBe(false);
  });
});
