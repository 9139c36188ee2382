// Headers only the Worker (and the hub, for its relays) sets on the requests
// it makes to a socket-holding object: the identity it has already verified.
// Never read from a client's own request.
export const HubHeader = {
  ACCOUNT: "x-edgebook-account",
  CAN_BET: "x-edgebook-can-bet",
  /** The session's role ("punter" or "admin"): only an admin's socket gets the book's exposure. */
  ROLE: "x-edgebook-role",
  TICKET: "x-edgebook-ticket",
  TICKET_EXPIRES: "x-edgebook-ticket-expires",
  /** When the session behind the socket ends (ms since the epoch): the socket is closed then. */
  SESSION_EXPIRES: "x-edgebook-session-expires",
  /** The id of the session behind the socket (a token's `jti`, a ticket's `sid`): its bets' debits carry it, so a logout refuses them. */
  SESSION_ID: "x-edgebook-session-id",
  MAX_SOCKETS: "x-edgebook-max-sockets",
  RELAY_AFTER: "x-edgebook-relay-after",
} as const;

/**
 * The client's address, as the Worker read it (never a client's own header),
 * and how many sockets one address may hold on the object that accepts it.
 */
export const AddressHeader = { ADDRESS: "x-edgebook-address", MAX_HELD: "x-edgebook-max-held" } as const;

export const RelayHeader = { MARKET: "x-edgebook-market", INDEX: "x-edgebook-relay" } as const;

/** Headers only the Worker and the book object set on a book socket's upgrade. */
export const BookHeader = { VIEW: "x-edgebook-view", INDEX: "x-edgebook-relay", AT: "x-edgebook-book-at" } as const;
