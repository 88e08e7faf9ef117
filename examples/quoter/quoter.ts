/**
 * A small post-only quoter, as a strategy module (`strategy.kind: module`).
 *
 * In one market it keeps one post-only (Alo) quote `offsetBps` away from the mid: a bid while
 * flat, and once that fills, a reduce-only ask to get out (a short is closed with a bid). When the
 * mid has moved `requoteBps` from where the quote was placed, it cancels the quote (by cloid,
 * through the executor) and places a fresh one once the cancel is confirmed — the gates allow one
 * pending order per market, so a replace is a cancel, then a new order.
 *
 * Everything it submits goes through the gates; a HardStop stops its new quotes (the gates refuse
 * them) while its reduce-only exit may still go.
 */
import Decimal from 'decimal.js';
import { z } from 'zod';
import type { CancelRequest, CancelResult, ExecutionResult, SignalInput, Strategy, StrategyAction, StrategyContext, StrategyEvent } from 'hl-executor';

export const paramsSchema = z
  .object({
    /** the market to quote */
    coin: z.string().min(1),
    /** notional of the opening bid, USD (above the venue's $10 minimum) */
    notionalUsd: z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string in USD').default('15'),
    /** how far from the mid the quote rests, bps */
    offsetBps: z.number().positive().max(1000).default(10),
    /** re-quote when the mid has moved this far from the quote's reference, bps */
    requoteBps: z.number().positive().max(1000).default(5),
    /** stop opening after this many fills of the opening bid (0 = unlimited) */
    maxOpens: z.number().int().nonnegative().default(0),
  })
  .strict();
export type QuoterParams = z.output<typeof paramsSchema>;

interface Quote {
  cloid: string;
  /** the mid the quote was priced from */
  ref: Decimal;
  reduceOnly: boolean;
}

export class PostOnlyQuoter implements Strategy {
  readonly name = 'post-only-quoter';
  private quote: Quote | null = null;
  /** the reference of the quote just returned, until its result arrives */
  private submittedRef: Decimal | null = null;
  private cancelSent = false;
  private opens = 0;
  /** figures a test or a log line can read */
  readonly stats = { quotes: 0, requotes: 0, fills: 0 };

  constructor(private readonly p: QuoterParams) {}

  onTick(ctx: StrategyContext): StrategyAction[] {
    if (!ctx.ready) return [];
    const m = ctx.markets.find((x) => x.coin === this.p.coin);
    const px = m?.midPx ?? m?.markPx;
    if (!m || !px) return [];
    const mid = new Decimal(px);
    if (this.quote) {
      const live = ctx.orders.find((o) => o.cloid === this.quote!.cloid);
      if (!live) {
        // filled or cancelled: quote again on this tick
        this.quote = null;
        this.cancelSent = false;
      } else {
        if (this.cancelSent || live.cancelling) return [];
        const movedBps = mid.minus(this.quote.ref).abs().div(this.quote.ref).times(10_000);
        if (movedBps.gte(this.p.requoteBps)) {
          this.cancelSent = true;
          this.stats.requotes++;
          return [{ cancel: this.quote.cloid }];
        }
        return [];
      }
    }
    if (m.pending) return [];
    const pos = new Decimal(m.position);
    if (pos.isZero()) {
      if (ctx.hardStopped || (this.p.maxOpens > 0 && this.opens >= this.p.maxOpens)) return [];
      const bid = mid.times(new Decimal(1).minus(new Decimal(this.p.offsetBps).div(10_000)));
      const size = new Decimal(this.p.notionalUsd).div(bid).toDecimalPlaces(m.szDecimals, Decimal.ROUND_UP);
      return [this.signal('buy', size, bid, mid, false)];
    }
    // holding: a reduce-only quote on the other side
    const buy = pos.isNeg();
    const f = new Decimal(this.p.offsetBps).div(10_000);
    const limit = buy ? mid.times(new Decimal(1).minus(f)) : mid.times(f.plus(1));
    return [this.signal(buy ? 'buy' : 'sell', pos.abs(), limit, mid, true)];
  }

  onResult(signal: SignalInput, result: ExecutionResult): void {
    if (result.status === 'Accepted' && this.submittedRef) {
      this.quote = { cloid: result.cloid, ref: this.submittedRef, reduceOnly: signal.reduceOnly ?? false };
      this.stats.quotes++;
    }
    this.submittedRef = null;
  }

  onCancelResult(_req: CancelRequest, result: CancelResult): void {
    // already gone (filled in the meantime): the next tick sees it missing from ctx.orders
    if (result.status === 'Rejected') this.cancelSent = false;
  }

  onEvent(ev: StrategyEvent): void {
    if (ev.type === 'filled' && this.quote && ev.cloid === this.quote.cloid) {
      this.stats.fills++;
      if (!this.quote.reduceOnly) this.opens++;
    }
  }

  private signal(side: 'buy' | 'sell', size: Decimal, limit: Decimal, mid: Decimal, reduceOnly: boolean): SignalInput {
    this.submittedRef = mid;
    return {
      market: this.p.coin,
      side,
      size: size.toFixed(),
      limitPx: limit.toDecimalPlaces(8).toFixed(),
      tif: 'Alo',
      reduceOnly,
      intendedPx: limit.toDecimalPlaces(8).toFixed(),
    };
  }
}

/** The module's factory: hl-executor calls it with `strategy.params`, already checked with paramsSchema. */
export function createStrategy(params: QuoterParams): Strategy {
  return new PostOnlyQuoter(params);
}
