/**
 * Cross-margin figures, kept simple but consistent: account value = collateral + unrealized PnL
 * at the mark; margin used = Σ |position| × mark / leverage; resting non-reduce-only orders
 * reserve limit × size / leverage. A new order needs its position-increasing part's margin to fit
 * in what is left.
 */
import { Account, unrealizedPnl } from './accounts';
import { abs, notional } from './money';
import type { Engine } from './engine';

export interface MarginSummary {
  accountValue: bigint;
  totalNtlPos: bigint;
  totalRawUsd: bigint;
  totalMarginUsed: bigint;
  /** margin reserved by resting orders */
  orderMargin: bigint;
  maintenance: bigint;
}

export function marginSummary(engine: Engine, acct: Account): MarginSummary {
  let upnl = 0n;
  let ntl = 0n;
  let used = 0n;
  let rawUsd = acct.balance;
  let maintenance = 0n;
  for (const [coin, pos] of acct.positions) {
    if (pos.szi === 0n) continue;
    const m = engine.byName.get(coin)!;
    const mark = engine.mark(coin);
    const value = notional(mark, abs(pos.szi));
    upnl += unrealizedPnl(pos, mark);
    ntl += value;
    rawUsd -= pos.szi > 0n ? pos.entryNtl : -pos.entryNtl;
    const lev = BigInt(engine.leverageOf(acct, m).value);
    used += value / lev;
    maintenance += value / BigInt(2 * m.maxLeverage);
  }
  let orderMargin = 0n;
  for (const o of acct.openOrders.values()) {
    if (o.reduceOnly) continue;
    const lev = BigInt(engine.leverageOf(acct, engine.byName.get(o.coin)!).value);
    orderMargin += notional(o.limitPx, o.sz) / lev;
  }
  return { accountValue: acct.balance + upnl, totalNtlPos: ntl, totalRawUsd: rawUsd, totalMarginUsed: used, orderMargin, maintenance };
}

/** What a new order may still use, 10^-16 USD (can be negative). */
export function marginAvailable(engine: Engine, acct: Account): bigint {
  const s = marginSummary(engine, acct);
  return s.accountValue - s.totalMarginUsed - s.orderMargin;
}
