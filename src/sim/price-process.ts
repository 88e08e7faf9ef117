/**
 * Seeded, reproducible mark-price path per market: a random walk in whole ticks whose step
 * size scales with the price (≈ `volBpsPerTick` basis points per step). The random draw is a
 * float, but it only picks an integer number of ticks; the price itself stays exact.
 */
import { Rng, deriveSeed } from './rng';
import { Market, roundToTick, tickAt } from './markets';
import { fxOrThrow } from './money';

export class PriceProcess {
  private readonly rng: Rng;
  private markPx: bigint;
  frozen = false;

  constructor(
    readonly market: Market,
    seed: number,
    private readonly volBpsPerTick = 2,
  ) {
    this.rng = new Rng(deriveSeed(seed, market.name));
    this.markPx = roundToTick(fxOrThrow(market.startPx, 'startPx'), market.szDecimals, 'down');
  }

  get mark(): bigint {
    return this.markPx;
  }

  /** One step of the walk; the generator still advances when frozen so paths stay aligned. */
  step(): bigint {
    const g = this.rng.gaussian();
    if (this.frozen) return this.markPx;
    const tick = tickAt(this.markPx, this.market.szDecimals);
    const sigmaTicks = Number((this.markPx * BigInt(this.volBpsPerTick)) / 10_000n / tick);
    const moveTicks = BigInt(Math.round(g * Math.max(1, sigmaTicks)));
    this.set(this.markPx + moveTicks * tick);
    return this.markPx;
  }

  /** Jump to a price (admin setPrice / shock); snapped to the tick grid, never ≤ 0. */
  set(px: bigint): void {
    const floor = tickAt(1n, this.market.szDecimals);
    const snapped = roundToTick(px > floor ? px : floor, this.market.szDecimals, 'down');
    this.markPx = snapped > 0n ? snapped : floor;
  }

  /** Move by `pct` percent (e.g. -5 for a 5 % drop), exact to the basis point. */
  shock(pct: number): void {
    const bp = BigInt(Math.round(pct * 100));
    this.set((this.markPx * (10_000n + bp)) / 10_000n);
  }

  /** used by the sim's own randomness for book depth jitter */
  random(): number {
    return this.rng.next();
  }
}
