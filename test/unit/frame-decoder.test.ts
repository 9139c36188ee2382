import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFrame, tooBig } from "../../worker/protocol/frame-decoder.ts";

const bet = { type: "bet", id: "abcdefgh", selectionId: "home", stake: 100, odds: 2.5 };

describe("the frame decoder", () => {
  it("never throws, on any string or any bytes, and decides size, type and fields as the contract says", () => {
    const fields = new Set(["type", "id", "selectionId", "stake", "odds", "accept"]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 5000 }),
          fc.string({ unit: "binary", maxLength: 2000 }),
          fc.json(),
          fc.jsonValue().map((j) => JSON.stringify(j)),
          fc.record({ type: fc.constant("bet"), id: fc.string(), stake: fc.anything(), odds: fc.anything() }).map((o) => JSON.stringify(o)),
          fc.uint8Array({ maxLength: 5000 }).map((b) => b.buffer as ArrayBuffer),
        ),
        (input) => {
          const out = decodeFrame(input);
          const bytes = typeof input === "string" ? new TextEncoder().encode(input).length : input.byteLength;
          // Over 4 KiB is refused whatever it holds; under it, never for size.
          expect(out.kind === "too-big").toBe(bytes > 4096);
          if (out.kind === "binary") expect(typeof input).not.toBe("string");
          if (out.kind === "ping") expect(input).toBe("ping");
          if (out.kind === "bad-utf8") expect(typeof input === "string" && input.includes("\uFFFD")).toBe(true);
          if (out.kind === "frame") {
            expect(out.frame.type).toBe("bet");
            for (const key of Object.keys(out.frame)) expect(fields.has(key)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("accepts a well-formed bet frame", () => {
    expect(decodeFrame(JSON.stringify(bet))).toEqual({ kind: "frame", frame: bet });
  });

  it("refuses unknown fields, wrong types and prototype-pollution keys, naming the bet where it can", () => {
    expect(decodeFrame(JSON.stringify({ ...bet, extra: 1 }))).toMatchObject({ kind: "invalid", betId: "abcdefgh" });
    expect(decodeFrame(JSON.stringify({ ...bet, stake: "100" }))).toMatchObject({ kind: "invalid", betId: "abcdefgh" });
    expect(decodeFrame(JSON.stringify({ ...bet, stake: 1.5 }))).toMatchObject({ kind: "invalid" });
    expect(decodeFrame(JSON.stringify({ ...bet, odds: 2.555 }))).toMatchObject({ kind: "invalid" });
    const polluted = `{"type":"bet","id":"abcdefgh","selectionId":"home","stake":100,"odds":2.5,"__proto__":{"admin":true}}`;
    expect(decodeFrame(polluted)).toMatchObject({ kind: "invalid" });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const constructor = `{"type":"bet","id":"abcdefgh","selectionId":"home","stake":100,"odds":2.5,"constructor":{"prototype":{"x":1}}}`;
    expect(decodeFrame(constructor)).toMatchObject({ kind: "invalid" });
    expect(decodeFrame(`{"type":"other"}`)).toMatchObject({ kind: "invalid", betId: null });
    expect(decodeFrame("[1,2]")).toMatchObject({ kind: "invalid", betId: null });
    expect(decodeFrame("nope")).toEqual({ kind: "not-json" });
  });

  it("measures the 4 KiB cap in UTF-8 bytes as received, before parsing", () => {
    expect(tooBig("x".repeat(4096))).toBe(false);
    expect(tooBig("x".repeat(4097))).toBe(true);
    // 1366 three-byte characters are 4098 bytes though only 1366 UTF-16 units.
    expect(tooBig("€".repeat(1365))).toBe(false);
    expect(tooBig("€".repeat(1366))).toBe(true);
    expect(decodeFrame("{".repeat(5000))).toEqual({ kind: "too-big" });
    expect(decodeFrame(new Uint8Array(4097).buffer)).toEqual({ kind: "too-big" });
    expect(decodeFrame(new Uint8Array(10).buffer)).toEqual({ kind: "binary" });
  });

  it("tells a text frame whose bytes were not UTF-8 (decoded as U+FFFD) from one that is not JSON", () => {
    const broken = new TextDecoder().decode(new Uint8Array([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x7d]));
    expect(decodeFrame(broken)).toEqual({ kind: "bad-utf8" });
    expect(decodeFrame(JSON.stringify({ ...bet, id: "abc\uFFFDdefg" }))).toEqual({ kind: "bad-utf8" });
    expect(decodeFrame("not json at all")).toEqual({ kind: "not-json" });
    expect(decodeFrame(JSON.stringify({ ...bet, selectionId: "hôme€" }))).toMatchObject({ kind: "invalid" });
  });
});
