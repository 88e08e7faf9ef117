/** Matching-engine rules the HTTP tests do not reach: user-vs-user fills, self-trade, flips, faults. */
import Decimal from 'decimal.js';
import { ALICE, BOB, bestAsk, bestBid, limit, makeEngine, usd } from './engine-fixture';
import { HOUSE } from '../../../src/sim/engine';
import { fxOrThrow } from '../../../src/sim/money';
import { clearinghouseState } from '../../../src/sim/views';

describe('simulator engine', () => {
  test('a taker meets another user’s resting order: maker and taker fills share the tid, fees differ', () => {
    const { e } = makeEngine();
    e.fund(ALICE, usd('100000'));
    e.fund(BOB, usd('100000'));
    // Alice improves the bid by one tick inside the synthetic spread
    const bid = new Decimal(bestBid(e, 'ETH')).plus('0.1').toString();
    const [rest] = e.placeOrders(ALICE, [limit(1, true, bid, '1')]);
    expect(rest).toEqual({ resting: { oid: expect.any(Number) } });
    const [taken] = e.placeOrders(BOB, [limit(1, false, bid, '0.4', 'Ioc')]);
    expect(taken).toEqual({ filled: { totalSz: '0.4', avgPx: bid, oid: expect.any(Number) } });
    const a = e.account(ALICE)!.fills;
    const b = e.account(BOB)!.fills;
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a[0].tid).toBe(b[0].tid);
    expect(a[0]).toMatchObject({ crossed: false, side: 'B', px: bid, sz: '0.4' });
    expect(b[0]).toMatchObject({ crossed: true, side: 'A', px: bid, sz: '0.4' });
    expect(new Decimal(b[0].fee).gt(a[0].fee)).toBe(true);
    expect(e.account(ALICE)!.szi('ETH')).toBe(40_000_000n);
    expect([...e.account(ALICE)!.openOrders.values()][0].sz).toBe(60_000_000n);
    const trades = e.drain().filter((ev) => ev.kind === 'trades');
    expect(trades.flatMap((t) => (t.kind === 'trades' ? t.trades : []))[0].users).toEqual([ALICE, BOB]);
  });

  test('self-trade: crossing your own resting order cancels it, nothing fills against yourself', () => {
    const { e } = makeEngine();
    e.fund(ALICE, usd('100000'));
    const bid = new Decimal(bestBid(e, 'ETH')).plus('0.1').toString();
    const [rest] = e.placeOrders(ALICE, [limit(1, true, bid, '1')]);
    const oid = (rest as { resting: { oid: number } }).resting.oid;
    e.placeOrders(ALICE, [limit(1, false, bid, '1', 'Ioc')]);
    expect(e.orders.get(oid)!.status).toBe('selfTradeCanceled');
    expect(e.account(ALICE)!.fills.every((f) => f.oid !== oid)).toBe(true);
    // the sell went on to the synthetic bid instead
    expect(e.account(ALICE)!.fills.every((f) => f.side === 'A')).toBe(true);
  });

  test('a fill through zero flips the position and books PnL on the closed part only', () => {
    const { e } = makeEngine();
    e.fund(ALICE, usd('100000'));
    e.placeOrders(ALICE, [limit(2, true, new Decimal(bestAsk(e, 'SOL')).plus(1).toString(), '10', 'Ioc')]);
    const entry = e.account(ALICE)!.fills[0].px;
    e.setPrice('SOL', fxOrThrow(new Decimal(entry).plus(10).toString(), 'px'));
    e.placeOrders(ALICE, [limit(2, false, new Decimal(bestBid(e, 'SOL')).minus(1).toString(), '25', 'Ioc')]);
    const flip = e.account(ALICE)!.fills.slice(1);
    expect(flip[0].dir).toBe('Long > Short');
    expect(flip[0].startPosition).toBe('10.0');
    const closedPnl = new Decimal(flip[0].px).minus(entry).times(10);
    expect(new Decimal(flip.reduce((s, f) => s.plus(f.closedPnl), new Decimal(0))).toString()).toBe(closedPnl.toString());
    expect(e.account(ALICE)!.szi('SOL')).toBe(-15n * 100_000_000n);
  });

  test('a resting reduce-only order is cancelled once the position it reduces is gone', () => {
    const { e } = makeEngine();
    e.fund(ALICE, usd('100000'));
    e.placeOrders(ALICE, [limit(1, true, new Decimal(bestAsk(e, 'ETH')).plus(5).toString(), '1', 'Ioc')]);
    const [ro] = e.placeOrders(ALICE, [limit(1, false, new Decimal(bestAsk(e, 'ETH')).plus(50).toString(), '1', 'Gtc', true)]);
    const oid = (ro as { resting: { oid: number } }).resting.oid;
    e.placeOrders(ALICE, [limit(1, false, new Decimal(bestBid(e, 'ETH')).minus(5).toString(), '1', 'Ioc')]);
    expect(e.account(ALICE)!.szi('ETH')).toBe(0n);
    expect(e.orders.get(oid)!.status).toBe('reduceOnlyCanceled');
    expect(e.account(ALICE)!.openOrders.size).toBe(0);
  });

  test('faults: rejectNext, IOC slippage, partial fills', () => {
    const { e } = makeEngine();
    e.fund(ALICE, usd('100000'));
    e.faults.rejectNextCount = 1;
    e.faults.rejectNextError = 'Order has invalid price.';
    const ask = bestAsk(e, 'BTC');
    const limitPx = new Decimal(ask).plus(500).toString();
    expect(e.placeOrders(ALICE, [limit(0, true, limitPx, '0.01', 'Ioc')])).toEqual([{ error: 'Order has invalid price.' }]);
    e.faults.ioSlippageBps = 10;
    const [f] = e.placeOrders(ALICE, [limit(0, true, limitPx, '0.01', 'Ioc')]);
    const avg = new Decimal((f as { filled: { avgPx: string } }).filled.avgPx);
    expect(avg.gt(ask)).toBe(true);
    expect(avg.lte(limitPx)).toBe(true);
    e.faults.ioSlippageBps = 0;
    e.faults.partialFillPpm = 250_000n;
    const [p] = e.placeOrders(ALICE, [limit(0, true, limitPx, '0.04', 'Ioc')]);
    expect((p as { filled: { totalSz: string } }).filled.totalSz).toBe('0.01');
  });

  test('scheduleCancel is gated on $1,000,000 traded volume, as on the venue', () => {
    const { e } = makeEngine();
    e.fund(ALICE, usd('1000'));
    expect(e.scheduleCancel(ALICE, Date.now() + 60_000)).toBe('Cannot set scheduled cancel time until enough volume traded. Required: $1000000. Traded: $0.');
    // clearing is volume-gated too
    expect(e.scheduleCancel(ALICE, undefined)).toMatch(/^Cannot set scheduled cancel time until enough volume traded/);
  });

  test('scheduleCancel after $1M traded: at the time every open order is cancelled as scheduledCancel', () => {
    const { e, clock } = makeEngine();
    e.fund(ALICE, usd('10000000'));
    const up = new Decimal(bestAsk(e, 'BTC')).times(1.05).toFixed(0);
    const down = new Decimal(bestBid(e, 'BTC')).times(0.95).toFixed(0);
    e.placeOrders(ALICE, [limit(0, true, up, '6', 'Ioc')]);
    e.placeOrders(ALICE, [limit(0, false, down, '6', 'Ioc')]);
    expect(e.account(ALICE)!.cumVlm > usd('1000000')).toBe(true);
    expect(e.scheduleCancel(ALICE, clock.t + 1000)).toBe('Scheduled cancel time too early, must be at least 5 seconds from now.');
    expect(e.scheduleCancel(ALICE, clock.t + 10_000)).toBeNull();
    const [r] = e.placeOrders(ALICE, [limit(0, true, new Decimal(bestBid(e, 'BTC')).minus(500).toString(), '0.01')]);
    const oid = (r as { resting: { oid: number } }).resting.oid;
    e.tick();
    expect(e.orders.get(oid)!.status).toBe('open');
    clock.t += 20_000;
    e.tick();
    expect(e.orders.get(oid)!.status).toBe('scheduledCancel');
    expect(e.account(ALICE)!.openOrders.size).toBe(0);
  });

  test('passive fills on a price move name the synthetic market maker as counterparty', () => {
    const { e } = makeEngine();
    e.fund(ALICE, usd('100000'));
    const px = new Decimal(bestBid(e, 'BTC')).minus(100).toString();
    e.placeOrders(ALICE, [limit(0, true, px, '0.01')]);
    e.drain();
    e.setPrice('BTC', fxOrThrow(new Decimal(px).minus(100).toString(), 'px'));
    const trades = e.drain().flatMap((ev) => (ev.kind === 'trades' ? ev.trades : []));
    // the venue spells prices as floats print: 96895 → "96895.0"
    expect(trades).toEqual([expect.objectContaining({ px: px.includes('.') ? px : `${px}.0`, sz: '0.01', users: [ALICE, HOUSE] })]);
  });
});

