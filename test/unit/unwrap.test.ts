import { describe, expect, it } from "vitest";
import { AppError } from "../../worker/errors.ts";
import { unwrap } from "../../worker/http/unwrap.ts";
import { ok, refused } from "../../worker/rules/result.ts";

describe("an object's answer at the HTTP edge", () => {
  it("gives the value of an accepted answer", () => {
    expect(unwrap(ok({ seq: 3 }))).toEqual({ seq: 3 });
  });

  it("throws a refusal as the contract's error, with its status", () => {
    let thrown: unknown;
    try {
      unwrap(refused("ALREADY_SETTLED", "market is settled"));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: "ALREADY_SETTLED", message: "market is settled", status: 409 });
  });
});
