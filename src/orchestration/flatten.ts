/**
 * The flatten order for one position: reduce-only IOC on the opposite side, the full size, priced
 * `aggressionBps` through the mark so it crosses (buy up, sell down) — decimal arithmetic and the
 * foundation's wire formatting, rounded in the direction that keeps the order aggressive.
 * Pure (no I/O); used by the stop activities, unit-tested directly.
 */
import DecimalBase from 'decimal.js';
import { formatPrice, formatSize, WireFormatError } from '../exchange/hyperliquid/format';
import type { OrderSpec } from '../exchange/hyperliquid/actions';

const D = DecimalBase.clone({ precision: 40 });

export interface MarketRef {
  asset: number;
  szDecimals: number;
}

export type FlattenPlan = { kind: 'order'; coin: string; order: OrderSpec } | { kind: 'skip'; coin: string; why: string };

export function flattenOrderFor(
  position: { coin: string; szi: string },
  market: MarketRef | undefined,
  markPx: string | undefined,
  aggressionBps: number,
): FlattenPlan {
  const coin = position.coin;
  let szi: InstanceType<typeof D>;
  try {
    szi = new D(position.szi);
  } catch {
    return { kind: 'skip', coin, why: `unreadable size ${JSON.stringify(position.szi)}` };
  }
  if (szi.isZero()) return { kind: 'skip', coin, why: 'already flat' };
  if (!market) return { kind: 'skip', coin, why: 'market not in the venue meta' };
  if (!markPx || !new D(markPx).isFinite() || new D(markPx).lte(0)) return { kind: 'skip', coin, why: 'no mark price' };
  // Closing a long sells, closing a short buys.
  const isBuy = szi.isNegative();
  const k = new D(aggressionBps).div(10_000);
  const raw = new D(markPx).times(isBuy ? new D(1).plus(k) : new D(1).minus(k));
  try {
    const px = formatPrice(raw.toFixed(), market.szDecimals, isBuy ? 'up' : 'down');
    // Reduce-only size never grows: round down (a venue position is already at szDecimals).
    const sz = formatSize(szi.abs().toFixed(), market.szDecimals, 'down');
    return { kind: 'order', coin, order: { asset: market.asset, isBuy, px, sz, reduceOnly: true, tif: 'Ioc' } };
  } catch (e) {
    if (e instanceof WireFormatError) return { kind: 'skip', coin, why: e.message };
    throw e;
  }
}
