/**
 * What the gateway needs from the hot path, as a narrow interface (tests drive the gateway with a
 * hot path of their own; the worker hands it the current one, which an operator resume replaces).
 */
import type { CancelResult } from '../executor/cancel';
import type { ExecutionResult } from '../executor/executor';
import type { HotPath } from '../executor/hot-path';
import type { HardStopReason, HardStopRecord, HotPathPhase } from '../risk/reasons';
import type { MarketView, OrderView } from '../strategy/strategy';

export interface GatewayHost {
  readonly sessionId: string;
  submit(signal: unknown): ExecutionResult;
  cancel(input: unknown): CancelResult;
  phase(): HotPathPhase;
  hardStopRecord(): HardStopRecord | null;
  markets(): MarketView[];
  positions(): { coin: string; szi: string }[];
  orders(): OrderView[];
  /** the hot path still tracks this order (queued, in flight or resting) */
  isOpen(cloid: string): boolean;
  hardStop(reason: HardStopReason, source: string): void;
  clock(): number;
}

export function hostFromHotPath(sessionId: string, current: () => HotPath, clock: () => number = Date.now): GatewayHost {
  return {
    sessionId,
    submit: (s) => current().submitSignal(s),
    cancel: (c) => current().cancelOrder(c),
    phase: () => current().driver.phase(),
    hardStopRecord: () => current().latch.record(),
    markets: () => current().driver.markets(),
    positions: () => current().tracker.allPositions(),
    orders: () => current().driver.orders(),
    isOpen: (cloid) => current().tracker.getOrder(cloid) !== undefined,
    hardStop: (reason, source) => void current().hardStop(reason, source),
    clock,
  };
}
