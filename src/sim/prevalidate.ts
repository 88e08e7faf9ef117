/**
 * The venue's pre-validation (docs "Error responses"): failures that are a function of the
 * payload are answered before any order is looked at, with ONE error for the whole action, and
 * nothing is placed. The docs name an empty batch, non-reduce-only TP/SL orders and "some forms
 * of tick size validation"; CCXT's map and our research file add the 80 %-from-reference check.
 * Here: an empty batch, a price with more decimals than the market allows (`Order has invalid
 * price.`), a price more than 80 % from the mark. More than five significant figures stays a
 * per-order `Price must be divisible by tick size.` (the docs list Tick among batched errors).
 * The shape — `{"status":"err","response":"<text>"}` — and the empty-batch text are our reading.
 */
import type { Engine, WireOrderIn } from './engine';
import { abs, fx } from './money';

export const PRE = {
  emptyBatch: 'Order list is empty.',
  invalidPx: 'Order has invalid price.',
  farFromRef: 'Order price cannot be more than 80% away from the reference price',
} as const;

const MAX_PERP_DECIMALS = 6;

function decimals(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** `null` when the batch may go on to per-order checks, else the one error for the whole action. */
export function prevalidateOrders(engine: Engine, orders: readonly WireOrderIn[]): string | null {
  if (orders.length === 0) return PRE.emptyBatch;
  for (const w of orders) {
    const m = engine.marketByAsset(w.a);
    if (!m) continue; // an unknown asset is a per-order error
    const px = fx(w.p);
    if (px === null) return PRE.invalidPx;
    if (decimals(w.p.replace(/0+$/, '')) > MAX_PERP_DECIMALS - m.szDecimals) return PRE.invalidPx;
    const mark = engine.mark(m.name);
    if (px > 0n && abs(px - mark) * 10n > mark * 8n) return PRE.farFromRef;
  }
  return null;
}
