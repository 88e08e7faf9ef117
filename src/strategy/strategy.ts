/**
 * The strategy interface: market state in, signals out. A strategy never touches the scheduler or
 * the venue; every signal goes through Executor.onSignal and its gates.
 */
import type { ExecutionResult } from '../executor/executor';
import type { SignalInput } from '../executor/signal';
import type { ExecutionEvent } from '../risk/execution-events';

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

export interface StrategyContext {
  now: number;
  /** READY-TRADING as the gates see it */
  ready: boolean;
  hardStopped: boolean;
  markets: readonly MarketView[];
}

export interface Strategy {
  readonly name: string;
  /** Called on every strategy tick; returns the signals to submit now. */
  onTick(ctx: StrategyContext): SignalInput[];
  /** The gates' answer to each signal it returned. */
  onResult?(signal: SignalInput, result: ExecutionResult, ctx: StrategyContext): void;
  /** Execution events (fills, trades closed, rejects) in order. */
  onEvent?(ev: ExecutionEvent): void;
}
