/**
 * hl-executor's package entry point: what a strategy in its own repository imports.
 *
 *   import type { Strategy, StrategyContext, StrategyAction } from 'hl-executor';
 *   export const paramsSchema = z.object({ … });
 *   export function createStrategy(params): Strategy { … }
 *
 * and, in the session config: `strategy: { kind: module, module: ./my-strategy.ts, params: {…} }`.
 * The gateway protocol's frames (for a client written in TypeScript) are exported too.
 */
export type {
  CancelRequest,
  MarketView,
  OrderView,
  ParamsSchemaLike,
  Strategy,
  StrategyAction,
  StrategyContext,
  StrategyModule,
} from './strategy/strategy';
export { isCancelRequest } from './strategy/strategy';
export type { StrategyEvent, StrategyEventType } from './strategy/events';
export { STRATEGY_EVENT_TYPES } from './strategy/events';
export { SignalSchema, type Signal, type SignalInput } from './executor/signal';
export type { ExecutionResult, ResultKey } from './executor/executor';
export {
  CancelSchema,
  CANCEL_REJECT_REASONS,
  CANCEL_SKIP_REASONS,
  type CancelInput,
  type CancelResult,
  type CancelRejectReason,
  type CancelSkipReason,
} from './executor/cancel';
export type { ExecutionEvent, ExecutionEventType } from './risk/execution-events';
export { HARD_STOP_REASONS, REJECT_REASONS, SKIP_REASONS, type HardStopReason, type HotPathPhase, type RejectReason, type SkipReason } from './risk/reasons';
export { loadSessionConfig, parseSessionConfig, SessionConfigError, type SessionConfig } from './config/session';