describe('isolated margin', () => {
  test('opening earmarks notional / leverage, updateIsolatedMargin moves it, closing releases it; liquidationPx follows the docs formula', () => {
    const { e } = makeEngine();
    e.fund(ALICE, usd('10000'));
    expect(e.updateLeverage(ALICE, 1, false, 10)).toBeNull();
    const ask = bestAsk(e, 'ETH');
    e.placeOrders(ALICE, [limit(1, true, new Decimal(ask).plus(10).toString(), '1', 'Ioc')]);
    const acct = e.account(ALICE)!;
    const [fill] = acct.fills;
    const iso = () => new Decimal((acct.isolatedMargin.get('ETH') ?? 0n).toString()).div(1e16);
    expect(iso().toString()).toBe(new Decimal(fill.px).div(10).toString());
    // the mode of an open position stays
    expect(e.updateLeverage(ALICE, 1, true, 10)).toMatch(/^Cannot switch margin mode with an open position/);

    const pos = (v: ReturnType<typeof clearinghouseState>) => v.assetPositions[0].position;
    let ch = clearinghouseState(e, ALICE);
    // rawUsd: the isolated margin net of the cost basis (negative for a long)
    expect(pos(ch).leverage).toMatchObject({ type: 'isolated', value: 10 });
    expect(new Decimal((pos(ch).leverage as { rawUsd: string }).rawUsd).eq(iso().minus(fill.px))).toBe(true);
    // liq = mark − (margin + pnl − mm) / size / (1 − 1/(2·maxLev)); ETH maxLeverage 25
    const mark = new Decimal(e.mark('ETH').toString()).div(1e8);
    const upnl = mark.minus(fill.px);
    const mm = mark.div(50);
    const expected = mark.minus(iso().plus(upnl).minus(mm).div(new Decimal(1).minus(new Decimal(1).div(50))));
    expect(new Decimal(pos(ch).liquidationPx!).minus(expected).abs().lt(1e-6)).toBe(true);

    expect(e.updateIsolatedMargin(ALICE, 1, 100_000_000)).toBeNull(); // +$100
    expect(iso().toString()).toBe(new Decimal(fill.px).div(10).plus(100).toString());
    ch = clearinghouseState(e, ALICE);
    expect(Number(pos(ch).liquidationPx)).toBeLessThan(expected.toNumber());
    expect(e.updateIsolatedMargin(ALICE, 1, -1_000_000_000)).toMatch(/^Insufficient margin to remove/);
    // the cross summary leaves the isolated position out
    expect(ch.crossMarginSummary.totalNtlPos).toBe('0.0');
    expect(Number(ch.marginSummary.totalNtlPos)).toBeGreaterThan(0);

    const bid = bestBid(e, 'ETH');
    e.placeOrders(ALICE, [limit(1, false, new Decimal(bid).minus(10).toString(), '1', 'Ioc', true)]);
    expect(acct.isolatedMargin.has('ETH')).toBe(false);
    expect(clearinghouseState(e, ALICE).assetPositions).toEqual([]);
    expect(e.updateIsolatedMargin(ALICE, 1, 1_000_000)).toMatch(/^Cannot update isolated margin without an open isolated position/);
  });
});
