// Every code the contract names, as const objects with derived unions.

/** `{A: "A", B: "B"}` from its names: a code whose value is its own name. */
function named<const K extends string>(...names: K[]): { readonly [P in K]: P } {
  return Object.fromEntries(names.map((n) => [n, n])) as { [P in K]: P };
}

export const ErrorCode = named(
  "INVALID",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "MARKET_EXISTS",
  "NAME_TAKEN", // accounts: a registration for a name that is taken (409)
  "ALREADY_SETTLED",
  "INSUFFICIENT_FUNDS", // wallet: a withdrawal of more than the balance (409)
  "LIMIT_REACHED", // wallet: a deposit past the account's depositPerDay (409)
  "SELF_EXCLUDED", // wallet: a deposit or a new session while the account is self-excluded (403)
  "ID_REUSED", // addition: a deposit or withdrawal id already used for another request (409)
  "TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE", // addition: a body that is not JSON (415)
  "RATE_LIMITED",
  "INTERNAL",
);
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const MarketStatus = { OPEN: "open", SUSPENDED: "suspended", CLOSED: "closed", SETTLED: "settled", VOIDED: "voided" } as const;
export type MarketStatus = (typeof MarketStatus)[keyof typeof MarketStatus];

export const BetStatus = {
  PENDING: "pending",
  ACCEPTED: "accepted",
  REJECTED: "rejected",
  WON: "won",
  LOST: "lost",
  VOID: "void",
  /** v1.1: the punter took the cash out value; `payout` is what was credited. Settlement leaves it alone. */
  CASHED_OUT: "cashed_out",
} as const;
export type BetStatus = (typeof BetStatus)[keyof typeof BetStatus];

export const RejectReason = named(
  "UNAUTHENTICATED",
  "INVALID",
  "UNKNOWN_SELECTION",
  "MARKET_SUSPENDED",
  "MARKET_CLOSED",
  "ODDS_CHANGED",
  "STAKE_TOO_LOW",
  "STAKE_TOO_HIGH",
  "PAYOUT_TOO_HIGH",
  "INSUFFICIENT_FUNDS",
  "RATE_LIMITED",
  "LIMIT_REACHED", // the account's stakePerBet, or its lossPerDay with this stake
  "SELF_EXCLUDED",
);
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export const AcceptPolicy = { EXACT: "exact", BETTER: "better", ANY: "any" } as const;
export type AcceptPolicy = (typeof AcceptPolicy)[keyof typeof AcceptPolicy];

/** Close codes the hub sends; 1006 is only ever observed, never sent. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  INVALID_DATA: 1007,
  POLICY: 1008,
  TOO_BIG: 1009,
  INTERNAL: 1011,
  /** Addition: the socket fell too far behind (frames held past the server's bound); resume. */
  TRY_AGAIN_LATER: 1013,
  IDLE: 4000,
  REPLACED: 4001,
  /** Addition: the session (token or ticket) the socket opened with has ended. */
  SESSION_EXPIRED: 4003,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const Role = { PUNTER: "punter", ADMIN: "admin" } as const;
export type Role = (typeof Role)[keyof typeof Role];
