/**
 * What a strategy sees happen (Strategy.onEvent, and the gateway's `event` frames): every
 * ExecutionEvent (posted, rejected, filled, cancelled, tradeClosed, socket) plus the venue's
 * order updates for our orders, the HardStop, and changes of the hot path's phase. Plain JSON data.
 */
import type { ExecutionEvent } from '../risk/execution-events';
import type { HardStopReason, HotPathPhase } from '../risk/reasons';

export type StrategyEvent =
  | ExecutionEvent
  | {
      type: 'order';
      at: number;
      coin: string;
      oid: number;
      cloid?: string;
      /** the venue's order status: open, filled, canceled, rejected, reduceOnlyCanceled, … */
      status: string;
      origSz?: string;
      /** remaining size */
      sz?: string;
    }
  | { type: 'hardStop'; at: number; reason: HardStopReason; source: string }
  | { type: 'phase'; at: number; phase: HotPathPhase; ready: boolean };

export type StrategyEventType = StrategyEvent['type'];

export const STRATEGY_EVENT_TYPES: readonly StrategyEventType[] = [
  'posted',
  'rejected',
  'filled',
  'cancelled',
  'tradeClosed',
  'socket',
  'order',
  'hardStop',
  'phase',
];
