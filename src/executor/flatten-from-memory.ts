/**
 * stop (#10): the reduce-only IOC that closes one position from the hot path's memory on a
 * HardStop. Priced from the book the hot path holds (mid, else mark) `maxSlippageBps` through it
 * — closing a long sells below, closing a short buys above — in decimal arithmetic; the executor
 * loop puts the price on the venue's tick grid when it builds the batch. The size is the
 * position's own (already on the lot grid).
 */
import DecimalBase from 'decimal.js';
import { parseFixed } from '../state/fixed';
import type { MarketRec } from '../state/market-state';
import type { PendingOrder } from '../state/order';

const D = DecimalBase.clone({ precision: 40 });

export function flattenOrderFromMemory(position: { coin: string; szi: string }, rec: MarketRec, maxSlippageBps: number, cloid: string, now: number): PendingOrder | null {
  const ref = rec.midPx ?? rec.markPx;
  if (ref === null) return null;
  let szi: InstanceType<typeof D>;
  let refD: InstanceType<typeof D>;
  try {
    szi = new D(position.szi);
    refD = new D(ref);
  } catch {
    return null;
  }
  if (szi.isZero() || !refD.isFinite() || refD.lte(0)) return null;
  const isBuy = szi.isNegative();
  const k = new D(maxSlippageBps).div(10_000);
  const limit = refD.times(isBuy ? new D(1).plus(k) : new D(1).minus(k));
  const size = szi.abs().toFixed();
  const sizeFx = parseFixed(size);
  if (sizeFx === null || sizeFx === 0n) return null;
  return {
    cloid,
    market: position.coin,
    rec,
    isBuy,
    size,
    sizeFx,
    limitPx: limit.toSignificantDigits(12).toFixed(),
    tif: 'Ioc',
    reduceOnly: true,
    // No intended price: the stop's own exit is not a slippage anomaly of the strategy (the
    // latch already holds; a second HardStop would only be noise in the session's record).
    intendedPx: undefined,
    acceptedAt: now,
    state: 'queued',
    oid: undefined,
    filledFx: 0n,
    expectedFillFx: undefined,
    heldFx: 0n,
    cancelQueued: false,
  };
}
