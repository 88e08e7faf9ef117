/**
 * Read-only views of the engine in the venue's wire shapes: the /info responses and the
 * WebSocket channel payloads share these builders so both always agree.
 */
import { Engine, wireOrderBasic } from './engine';
import { entryPx, unrealizedPnl } from './accounts';
import { liquidationPx, marginSummary, positionMarginUsed } from './margin';
import { abs, notional, venueNum, wireFx, wireUsd } from './money';
import { SimOrder, WireFill } from './types';

export function meta(e: Engine) {
  return {
    universe: e.markets.map((m) => ({ name: m.name, szDecimals: m.szDecimals, maxLeverage: m.maxLeverage, marginTableId: m.maxLeverage })),
    marginTables: [],
    // token index of the collateral (0 = USDC), as the venue's meta carries it
    collateralToken: 0,
  };
}

export function assetCtx(e: Engine, coin: string) {
  const book = e.books.get(coin)!;
  const mark = e.mark(coin);
  const bid = book.bestBid();
  const ask = book.bestAsk();
  const mid = bid !== null && ask !== null ? (bid + ask) / 2n : null;
  return {
    funding: '0.0000125',
    openInterest: '0.0',
    prevDayPx: wireFx(e.prevDayPx.get(coin) ?? mark),
    dayNtlVlm: wireUsd(e.dayNtlVlm.get(coin) ?? 0n),
    premium: '0.0',
    oraclePx: wireFx(mark),
    markPx: wireFx(mark),
    midPx: mid === null ? null : wireFx(mid),
    impactPxs: [bid === null ? wireFx(mark) : wireFx(bid), ask === null ? wireFx(mark) : wireFx(ask)],
    dayBaseVlm: '0.0',
  };
}

export function metaAndAssetCtxs(e: Engine) {
  return [meta(e), e.markets.map((m) => assetCtx(e, m.name))];
}

export function allMids(e: Engine): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of e.markets) {
    const book = e.books.get(m.name)!;
    const bid = book.bestBid();
    const ask = book.bestAsk();
    out[m.name] = wireFx(bid !== null && ask !== null ? (bid + ask) / 2n : e.mark(m.name));
  }
  return out;
}

export function l2Book(e: Engine, coin: string, levels = 20) {
  const book = e.books.get(coin);
  if (!book) return null;
  const l = book.levels(levels, !e.faults.noLiquidity);
  const row = (x: { px: bigint; sz: bigint; n: number }) => ({ px: wireFx(x.px), sz: wireFx(x.sz), n: x.n });
  return { coin, time: e.now(), levels: [l.bids.map(row), l.asks.map(row)] };
}

export function bbo(e: Engine, coin: string) {
  const b = l2Book(e, coin, 1);
  if (!b) return null;
  return { coin, time: b.time, bbo: [b.levels[0][0] ?? null, b.levels[1][0] ?? null] };
}

