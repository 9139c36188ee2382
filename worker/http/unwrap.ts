// An object's answer at the HTTP edge: its value, or its refusal thrown as the
// contract's error (app.onError turns it into the response).
import { fail } from "../errors.ts";
import type { Refusal } from "../rules/result.ts";
import type { ErrorCode } from "../protocol/codes.ts";

export function unwrap<T>(answer: { ok: true; value: T } | Refusal<ErrorCode>): T {
  if (!answer.ok) fail(answer.code, answer.message);
  return answer.value;
}
