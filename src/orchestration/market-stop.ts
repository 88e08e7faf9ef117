/**
 * The decisions of a market-scoped stop (`hlx hardstop --market COIN`), pure so the session
 * workflow stays a thin shell: when a request starts a market stop, what its end records, when a
 * market may be resumed, and the venue's view narrowed to one market. Safe in the workflow bundle.
 */
import type { MarketHardStopRequest, MarketResumeRequest, MarketStopEntry, MarketStopResult, SessionState } from '../../workflows/messages';
import { openPositions, type VenueSnapshot } from './stop-plan';

/** Ended market stops kept in the state (the halted ones are always kept). */
const KEEP_ENDED = 10;
/** Phases in which the whole session is stopping or stopped: a market stop is moot there. */
const SESSION_STOP_PHASES = ['HARD_STOP', 'FLATTENING', 'STOPPED_FLAT', 'STOP_FAILED'];

export function marketStopWorkflowId(sessionId: string, coin: string, n: number): string {
  return `${sessionId}-market-${coin}-${n}`;
}

/** The market stops in force (reduce-only until resumed). */
export function haltedMarkets(state: Pick<SessionState, 'marketStops'>): MarketStopEntry[] {
  return (state.marketStops ?? []).filter((m) => m.resumedAt === undefined);
}

export type MarketStopDecision =
  | { state: SessionState; start: MarketStopEntry }
  | { state: SessionState; start: null; ignored: string };

export function onMarketHardStop(state: SessionState, req: MarketHardStopRequest, now: number): MarketStopDecision {
  const coin = typeof req?.coin === 'string' ? req.coin : '';
  const note = (why: string): MarketStopDecision => ({ state: { ...state, stepsDone: [...state.stepsDone, `market stop ${coin || '?'} ignored: ${why}`].slice(-50), updatedAt: now }, start: null, ignored: why });
  if (!state.markets.includes(coin)) return note(`not a market of this session (${state.markets.join(', ')})`);
  if (SESSION_STOP_PHASES.includes(state.phase)) return note(`the whole session is ${state.phase}`);
  if (haltedMarkets(state).some((m) => m.coin === coin)) return note('already reduce-only (resume it first)');
  const n = (state.marketStopCount ?? 0) + 1;
  const entry: MarketStopEntry = {
    coin,
    n,
    workflowId: marketStopWorkflowId(state.sessionId, coin, n),
    reason: typeof req.reason === 'string' && req.reason ? req.reason : 'Operator',
    source: typeof req.source === 'string' && req.source ? req.source : 'unknown',
    ...(req.details ? { details: req.details } : {}),
    at: now,
  };
  return { state: { ...state, marketStops: [...(state.marketStops ?? []), entry], marketStopCount: n, updatedAt: now }, start: entry };
}

function replace(state: SessionState, n: number, f: (m: MarketStopEntry) => MarketStopEntry, now: number): SessionState {
  const all = (state.marketStops ?? []).map((m) => (m.n === n ? f(m) : m));
  const ended = all.filter((m) => m.resumedAt !== undefined);
  const keep = new Set(ended.slice(Math.max(0, ended.length - KEEP_ENDED)));
  return { ...state, marketStops: all.filter((m) => m.resumedAt === undefined || keep.has(m)), updatedAt: now };
}

export function onMarketStopFinished(state: SessionState, n: number, r: MarketStopResult, now: number): SessionState {
  return replace(
    state,
    n,
    (m) => ({
      ...m,
      outcome: r.outcome,
      endedAt: now,
      remaining: r.remaining,
      openOrdersLeft: r.openOrdersLeft,
      ...(r.flatConfirmedAt !== undefined ? { flatConfirmedAt: r.flatConfirmedAt } : {}),
    }),
    now,
  );
}

export function marketResumeRejection(state: SessionState, req: MarketResumeRequest): string | null {
  if (!req || typeof req.note !== 'string' || req.note.trim() === '') return 'a market resume needs a non-empty operator note';
  const m = haltedMarkets(state).find((x) => x.coin === req.coin);
  if (!m) return `${String(req.coin)} is not reduce-only in this session`;
  if (m.outcome === undefined) return `the stop of ${m.coin} is still running`;
  if (m.outcome !== 'STOPPED_FLAT') return `the stop of ${m.coin} ended ${m.outcome}: flatten it (hlx hardstop) before resuming`;
  return null;
}

export function onMarketResume(state: SessionState, req: MarketResumeRequest, now: number): SessionState {
  const why = marketResumeRejection(state, req);
  if (why) throw new Error(why);
  const m = haltedMarkets(state).find((x) => x.coin === req.coin)!;
  return replace(state, m.n, (x) => ({ ...x, resumedAt: now, resumeNote: req.note.trim() }), now);
}

/** The venue's snapshot narrowed to one market. */
export function marketView(s: VenueSnapshot, coin: string): VenueSnapshot {
  return { positions: openPositions(s).filter((p) => p.coin === coin), openOrders: s.openOrders.filter((o) => o.coin === coin) };
}

/** When a market stop failed as a workflow (not as a flatten): recorded as STOP_FAILED. */
export function marketStopCrashedResult(error: string): MarketStopResult {
  return { outcome: 'STOP_FAILED', attempts: 0, latch: 'host-gone', cancelled: 0, ordersSent: 0, remaining: [], openOrdersLeft: -1, steps: [], error };
}

/** The part of the hot path a market stop drives (src/executor/hot-path.ts). */
export interface MarketHaltTarget {
  haltMarket(coin: string, why: string): unknown;
  resumeMarket(coin: string): boolean;
  marketState: { get(coin: string): { reduceOnlyBy?: string | null } | undefined };
}

/**
 * The hot path follows the session's word on every phase poll: a market the session holds
 * reduce-only is halted here too (a restarted hot path included), a resumed one trades again.
 * Returns the coins changed, for the log.
 */
export function syncMarketHalts(hp: MarketHaltTarget, state: Pick<SessionState, 'marketStops'>, coins: readonly string[]): { halted: string[]; resumed: string[] } {
  const held = new Map(haltedMarkets(state).map((m) => [m.coin, m]));
  const out = { halted: [] as string[], resumed: [] as string[] };
  for (const coin of coins) {
    const rec = hp.marketState.get(coin);
    if (!rec) continue;
    const m = held.get(coin);
    if (m && !rec.reduceOnlyBy) {
      hp.haltMarket(coin, `${m.reason} from ${m.source}`);
      out.halted.push(coin);
    } else if (!m && rec.reduceOnlyBy && hp.resumeMarket(coin)) out.resumed.push(coin);
  }
  return out;
}
