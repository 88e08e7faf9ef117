/** Runs a strategy: builds its context from the market cache and tracker, submits its signals through the gates. */
import type { Executor } from '../executor/executor';
import type { HardStopLatch } from '../executor/latch';
import type { Readiness } from '../executor/readiness';
import type { MarketStateCache } from '../state/market-state';
import type { PositionTracker } from '../state/position-tracker';
import type { MarketView, Strategy, StrategyContext } from './strategy';

export class StrategyDriver {
  signalsSubmitted = 0;
  constructor(
    readonly strategy: Strategy,
    private readonly d: { executor: Executor; markets: MarketStateCache; tracker: PositionTracker; latch: HardStopLatch; readiness: Readiness; coins: readonly string[] },
  ) {}

  context(now: number): StrategyContext {
    const views: MarketView[] = [];
    for (const coin of this.d.coins) {
      const rec = this.d.markets.get(coin);
      if (!rec) continue;
      const pos = this.d.tracker.allPositions().find((p) => p.coin === coin);
      views.push({
        coin,
        szDecimals: rec.szDecimals,
        markPx: rec.markPx,
        midPx: rec.midPx,
        position: pos?.szi ?? '0',
        pending: this.d.tracker.isMarketPending(coin),
      });
    }
    return { now, ready: this.d.readiness.ready, hardStopped: this.d.latch.isTriggered(), markets: views };
  }

  tick(now: number): void {
    const ctx = this.context(now);
    for (const sig of this.strategy.onTick(ctx)) {
      const r = this.d.executor.onSignal(sig);
      this.signalsSubmitted++;
      this.strategy.onResult?.(sig, r, ctx);
    }
  }
}
