// Every code the contract names, as const objects with derived unions.

export const ErrorCode = {
  INVALID: "INVALID",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  MARKET_EXISTS: "MARKET_EXISTS",
  ALREADY_SETTLED: "ALREADY_SETTLED",
  TOO_LARGE: "TOO_LARGE",
  /** Addition: a body sent as anything but JSON (415). */
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  RATE_LIMITED: "RATE_LIMITED",
  INTERNAL: "INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const MarketStatus = {
  OPEN: "open",
  SUSPENDED: "suspended",
  CLOSED: "closed",
  SETTLED: "settled",
  VOIDED: "voided",
} as const;
export type MarketStatus = (typeof MarketStatus)[keyof typeof MarketStatus];

export const BetStatus = {
  PENDING: "pending",
  ACCEPTED: "accepted",
  REJECTED: "rejected",
  WON: "won",
  LOST: "lost",
  VOID: "void",
} as const;
export type BetStatus = (typeof BetStatus)[keyof typeof BetStatus];

export const RejectReason = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  INVALID: "INVALID",
  UNKNOWN_SELECTION: "UNKNOWN_SELECTION",
  MARKET_SUSPENDED: "MARKET_SUSPENDED",
  MARKET_CLOSED: "MARKET_CLOSED",
  ODDS_CHANGED: "ODDS_CHANGED",
  STAKE_TOO_LOW: "STAKE_TOO_LOW",
  STAKE_TOO_HIGH: "STAKE_TOO_HIGH",
  PAYOUT_TOO_HIGH: "PAYOUT_TOO_HIGH",
  INSUFFICIENT_FUNDS: "INSUFFICIENT_FUNDS",
  RATE_LIMITED: "RATE_LIMITED",
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export const AcceptPolicy = { EXACT: "exact", BETTER: "better", ANY: "any" } as const;
export type AcceptPolicy = (typeof AcceptPolicy)[keyof typeof AcceptPolicy];

/** Close codes the hub sends; 1006 is only ever observed, never sent. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_BIG: 1009,
  INTERNAL: 1011,
  IDLE: 4000,
  REPLACED: 4001,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const Role = { PUNTER: "punter", ADMIN: "admin" } as const;
export type Role = (typeof Role)[keyof typeof Role];
