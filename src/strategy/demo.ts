/**
 * The demo strategy: per market, alternately open a small position with a marketable IOC limit
 * (through mid by `aggressionBps`), hold it `holdMs`, close it reduce-only, wait `cooldownMs`.
 * Markets are staggered so round trips close steadily (3 markets, hold 3 s, cooldown 6 s ≈ 10
 * trades in 30 s). Sizes are rounded up so each opening order clears `orderNotionalUsd`.
 */
import Decimal from 'decimal.js';
import type { SignalInput } from '../executor/signal';
import type { ExecutionResult } from '../executor/executor';
import type { MarketView, Strategy, StrategyContext } from './strategy';

export interface DemoStrategyParams {
  orderNotionalUsd: string;
  holdMs: number;
  cooldownMs: number;
  aggressionBps: number;
  /** stop opening after this many round trips (0 = unlimited) */
  maxTrades: number;
}

interface PerMarket {
  nextSideBuy: boolean;
  openedAt: number | null;
  nextOpenAt: number;
  wasOpen: boolean;
}

export class DemoStrategy implements Strategy {
  readonly name = 'demo';
  private readonly per = new Map<string, PerMarket>();
  private opens = 0;
  private startedAt: number | null = null;

  constructor(private readonly p: DemoStrategyParams) {}

  onTick(ctx: StrategyContext): SignalInput[] {
    if (!ctx.ready) return [];
    if (this.startedAt === null) this.startedAt = ctx.now;
    const out: SignalInput[] = [];
    ctx.markets.forEach((m, i) => {
      let s = this.per.get(m.coin);
      if (!s) {
        // stagger the markets across one cycle
        const stagger = Math.floor(((this.p.holdMs + this.p.cooldownMs) * i) / Math.max(1, ctx.markets.length));
        s = { nextSideBuy: i % 2 === 0, openedAt: null, nextOpenAt: ctx.now + stagger, wasOpen: false };
        this.per.set(m.coin, s);
      }
      if (m.pending) return;
      const pos = new Decimal(m.position);
      if (!pos.isZero()) {
        if (s.openedAt === null) s.openedAt = ctx.now; // a position we did not open: close after holdMs too
        s.wasOpen = true;
        if (ctx.now - s.openedAt >= this.p.holdMs) {
          const sig = this.close(m, pos);
          if (sig) out.push(sig);
        }
        return;
      }
      if (s.wasOpen) {
        // the position just closed: cool down
        s.wasOpen = false;
        s.openedAt = null;
        s.nextOpenAt = ctx.now + this.p.cooldownMs;
      }
      if (ctx.hardStopped || ctx.now < s.nextOpenAt) return;
      if (this.p.maxTrades > 0 && this.opens >= this.p.maxTrades) return;
      const sig = this.open(m, s.nextSideBuy);
      if (sig) out.push(sig);
    });
    return out;
  }

  onResult(signal: SignalInput, result: ExecutionResult, ctx: StrategyContext): void {
    const s = this.per.get(signal.market);
    if (!s || signal.reduceOnly) return;
    if (result.status === 'Accepted') {
      this.opens++;
      s.nextSideBuy = !s.nextSideBuy;
      s.openedAt = ctx.now;
      // if the IOC does not fill, try again after the cooldown
      s.nextOpenAt = ctx.now + this.p.cooldownMs;
    } else {
      s.nextOpenAt = ctx.now + this.p.cooldownMs;
    }
  }

  private ref(m: MarketView): Decimal | null {
    const px = m.midPx ?? m.markPx;
    return px === null ? null : new Decimal(px);
  }

  private open(m: MarketView, buy: boolean): SignalInput | null {
    const ref = this.ref(m);
    if (ref === null || ref.lte(0)) return null;
    const size = new Decimal(this.p.orderNotionalUsd).div(ref).toDecimalPlaces(m.szDecimals, Decimal.ROUND_UP);
    return {
      market: m.coin,
      side: buy ? 'buy' : 'sell',
      size: size.toFixed(),
      limitPx: this.through(ref, buy),
      tif: 'Ioc',
      reduceOnly: false,
      intendedPx: ref.toFixed(),
      expectedEdgeBps: 0,
    };
  }

  private close(m: MarketView, pos: Decimal): SignalInput | null {
    const ref = this.ref(m);
    if (ref === null || ref.lte(0)) return null;
    const buy = pos.isNeg();
    return {
      market: m.coin,
      side: buy ? 'buy' : 'sell',
      size: pos.abs().toFixed(),
      limitPx: this.through(ref, buy),
      tif: 'Ioc',
      reduceOnly: true,
      intendedPx: ref.toFixed(),
    };
  }

  /** A marketable limit: mid moved through by aggressionBps, as a plain decimal (the loop formats it). */
  private through(ref: Decimal, buy: boolean): string {
    const f = new Decimal(this.p.aggressionBps).div(10_000);
    const px = buy ? ref.times(f.plus(1)) : ref.times(new Decimal(1).minus(f));
    return px.toDecimalPlaces(8).toFixed();
  }
}
