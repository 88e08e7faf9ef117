/**
 * `strategy.kind: external`: no strategy in this process; an external one submits its signals and
 * cancels through the gateway (src/gateway). The hot path still ticks it, which is where phase
 * changes are noticed and sent out as events.
 */
import type { Strategy, StrategyAction } from './strategy';

export class ExternalStrategy implements Strategy {
  readonly name = 'external';
  onTick(): readonly StrategyAction[] {
    return [];
  }
}
