/**
 * One market's order book: the resting orders of simulator users (price-time priority) plus a
 * synthetic market maker's depth around the mark, rebuilt every tick. Taker fills consume the
 * synthetic depth until the next rebuild, so a large order walks the book.
 */
import { Market, floorToLot, roundToTick, tickAt } from './markets';
import { SimOrder } from './types';

export interface Level {
  px: bigint;
  sz: bigint;
}

export interface BookDepthConfig {
  levels: number;
  /** half spread of the synthetic quotes around the mark, basis points (at least one tick) */
  halfSpreadBps: number;
  /** distance between synthetic levels, basis points (at least one tick) */
  stepBps: number;
  /** USD notional at the best synthetic level; deeper levels grow */
  levelUsd: number;
}

export const DEFAULT_DEPTH: BookDepthConfig = { levels: 20, halfSpreadBps: 0.5, stepBps: 1, levelUsd: 25_000 };

export class Book {
  /** best first: bids descending, asks ascending; ties by seq (time priority) */
  readonly bids: SimOrder[] = [];
  readonly asks: SimOrder[] = [];
  synthBids: Level[] = [];
  synthAsks: Level[] = [];

  constructor(
    readonly market: Market,
    private readonly depth: BookDepthConfig = DEFAULT_DEPTH,
  ) {}

  /** Rebuild synthetic depth around `mark`; `rand` jitters sizes (seeded). */
  rebuild(mark: bigint, rand: () => number): void {
    const d = this.market.szDecimals;
    const tick = tickAt(mark, d);
    const half = maxBig(tick, bps(mark, this.depth.halfSpreadBps));
    const step = maxBig(tick, bps(mark, this.depth.stepBps));
    const bestBid = roundToTick(mark - half, d, 'down');
    const bestAsk = roundToTick(mark + half, d, 'up');
    this.synthBids = [];
    this.synthAsks = [];
    for (let i = 0; i < this.depth.levels; i++) {
      const usd = BigInt(Math.round(this.depth.levelUsd * (1 + i / 4) * (0.75 + rand() / 2)));
      const bidPx = roundToTick(bestBid - step * BigInt(i), d, 'down');
      const askPx = roundToTick(bestAsk + step * BigInt(i), d, 'up');
      if (bidPx > 0n) this.synthBids.push({ px: bidPx, sz: this.sizeFor(usd, bidPx) });
      this.synthAsks.push({ px: askPx, sz: this.sizeFor(usd, askPx) });
    }
  }

  private sizeFor(usd: bigint, px: bigint): bigint {
    // usd × 10^16 / px(10^-8) = size at 10^-8
    const sz = floorToLot((usd * 10n ** 16n) / px, this.market.lot);
    return sz > 0n ? sz : this.market.lot;
  }

  insert(o: SimOrder): void {
    const side = o.isBuy ? this.bids : this.asks;
    let lo = 0;
    let hi = side.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = side[mid];
      const before = o.isBuy
        ? m.limitPx > o.limitPx || (m.limitPx === o.limitPx && m.seq < o.seq)
        : m.limitPx < o.limitPx || (m.limitPx === o.limitPx && m.seq < o.seq);
      if (before) lo = mid + 1;
      else hi = mid;
    }
    side.splice(lo, 0, o);
  }

  remove(o: SimOrder): boolean {
    const side = o.isBuy ? this.bids : this.asks;
    const i = side.indexOf(o);
    if (i < 0) return false;
    side.splice(i, 1);
    return true;
  }

  bestSynthBid(): bigint | null {
    for (const l of this.synthBids) if (l.sz > 0n) return l.px;
    return null;
  }

  bestSynthAsk(): bigint | null {
    for (const l of this.synthAsks) if (l.sz > 0n) return l.px;
    return null;
  }

  bestBid(): bigint | null {
    return better(this.bids[0]?.limitPx ?? null, this.bestSynthBid(), true);
  }

  bestAsk(): bigint | null {
    return better(this.asks[0]?.limitPx ?? null, this.bestSynthAsk(), false);
  }

  /** Aggregated levels (user orders + synthetic), best first, `n` per side. */
  levels(n: number, synthetic = true): { bids: { px: bigint; sz: bigint; n: number }[]; asks: { px: bigint; sz: bigint; n: number }[] } {
    return { bids: aggregate(this.bids, synthetic ? this.synthBids : [], true, n), asks: aggregate(this.asks, synthetic ? this.synthAsks : [], false, n) };
  }
}

function aggregate(orders: SimOrder[], synth: Level[], isBid: boolean, n: number): { px: bigint; sz: bigint; n: number }[] {
  const byPx = new Map<bigint, { px: bigint; sz: bigint; n: number }>();
  for (const o of orders) {
    const l = byPx.get(o.limitPx) ?? { px: o.limitPx, sz: 0n, n: 0 };
    l.sz += o.sz;
    l.n += 1;
    byPx.set(o.limitPx, l);
  }
  for (const s of synth) {
    if (s.sz <= 0n) continue;
    const l = byPx.get(s.px) ?? { px: s.px, sz: 0n, n: 0 };
    l.sz += s.sz;
    l.n += 1;
    byPx.set(s.px, l);
  }
  const all = [...byPx.values()].sort((a, b) => (isBid ? cmp(b.px, a.px) : cmp(a.px, b.px)));
  return all.slice(0, n);
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function better(a: bigint | null, b: bigint | null, higher: boolean): bigint | null {
  if (a === null) return b;
  if (b === null) return a;
  return higher ? (a > b ? a : b) : a < b ? a : b;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** `px × bps / 10^4` with fractional bps (e.g. 0.5) kept exact to 1/100 bp */
function bps(px: bigint, b: number): bigint {
  return (px * BigInt(Math.round(b * 100))) / 1_000_000n;
}
