// The one error type the SDK throws for HTTP calls: the contract's error body
// when the server sent one, or a local code when the network or the body failed.
import type { ErrorCode } from "../../worker/protocol/codes.ts";

/** NETWORK: no answer (offline, refused, timed out). BAD_RESPONSE: an answer that breaks the contract. */
export type ApiErrorCode = ErrorCode | "NETWORK" | "BAD_RESPONSE";

export class ApiError extends Error {
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly code: ApiErrorCode;

  constructor(status: number, code: ApiErrorCode, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }

  /** Worth trying again later: no answer, a rate limit, or a server fault. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
