// The Edgebook client SDK: typed HTTP calls and live market subscriptions,
// for browsers and Node 24 alike. Types come from the shared protocol schemas.
export { EdgebookApi, type ApiOptions, type EventsPage, type MarketQuery, type OddsUpdate, type Session, type Settlement } from "./api.ts";
export { ApiError, type ApiErrorCode } from "./api-error.ts";
export type { LimitName, Limits, LimitsState, StatementEntry, StatementPage } from "./wallet-schemas.ts";
export { MarketSubscription, type MarketSubscriptionEvents, type MarketSubscriptionOptions, type SendResult } from "./market-socket.ts";
export { BookSubscription, viewQuery, type BookSubscriptionEvents, type BookSubscriptionOptions, type BookView } from "./book-socket.ts";
export {
  SocketConnection,
  type ConnectionHooks,
  type ConnectionOptions,
  type ConnectionState,
  type WebSocketConstructor,
} from "./socket-connection.ts";
export { applyChange, checkSeq, isFinished, type SeqCheck } from "./market-state.ts";
export { backoffDelay, type BackoffOptions } from "./backoff.ts";
export { newBetId, isBetId } from "./bet-id.ts";
export type {
  Account,
  BalanceFrame,
  Bet,
  BetBody,
  BetReplyFrame,
  CashOutBody,
  CashOutReplyFrame,
  CashOutValueFrame,
  ChangeFrame,
  CreateMarketBody,
  ErrorFrame,
  Exposure,
  ExposureFrame,
  Market,
  MarketEvent,
  OddsFrame,
  ServerFrame,
  SettledFrame,
  SnapshotFrame,
  StatusBody,
  StatusFrame,
  ViewersFrame,
} from "../../worker/protocol/schemas.ts";
export type { AddedFrame, BookFrame, BookServerFrame, RemovedFrame, Summary, SummaryFrame } from "../../worker/protocol/book.ts";
export { AcceptPolicy, BetStatus, ErrorCode, MarketStatus, RejectReason, Role } from "../../worker/protocol/codes.ts";
