// AppError, and the one place error codes map to HTTP statuses. Handlers
// throw; app.onError turns it into the contract's `{error: {code, message}}`.
import { ErrorCode } from "./protocol/codes.ts";

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500> = {
  INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  MARKET_EXISTS: 409,
  NAME_TAKEN: 409,
  ALREADY_SETTLED: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
  get status() {
    return STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

/** Throw the contract's error; a declaration (not an arrow) so TypeScript narrows after a call. */
export function fail(code: ErrorCode, message: string): never {
  throw new AppError(code, message);
}

export { ErrorCode };
