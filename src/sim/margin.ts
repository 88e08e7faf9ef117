/**
 * Margin figures, cross and isolated (docs trading/margining, trading/liquidations).
 *
 * All collateral is `acct.balance`; an isolated position earmarks part of it as its own margin
 * (`acct.isolatedMargin`, moved there at `notional / leverage` as the position opens, released pro
 * rata as it closes, adjusted by updateIsolatedMargin). Cross figures cover what is not earmarked:
 * cross account value = balance − Σ isolated margin + cross unrealized PnL. Resting
 * non-reduce-only orders reserve limit × size / leverage from the cross side. Maintenance margin
 * is half the initial margin at max leverage (no margin tiers). Liquidation price:
 * `mark − side × margin_available / |szi| / (1 − l × side)`, l = 1 / (2 × maxLeverage),
 * margin_available = (cross: cross account value; isolated: its margin + its PnL) − maintenance.
 */
import { Account, Position, unrealizedPnl } from './accounts';
import { abs, notional, usdPerSize } from './money';
import type { Engine } from './engine';
import type { Market } from './markets';

export interface MarginSummary {
  accountValue: bigint;
  totalNtlPos: bigint;
  totalRawUsd: bigint;
  totalMarginUsed: bigint;
  /** margin reserved by resting orders */
  orderMargin: bigint;
  maintenance: bigint;
  cross: { accountValue: bigint; totalNtlPos: bigint; totalRawUsd: bigint; totalMarginUsed: bigint; maintenance: bigint };
}

export function isIsolated(engine: Engine, acct: Account, coin: string): boolean {
  return engine.leverageOf(acct, engine.byName.get(coin)!).type === 'isolated';
}

/** The margin a position uses: isolated → its own margin + PnL; cross → value / leverage. */
export function positionMarginUsed(engine: Engine, acct: Account, coin: string, pos: Position): bigint {
  const m = engine.byName.get(coin)!;
  const mark = engine.mark(coin);
  if (isIsolated(engine, acct, coin)) return (acct.isolatedMargin.get(coin) ?? 0n) + unrealizedPnl(pos, mark);
  return notional(mark, abs(pos.szi)) / BigInt(engine.leverageOf(acct, m).value);
}

export function maintenanceOf(m: Market, value: bigint): bigint {
  return value / BigInt(2 * m.maxLeverage);
}

export function marginSummary(engine: Engine, acct: Account): MarginSummary {
  const all = { upnl: 0n, ntl: 0n, used: 0n, rawUsd: acct.balance, maintenance: 0n };
  const cross = { upnl: 0n, ntl: 0n, used: 0n, rawUsd: acct.balance, maintenance: 0n };
  for (const iso of acct.isolatedMargin.values()) cross.rawUsd -= iso;
  for (const [coin, pos] of acct.positions) {
    if (pos.szi === 0n) continue;
    const m = engine.byName.get(coin)!;
    const mark = engine.mark(coin);
    const value = notional(mark, abs(pos.szi));
    const upnl = unrealizedPnl(pos, mark);
    const cost = pos.szi > 0n ? pos.entryNtl : -pos.entryNtl;
    const used = positionMarginUsed(engine, acct, coin, pos);
    const mm = maintenanceOf(m, value);
    for (const t of isIsolated(engine, acct, coin) ? [all] : [all, cross]) {
      t.upnl += upnl;
      t.ntl += value;
      t.rawUsd -= cost;
      t.used += used;
      t.maintenance += mm;
    }
  }
  let orderMargin = 0n;
  for (const o of acct.openOrders.values()) {
    if (o.reduceOnly) continue;
    const lev = BigInt(engine.leverageOf(acct, engine.byName.get(o.coin)!).value);
    orderMargin += notional(o.limitPx, o.sz) / lev;
  }
  let earmarked = 0n;
  for (const iso of acct.isolatedMargin.values()) earmarked += iso;
  const crossValue = acct.balance - earmarked + cross.upnl;
  return {
    accountValue: acct.balance + all.upnl,
    totalNtlPos: all.ntl,
    totalRawUsd: all.rawUsd,
    totalMarginUsed: all.used,
    orderMargin,
    maintenance: all.maintenance,
    cross: { accountValue: crossValue, totalNtlPos: cross.ntl, totalRawUsd: cross.rawUsd, totalMarginUsed: cross.used, maintenance: cross.maintenance },
  };
}

/** What a new order may still use from the cross side, 10^-16 USD (can be negative). */
export function marginAvailable(engine: Engine, acct: Account): bigint {
  const s = marginSummary(engine, acct);
  return s.cross.accountValue - s.cross.totalMarginUsed - s.orderMargin;
}

/** Liquidation price at 10^-8, or null when no price liquidates the position. */
export function liquidationPx(engine: Engine, acct: Account, coin: string, pos: Position, s: MarginSummary): bigint | null {
  if (pos.szi === 0n) return null;
  const m = engine.byName.get(coin)!;
  const mark = engine.mark(coin);
  const size = abs(pos.szi);
  const available = isIsolated(engine, acct, coin)
    ? (acct.isolatedMargin.get(coin) ?? 0n) + unrealizedPnl(pos, mark) - maintenanceOf(m, notional(mark, size))
    : s.cross.accountValue - s.cross.maintenance;
  // px = mark − side·available/size/(1 − side/(2·maxLev)) = mark − side·available·2L / (size·(2L − side))
  const twoL = BigInt(2 * m.maxLeverage);
  const side = pos.szi > 0n ? 1n : -1n;
  const delta = usdPerSize(available * twoL, size * (twoL - side));
  const px = mark - side * delta;
  return px > 0n ? px : null;
}

/**
 * Move isolated margin with a fill on an isolated coin: the closed part releases its share of the
 * position's margin back to cross, the opened part earmarks notional / leverage.
 */
export function moveIsolatedMargin(acct: Account, coin: string, lev: { type: 'cross' | 'isolated'; value: number }, start: bigint, isBuy: boolean, px: bigint, sz: bigint): void {
  if (lev.type !== 'isolated') return;
  let iso = acct.isolatedMargin.get(coin) ?? 0n;
  let opened = sz;
  if (start !== 0n && start > 0n !== isBuy) {
    const held = abs(start);
    const closing = sz < held ? sz : held;
    iso -= closing === held ? iso : (iso * closing) / held;
    opened = sz - closing;
  }
  iso += notional(px, opened) / BigInt(lev.value);
  if (acct.szi(coin) === 0n) acct.isolatedMargin.delete(coin);
  else acct.isolatedMargin.set(coin, iso);
}
