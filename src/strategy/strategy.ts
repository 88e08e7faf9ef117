/**
 * The strategy interface: market state in, signals (and cancels of its own orders) out. A strategy
 * never touches the scheduler or the venue; every signal goes through Executor.onSignal and its
 * gates, every cancel through Executor.onCancel.
 *
 * This is the contract of `strategy.kind: module` (./module-loader.ts): a module exports a
 * factory `createStrategy(params)` returning a Strategy. The types are exported from the package's
 * entry point (src/index.ts), so a strategy in its own repository imports them from `hl-executor`.
 */
import type { CancelResult } from '../executor/cancel';
import type { ExecutionResult } from '../executor/executor';
import type { SignalInput } from '../executor/signal';
import type { HotPathPhase } from '../risk/reasons';
import type { StrategyEvent } from './events';

export interface MarketView {
  coin: string;
  szDecimals: number;
  markPx: string | null;
  midPx: string | null;
  /** signed position size as a decimal string ("0" when flat) */
  position: string;
  /** an order of ours is pending in this market */
  pending: boolean;
}

/** One order of ours the hot path still tracks (queued, in flight or resting). */
export interface OrderView {
  cloid: string;
  market: string;
  side: 'buy' | 'sell';
  size: string;
  limitPx: string;
  tif: 'Gtc' | 'Ioc' | 'Alo';
  reduceOnly: boolean;
  /** queued | inflight | resting | awaitingFills | unknown */
  state: string;
  /** a cancel of it is on its way */
  cancelling: boolean;
}

export interface StrategyContext {
  now: number;
  /** READY-TRADING as the gates see it */
  ready: boolean;
  hardStopped: boolean;
  phase: HotPathPhase;
  markets: readonly MarketView[];
  /** the orders the hot path tracks for this session */
  orders: readonly OrderView[];
}

/** Cancel one of our orders by its client order id. */
export interface CancelRequest {
  cancel: string;
}

/** What a strategy returns from a tick: new orders and cancels, submitted in this order. */
export type StrategyAction = SignalInput | CancelRequest;

export function isCancelRequest(a: StrategyAction): a is CancelRequest {
  return typeof (a as CancelRequest).cancel === 'string';
}

export interface Strategy {
  readonly name: string;
  /** Called on every strategy tick; returns the signals (and cancels) to submit now. */
  onTick(ctx: StrategyContext): readonly StrategyAction[];
  /** The gates' answer to each signal it returned. */
  onResult?(signal: SignalInput, result: ExecutionResult, ctx: StrategyContext): void;
  /** The executor's answer to each cancel it returned. */
  onCancelResult?(request: CancelRequest, result: CancelResult, ctx: StrategyContext): void;
  /** Execution events (fills, order updates, trades closed, rejects, HardStop, phase changes) in order. */
  onEvent?(ev: StrategyEvent): void;
}

/**
 * What a strategy module exports: `createStrategy` (or a default export) receives the parsed
 * `strategy.params`; `paramsSchema`, when exported, is a zod schema those params are checked with
 * at start (a bad one is refused naming `strategy.params.<field>`).
 */
export interface StrategyModule<P = unknown> {
  createStrategy?: (params: P) => Strategy;
  default?: ((params: P) => Strategy) | { createStrategy?: (params: P) => Strategy; paramsSchema?: ParamsSchemaLike };
  paramsSchema?: ParamsSchemaLike;
}

/** Any zod-like schema (the module may bring its own copy of zod): safeParse with issues carrying paths. */
export interface ParamsSchemaLike {
  safeParse(x: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}
