// The market's rules, pure: what a change does to the market, which frame it
// produces. No storage, no sockets, no Cloudflare: unit-tested in plain Node.
import { MarketStatus } from "../protocol/codes.ts";
import type { CreateMarketBody, Market, OddsFrame, SettledFrame, StatusBody, StatusFrame } from "../protocol/schemas.ts";
import {
  type MarketId,
  type Money,
  type Odds,
  type SelectionId,
  oddsFromDecimal,
  oddsToDecimal,
} from "../protocol/units.ts";

export interface Selection {
  id: SelectionId;
  name: string;
  odds: Odds;
}

export interface MarketState {
  id: MarketId;
  name: string;
  event: string;
  status: MarketStatus;
  inPlay: boolean;
  betDelayMs: number;
  minStake: Money;
  maxStake: Money;
  maxPayout: Money;
  selections: Selection[];
  winner?: SelectionId;
  seq: number;
  epoch: string;
  /** Last time the market left `open`: a delayed bet placed before it is void of its price. */
  interruptedAt: number;
  /** 0: no watchdog. Otherwise the feed must heartbeat within this many ms. */
  feedTimeoutMs: number;
  reason?: string;
}

export const DEFAULTS = { betDelayMs: 0, minStake: 100, maxStake: 100_000, maxPayout: 10_000_000 } as const;

export type Refusal = { code: "INVALID" | "ALREADY_SETTLED"; message: string };

export function isFinished(m: MarketState): boolean {
  return m.status === MarketStatus.SETTLED || m.status === MarketStatus.VOIDED;
}

export function createMarket(body: CreateMarketBody, epoch: string): MarketState | Refusal {
  const minStake = body.minStake ?? DEFAULTS.minStake;
  const maxStake = body.maxStake ?? DEFAULTS.maxStake;
  if (minStake > maxStake) return { code: "INVALID", message: "minStake must not exceed maxStake" };
  return {
    id: body.id as MarketId,
    name: body.name,
    event: body.event,
    status: MarketStatus.OPEN,
    inPlay: false,
    betDelayMs: body.betDelayMs ?? DEFAULTS.betDelayMs,
    minStake: minStake as Money,
    maxStake: maxStake as Money,
    maxPayout: (body.maxPayout ?? DEFAULTS.maxPayout) as Money,
    selections: body.selections.map((s) => ({
      id: s.id as SelectionId,
      name: s.name,
      // The schema has already proved every odds value converts.
      odds: oddsFromDecimal(s.odds) as Odds,
    })),
    seq: 0,
    epoch,
    interruptedAt: 0,
    feedTimeoutMs: body.feedTimeoutMs ?? 0,
  };
}

export function toWireMarket(m: MarketState): Market {
  const market: Market = {
    id: m.id,
    name: m.name,
    event: m.event,
    status: m.status,
    inPlay: m.inPlay,
    betDelayMs: m.betDelayMs,
    minStake: m.minStake,
    maxStake: m.maxStake,
    maxPayout: m.maxPayout,
    selections: m.selections.map((s) => ({ id: s.id, name: s.name, odds: oddsToDecimal(s.odds) })),
    seq: m.seq,
    epoch: m.epoch,
  };
  if (m.winner !== undefined) market.winner = m.winner;
  if (m.feedTimeoutMs > 0) market.feedTimeoutMs = m.feedTimeoutMs;
  if (m.reason !== undefined) market.reason = m.reason;
  return market;
}

export type Change<F> = { market: MarketState; frame: F } | { market: MarketState; frame: null };

/**
 * An odds push: refused whole if any selection is unknown or any price is
 * invalid; a push that changes nothing yields no frame and no new seq.
 */
export function applyOdds(m: MarketState, odds: Record<string, number>, ts: number): Change<OddsFrame> | Refusal {
  if (isFinished(m)) return { code: "ALREADY_SETTLED", message: `market is ${m.status}` };
  const next = new Map<string, Odds>();
  for (const [id, decimal] of Object.entries(odds)) {
    if (!m.selections.some((s) => s.id === id)) return { code: "INVALID", message: `unknown selection ${id}` };
    const value = oddsFromDecimal(decimal);
    if (value === null) return { code: "INVALID", message: `invalid odds for ${id}` };
    next.set(id, value);
  }
  const changed: Record<string, number> = {};
  let any = false;
  const selections = m.selections.map((s) => {
    const value = next.get(s.id);
    if (value === undefined || value === s.odds) return s;
    changed[s.id] = oddsToDecimal(value);
    any = true;
    return { ...s, odds: value };
  });
  if (!any) return { market: m, frame: null };
  const seq = m.seq + 1;
  return { market: { ...m, selections, seq }, frame: { type: "odds", seq, ts, odds: changed } };
}

export function applyStatus(m: MarketState, body: StatusBody, ts: number): Change<StatusFrame> | Refusal {
  if (isFinished(m)) return { code: "ALREADY_SETTLED", message: `market is ${m.status}` };
  const inPlay = body.inPlay ?? m.inPlay;
  const betDelayMs = body.betDelayMs ?? m.betDelayMs;
  const reason = body.status === MarketStatus.OPEN ? undefined : body.reason;
  if (body.status === m.status && inPlay === m.inPlay && betDelayMs === m.betDelayMs && reason === m.reason) {
    return { market: m, frame: null };
  }
  const seq = m.seq + 1;
  // Stryker disable next-line ConditionalExpression: open to open changes nothing unless in play or the delay changes, material anyway.
  const leftOpen = m.status === MarketStatus.OPEN && body.status !== MarketStatus.OPEN;
  // Going in play or changing the delay is material to a bet waiting out its delay too.
  const material = leftOpen || inPlay !== m.inPlay || betDelayMs !== m.betDelayMs;
  const market: MarketState = {
    ...m,
    status: body.status,
    inPlay,
    betDelayMs,
    seq,
    interruptedAt: material ? ts : m.interruptedAt,
  };
  if (reason === undefined) delete market.reason;
  else market.reason = reason;
  const frame: StatusFrame = { type: "status", seq, ts, status: body.status, inPlay, betDelayMs };
  if (reason !== undefined) frame.reason = reason;
  return { market, frame };
}

export function applySettle(
  m: MarketState,
  outcome: { winner: string } | { void: true },
  ts: number,
): Change<SettledFrame> | Refusal {
  if (isFinished(m)) return { code: "ALREADY_SETTLED", message: `market is already ${m.status}` };
  const seq = m.seq + 1;
  if ("winner" in outcome) {
    if (!m.selections.some((s) => s.id === outcome.winner)) {
      return { code: "INVALID", message: `unknown selection ${outcome.winner}` };
    }
    const winner = outcome.winner as SelectionId;
    return {
      market: { ...m, status: MarketStatus.SETTLED, winner, seq, interruptedAt: ts },
      frame: { type: "settled", seq, ts, winner },
    };
  }
  return {
    market: { ...m, status: MarketStatus.VOIDED, seq, interruptedAt: ts },
    frame: { type: "settled", seq, ts, void: true },
  };
}
