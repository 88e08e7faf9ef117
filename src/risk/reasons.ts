/**
 * Phase-independent vocabulary shared by the hot path and the Temporal workflows.
 * Pure: no Node built-ins, no I/O — a workflow bundle imports this file.
 */

/** Why a HardStop fired (SPEC §4 triggers). A closed set: workflows switch on it. */
export const HARD_STOP_REASONS = [
  'CumulativeLoss',
  'ConsecutiveLosses',
  'RejectBurst',
  'SlippageAnomaly',
  'SocketDisconnected',
  'NoGo',
  'Operator',
  /** the drift alarm: the hot path's positions/open orders differed from the venue's beyond the threshold (issue #13) */
  'StateDrift',
  /** #11: the hot path is gone or cut off (its lease ran out, its Temporal worker failed, a fatal error) */
  'HotPathLost',
] as const;
export type HardStopReason = (typeof HARD_STOP_REASONS)[number];

export function isHardStopReason(x: unknown): x is HardStopReason {
  return typeof x === 'string' && (HARD_STOP_REASONS as readonly string[]).includes(x);
}

/** Who pulled the trigger: the RiskMonitor, or an operator path (CLI, Temporal UI signal, Ctrl+C). */
export type HardStopSource = 'risk-monitor' | 'cli' | 'temporal-ui' | 'ctrl-c' | 'workflow' | 'test' | string;

/** The latch's record of the first trigger (later triggers do not overwrite it). */
export interface HardStopRecord {
  reason: HardStopReason;
  source: HardStopSource;
  /** ms since epoch, from the injected clock */
  at: number;
}

/** `Rejected`: a safety limit said no (SPEC §2). */
export const REJECT_REASONS = [
  'InvalidSignal',
  'UnknownMarket',
  'HardStop',
  'MissingMark',
  'StaleMark',
  'MaxPositionPerMarket',
  'MaxPositionTotal',
  // erroneous-order controls (issue #13 §4): the order itself is implausible
  /** the limit price is more than limits.priceBandBps (reduce-only: reduceOnlyPriceBandBps) through the mark */
  'PriceBand',
  /** the size exceeds limits.maxOrderSize of that market */
  'MaxOrderSize',
  /** size × mark exceeds limits.maxOrderNotionalUsd */
  'MaxOrderNotional',
  /** the market already has limits.maxOpenOrdersPerMarket open orders on the account */
  'MaxOpenOrders',
  /** the market is reduce-only after a market-scoped stop (`hlx hardstop --market`) */
  'MarketReduceOnly',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** `Skipped`: a transient state said "not now" (SPEC §2). */
export const SKIP_REASONS = ['NotReady', 'HasPosition', 'PendingOrder', 'ActionBudget'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** The session's phase as the hot path reports it. */
export type HotPathPhase = 'STARTING' | 'READY_TRADING' | 'NOT_READY' | 'HARD_STOPPED';
