/**
 * Runs a strategy: builds its context from the market cache and tracker, submits its signals
 * through the gates and its cancels through Executor.onCancel, and fans every StrategyEvent out to
 * the strategy and to one listener (the gateway), each isolated from the other's failures.
 */
import type { Executor } from '../executor/executor';
import type { HardStopLatch } from '../executor/latch';
import type { Readiness } from '../executor/readiness';
import type { HotPathPhase } from '../risk/reasons';
import type { MarketStateCache } from '../state/market-state';
import type { PositionTracker } from '../state/position-tracker';
import type { StrategyEvent } from './events';
import { isCancelRequest, type MarketView, type OrderView, type Strategy, type StrategyContext } from './strategy';

export interface StrategyDriverDeps {
  executor: Executor;
  markets: MarketStateCache;
  tracker: PositionTracker;
  latch: HardStopLatch;
  readiness: Readiness;
  coins: readonly string[];
  /** every StrategyEvent, after the strategy saw it (the gateway) */
  onEvent?: (ev: StrategyEvent) => void;
  onError?: (where: string, e: unknown) => void;
}

export class StrategyDriver {
  signalsSubmitted = 0;
  cancelsSubmitted = 0;
  private lastPhase: HotPathPhase | null = null;

  constructor(
    readonly strategy: Strategy,
    private readonly d: StrategyDriverDeps,
  ) {
    // the HardStop is told at once, not at the next tick — but after the stop's own work: the latch
    // listeners run inside trigger(), and the purge and the first cancel must not wait for us
    d.latch.onTrigger((rec) => setImmediate(() => this.event({ type: 'hardStop', at: rec.at, reason: rec.reason, source: String(rec.source) })));
  }

  phase(): HotPathPhase {
    return this.d.latch.isTriggered() ? 'HARD_STOPPED' : this.d.readiness.ready ? 'READY_TRADING' : 'NOT_READY';
  }

  orders(): OrderView[] {
    const out: OrderView[] = [];
    for (const cloid of this.d.tracker.allPendingCloids()) {
      const o = this.d.tracker.getOrder(cloid);
      if (!o) continue;
      out.push({
        cloid,
        market: o.market,
        side: o.isBuy ? 'buy' : 'sell',
        size: o.size,
        limitPx: o.limitPx,
        tif: o.tif,
        reduceOnly: o.reduceOnly,
        state: o.state,
        cancelling: o.cancelQueued,
      });
    }
    return out;
  }

  markets(): MarketView[] {
    const views: MarketView[] = [];
    const positions = new Map(this.d.tracker.allPositions().map((p) => [p.coin, p.szi]));
    for (const coin of this.d.coins) {
      const rec = this.d.markets.get(coin);
      if (!rec) continue;
      views.push({
        coin,
        szDecimals: rec.szDecimals,
        markPx: rec.markPx,
        midPx: rec.midPx,
        position: positions.get(coin) ?? '0',
        pending: this.d.tracker.isMarketPending(coin),
      });
    }
    return views;
  }

  context(now: number): StrategyContext {
    const phase = this.phase();
    return { now, ready: this.d.readiness.ready, hardStopped: phase === 'HARD_STOPPED', phase, markets: this.markets(), orders: this.orders() };
  }

  /** One event to the strategy and the listener; a throwing strategy never stops the stream. */
  event(ev: StrategyEvent): void {
    try {
      this.strategy.onEvent?.(ev);
    } catch (e) {
      this.d.onError?.('strategy.onEvent', e);
    }
    try {
      this.d.onEvent?.(ev);
    } catch (e) {
      this.d.onError?.('strategy listener', e);
    }
  }

  tick(now: number): void {
    const ctx = this.context(now);
    if (ctx.phase !== this.lastPhase) {
      this.lastPhase = ctx.phase;
      this.event({ type: 'phase', at: now, phase: ctx.phase, ready: ctx.ready });
    }
    for (const a of this.strategy.onTick(ctx)) {
      // a callback that throws must not drop the rest of this tick's actions
      if (isCancelRequest(a)) {
        const r = this.d.executor.onCancel({ cloid: a.cancel });
        this.cancelsSubmitted++;
        this.guard('strategy.onCancelResult', () => this.strategy.onCancelResult?.(a, r, ctx));
      } else {
        const r = this.d.executor.onSignal(a);
        this.signalsSubmitted++;
        this.guard('strategy.onResult', () => this.strategy.onResult?.(a, r, ctx));
      }
    }
  }

  private guard(where: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.d.onError?.(where, e);
    }
  }
}