export function clearinghouseState(e: Engine, user: string) {
  const acct = e.account(user);
  const time = e.now();
  if (!acct) {
    const zero = { accountValue: '0.0', totalNtlPos: '0.0', totalRawUsd: '0.0', totalMarginUsed: '0.0' };
    return { marginSummary: zero, crossMarginSummary: zero, crossMaintenanceMarginUsed: '0.0', withdrawable: '0.0', assetPositions: [], time };
  }
  const s = marginSummary(e, acct);
  const summary = (x: { accountValue: bigint; totalNtlPos: bigint; totalRawUsd: bigint; totalMarginUsed: bigint }) => ({
    accountValue: wireUsd(x.accountValue),
    totalNtlPos: wireUsd(x.totalNtlPos),
    totalRawUsd: wireUsd(x.totalRawUsd),
    totalMarginUsed: wireUsd(x.totalMarginUsed),
  });
  const assetPositions = [];
  for (const [coin, pos] of acct.positions) {
    if (pos.szi === 0n) continue;
    const m = e.byName.get(coin)!;
    const lev = e.leverageOf(acct, m);
    const mark = e.mark(coin);
    const value = notional(mark, abs(pos.szi));
    const upnl = unrealizedPnl(pos, mark);
    const marginUsed = positionMarginUsed(e, acct, coin, pos);
    // isolated: rawUsd = the position's margin net of its cost basis (negative for a long)
    const cost = pos.szi > 0n ? pos.entryNtl : -pos.entryNtl;
    const leverage = lev.type === 'isolated' ? { type: lev.type, value: lev.value, rawUsd: wireUsd((acct.isolatedMargin.get(coin) ?? 0n) - cost) } : { type: lev.type, value: lev.value };
    const liq = liquidationPx(e, acct, coin, pos, s);
    assetPositions.push({
      type: 'oneWay',
      position: {
        coin,
        szi: wireFx(pos.szi),
        leverage,
        entryPx: wireFx(entryPx(pos)),
        positionValue: wireUsd(value),
        unrealizedPnl: wireUsd(upnl),
        returnOnEquity: marginUsed <= 0n ? '0.0' : ratio(upnl, marginUsed),
        liquidationPx: liq === null ? null : wireFx(liq),
        marginUsed: wireUsd(marginUsed),
        maxLeverage: m.maxLeverage,
        cumFunding: { allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' },
      },
    });
  }
  const withdrawable = s.cross.accountValue - s.cross.totalMarginUsed - s.orderMargin;
  return {
    marginSummary: summary(s),
    crossMarginSummary: summary(s.cross),
    crossMaintenanceMarginUsed: wireUsd(s.cross.maintenance),
    withdrawable: wireUsd(withdrawable > 0n ? withdrawable : 0n),
    assetPositions,
    time,
  };
}

function ratio(a: bigint, b: bigint): string {
  // 6 decimals, enough for a display figure
  const scaled = (a * 1_000_000n) / b;
  const neg = scaled < 0n;
  const v = neg ? -scaled : scaled;
  const s = v.toString().padStart(7, '0');
  const out = `${s.slice(0, -6)}.${s.slice(-6)}`.replace(/\.?0+$/, '');
  return venueNum((neg ? '-' : '') + (out === '' ? '0' : out));
}

function sortedOpen(e: Engine, user: string): SimOrder[] {
  const acct = e.account(user);
  if (!acct) return [];
  return [...acct.openOrders.values()].sort((a, b) => b.timestamp - a.timestamp || b.oid - a.oid);
}

export function openOrders(e: Engine, user: string) {
  // the venue lists `reduceOnly` in openOrders only when it is true (TW P5)
  return sortedOpen(e, user).map((o) => ({ ...wireOrderBasic(o), ...(o.reduceOnly ? { reduceOnly: true } : {}) }));
}

function frontendOrder(o: SimOrder) {
  return {
    ...wireOrderBasic(o),
    triggerCondition: 'N/A',
    isTrigger: false,
    triggerPx: '0.0',
    children: [],
    isPositionTpsl: false,
    reduceOnly: o.reduceOnly,
    orderType: 'Limit',
    tif: o.tif,
    cloid: o.cloid ?? null,
  };
}

export function frontendOpenOrders(e: Engine, user: string) {
  return sortedOpen(e, user).map(frontendOrder);
}

export function orderStatus(e: Engine, user: string, oid: number | string) {
  const id = typeof oid === 'number' ? oid : e.oidForCloid(user, oid);
  const o = id === undefined ? undefined : e.orders.get(id);
  if (!o || o.user !== user.toLowerCase()) return { status: 'unknownOid' };
  return { status: 'order', order: orderWithStatus(o) };
}

function orderWithStatus(o: SimOrder) {
  return { order: frontendOrder(o), status: o.status, statusTimestamp: o.statusTimestamp };
}

/** at most 2000 most recent orders with their status, newest first (info-endpoint historicalOrders) */
export function historicalOrders(e: Engine, user: string) {
  return e.orders.recent(user, 2000).map(orderWithStatus);
}

const MAX_FILL_ROWS = 2000;

/** newest first, at most 2000 */
export function userFills(e: Engine, user: string): WireFill[] {
  const fills = e.account(user)?.fills ?? [];
  return fills.slice(-MAX_FILL_ROWS).reverse();
}

/** oldest first, time in [startTime, endTime], at most 2000 */
export function userFillsByTime(e: Engine, user: string, startTime: number, endTime?: number): WireFill[] {
  const fills = e.account(user)?.fills ?? [];
  const out: WireFill[] = [];
  for (const f of fills) {
    if (f.time < startTime || (endTime !== undefined && f.time > endTime)) continue;
    out.push(f);
    if (out.length >= MAX_FILL_ROWS) break;
  }
  return out;
}

export function userRateLimit(e: Engine, user: string, initialBudget: number) {
  const acct = e.account(user);
  const traded = acct ? acct.cumVlm / 10n ** 16n : 0n;
  return {
    cumVlm: acct ? wireUsd(acct.cumVlm) : '0.0',
    nRequestsUsed: acct?.requestsUsed ?? 0,
    nRequestsCap: initialBudget + Number(traded),
    nRequestsSurplus: 0,
  };
}

export function activeAssetData(e: Engine, user: string, coin: string) {
  const acct = e.account(user);
  const m = e.byName.get(coin);
  if (!m) return null;
  const lev = acct ? e.leverageOf(acct, m) : { type: 'cross', value: Math.min(20, m.maxLeverage) };
  return { user: user.toLowerCase(), coin, leverage: lev, maxTradeSzs: ['0.0', '0.0'], availableToTrade: ['0.0', '0.0'], markPx: wireFx(e.mark(coin)) };
}
