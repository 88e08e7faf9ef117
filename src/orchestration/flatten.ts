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

/** The position to close, or why there is nothing to close (unreadable, flat, unknown market). */
function openPosition(position: { coin: string; szi: string }, market: MarketRef | undefined): { kind: 'open'; szi: InstanceType<typeof D>; market: MarketRef } | { kind: 'skip'; coin: string; why: string } {
  const coin = position.coin;
  let szi: InstanceType<typeof D>;
  try {
    szi = new D(position.szi);
  } catch {
    return { kind: 'skip', coin, why: `unreadable size ${JSON.stringify(position.szi)}` };
  }
  if (szi.isZero()) return { kind: 'skip', coin, why: 'already flat' };
  if (!market) return { kind: 'skip', coin, why: 'market not in the venue meta' };
  return { kind: 'open', szi, market };
}

export type FlattenPlan = { kind: 'order'; coin: string; order: OrderSpec } | { kind: 'skip'; coin: string; why: string };

export function flattenOrderFor(
  position: { coin: string; szi: string },
  maybeMarket: MarketRef | undefined,
  markPx: string | undefined,
  aggressionBps: number,
): FlattenPlan {
  const coin = position.coin;
  const open = openPosition(position, maybeMarket);
  if (open.kind === 'skip') return open;
  const { szi, market } = open;
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

// ---- stop (#10): the flatten priced from the L2 book so the whole size can cross ----

export interface BookSide {
  px: string;
  sz: string;
}

export interface BookPricing {
  /** this round's widening beyond the book price, bps (stop-plan.ts wideningBps) */
  widenBps: number;
  /** the ceiling: never further than this from the mark, bps */
  maxSlippageBps: number;
  /** one order's notional at most, USD (larger positions are split) */
  maxOrderNotionalUsd: string;
}

export type BookFlattenPlan =
  | {
      kind: 'orders';
      coin: string;
      orders: OrderSpec[];
      /** the price at which the book holds the whole size (null: the book is too thin or empty) */
      bookPx: string | null;
      /** the limit sent */
      px: string;
      /** the limit was held at the ceiling: the book needed more than maxSlippageBps */
      capped: boolean;
    }
  | { kind: 'skip'; coin: string; why: string };

/**
 * The reduce-only IOC orders closing one position, priced from the L2 book: the level at which
 * the book holds the whole size, widened by `widenBps`, never past the mark ± maxSlippageBps
 * (held at the ceiling instead — what crosses fills, the rest waits for the next round). Split
 * into orders of at most maxOrderNotionalUsd, each on the lot grid (sizes rounded down: a
 * reduce-only size never grows) and the price on the tick grid. Decimal arithmetic only.
 */
export function flattenOrdersFromBook(
  position: { coin: string; szi: string },
  maybeMarket: MarketRef | undefined,
  markPx: string | undefined,
  book: { bids: BookSide[]; asks: BookSide[] } | null,
  p: BookPricing,
): BookFlattenPlan {
  const coin = position.coin;
  const open = openPosition(position, maybeMarket);
  if (open.kind === 'skip') return open;
  const { szi, market } = open;
  let mark: InstanceType<typeof D>;
  try {
    mark = new D(markPx ?? 'x');
  } catch {
    return { kind: 'skip', coin, why: 'no mark price' };
  }
  if (!mark.isFinite() || mark.lte(0)) return { kind: 'skip', coin, why: 'no mark price' };
  const isBuy = szi.isNegative();
  const size = szi.abs();
  const dir = (bps: number) => new D(bps).div(10_000).times(isBuy ? 1 : -1).plus(1);

  // Where the book holds the whole size: walk the side we hit.
  let bookPx: InstanceType<typeof D> | null = null;
  let cum = new D(0);
  for (const l of (isBuy ? book?.asks : book?.bids) ?? []) {
    let lpx: InstanceType<typeof D>;
    let lsz: InstanceType<typeof D>;
    try {
      lpx = new D(l.px);
      lsz = new D(l.sz);
    } catch {
      continue; // a malformed level is ignored, never trusted
    }
    if (!lpx.isFinite() || lpx.lte(0) || !lsz.isFinite() || lsz.lte(0)) continue;
    cum = cum.plus(lsz);
    bookPx = lpx;
    if (cum.gte(size)) break;
  }
  const thin = bookPx === null || cum.lt(size);
  const ceiling = mark.times(dir(p.maxSlippageBps));
  let raw = (bookPx ?? mark).times(dir(p.widenBps));
  // A thin book: reach for the ceiling at once — what the book lacks may arrive within it.
  if (thin) raw = ceiling;
  const beyond = isBuy ? raw.gt(ceiling) : raw.lt(ceiling);
  const capped = beyond || thin;
  if (beyond) raw = ceiling;
  let px: string;
  let sizes: string[];
  try {
    // Aggressive rounding unless held at the ceiling, which is never crossed.
    px = formatPrice(raw.toFixed(), market.szDecimals, capped ? (isBuy ? 'down' : 'up') : isBuy ? 'up' : 'down');
    sizes = splitSizes(size, new D(p.maxOrderNotionalUsd).div(px), market.szDecimals);
  } catch (e) {
    if (e instanceof WireFormatError) return { kind: 'skip', coin, why: e.message };
    throw e;
  }
  return {
    kind: 'orders',
    coin,
    orders: sizes.map((sz) => ({ asset: market.asset, isBuy, px, sz, reduceOnly: true, tif: 'Ioc' as const })),
    bookPx: thin || bookPx === null ? null : bookPx.toFixed(),
    px,
    capped,
  };
}

/** `size` in pieces of at most `maxPiece`, each on the lot grid (szDecimals), the remainder last. */
function splitSizes(size: InstanceType<typeof D>, maxPiece: InstanceType<typeof D>, szDecimals: number): string[] {
  const lot = new D(1).div(new D(10).pow(szDecimals));
  let piece = maxPiece.div(lot).floor().times(lot);
  if (piece.lte(0)) piece = lot;
  const total = new D(formatSize(size.toFixed(), szDecimals, 'down'));
  const out: string[] = [];
  let left = total;
  // Bounded: a position needing more than 1000 pieces is sent as 1000 equal ones (the last takes the rest).
  const n = Math.min(1000, left.div(piece).ceil().toNumber());
  if (n >= 1000) piece = left.div(1000).div(lot).ceil().times(lot);
  while (left.gt(0)) {
    const sz = D.min(piece, left);
    out.push(formatSize(sz.toFixed(), szDecimals, 'down'));
    left = left.minus(sz);
  }
  return out;
}
