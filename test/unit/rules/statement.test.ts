import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStatementCursor, encodeStatementCursor, refOf } from "../../../worker/rules/statement.ts";

describe("the statement's rules", () => {
  it("reads what an entry is for from its key", () => {
    expect(refOf("stake:m-1/bet-0001")).toBe("m-1/bet-0001");
    expect(refOf("deposit:dep:with-colon")).toBe("dep:with-colon");
    expect(refOf("grant:opening")).toBe("opening");
  });

  it("gives back the seq of every cursor it made", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (seq) => {
      expect(decodeStatementCursor(encodeStatementCursor(seq))).toBe(seq);
    }));
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (seq) => {
      expect(encodeStatementCursor(seq)).toMatch(/^[A-Za-z0-9]+$/);
    }));
  });

  it("refuses any cursor it did not make", () => {
    const made = (s: string) => btoa(s).replace(/=+$/, "");
    for (const bad of ["", "abc", "czA", made("s0"), made("s01"), made("x5"), made("s5x"), made(" s5"), made("s9007199254740992"), made("s12345678901234567"), "a+b", "c/zE", `${made("s5")}=`, "!".repeat(5), "A".repeat(25), "A", "abcde", ` ${made("s5")}`, `${made("s5")} `, `${made("s5")}\n`]) {
      expect(decodeStatementCursor(bad)).toBeNull();
    }
    expect(decodeStatementCursor(made("s9007199254740991"))).toBe(9007199254740991);
    expect(decodeStatementCursor("cz")).toBeNull();
  });
});
