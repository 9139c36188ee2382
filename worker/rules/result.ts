// One shape for every answer an object gives over RPC: a value, or a refusal
// with a code and a message (and, where the caller acts on it, a little more).
// Expected business outcomes travel as refusals; exceptions are for bugs.
import type { ErrorCode } from "../protocol/codes.ts";

export type Refusal<C extends string = ErrorCode> = { ok: false; code: C; message: string };
export type Result<T, R extends Refusal<string> = Refusal> = { ok: true; value: T } | R;

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function refused<C extends string>(code: C, message: string): Refusal<C> {
  return { ok: false, code, message };
}
