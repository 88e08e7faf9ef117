import { HardStopLatch } from '../../../src/executor/latch';
import type { ExecutionEvent } from '../../../src/risk/execution-events';
import { formatNotional, parseFixed, usdToNotional } from '../../../src/state/fixed';
import { manualSchedule } from '../../../src/state/mailbox';
import { MarketStateCache } from '../../../src/state/market-state';
import { PositionTracker } from '../../../src/state/position-tracker';
import { makeHarness, sig } from '../executor/harness';

function setup() {
  const markets = new MarketStateCache(10_000);
  markets.define({ coin: 'BTC', asset: 0, szDecimals: 5 });
  markets.define({ coin: 'ETH', asset: 1, szDecimals: 4 });
  const events: ExecutionEvent[] = [];
  const t = new PositionTracker(markets, new HardStopLatch(), { onEvent: (e) => events.push(e) }, manualSchedule);
  let tid = 1;
  const fill = (coin: string, side: 'B' | 'A', sz: string, px: string, closedPnl = '0', fee = '0.01', t0 = tid++) =>
    t.post({ type: 'fill', fill: { coin, px, sz, side, tid: t0, oid: 1, fee, closedPnl, time: 0 } });
  return { markets, t, events, fill };
}

describe('PositionTracker', () => {
  test('fills move the position; a duplicate fill (same coin + tid) counts once', () => {
    const s = setup();
    s.fill('BTC', 'B', '0.002', '97000', '0', '0.01', 7);
    s.fill('BTC', 'B', '0.002', '97000', '0', '0.01', 7);
    s.t.drain();
    expect(s.t.allPositions()).toEqual([{ coin: 'BTC', szi: '0.002' }]);
    expect(s.t.stats.duplicateFills).toBe(1);
    // no order of ours has that oid (yet): the fill waits for it, then is delivered unmatched
    expect(s.events.filter((e) => e.type === 'filled')).toHaveLength(0);
    s.t.post({ type: 'sweep', at: 60_000, orphanWaitMs: 10_000, awaitFillsMs: 10_000 });
    s.t.drain();
    expect(s.events.filter((e) => e.type === 'filled')).toHaveLength(1);
  });

  test('a round trip emits one tradeClosed with entry notional, gross pnl and fees', () => {
    const s = setup();
    s.fill('ETH', 'A', '0.01', '3600');
    s.fill('ETH', 'A', '0.01', '3610');
    s.fill('ETH', 'B', '0.02', '3590', '0.3');
    s.t.drain();
    const tc = s.events.filter((e) => e.type === 'tradeClosed');
    expect(tc).toEqual([expect.objectContaining({ coin: 'ETH', entryNotionalUsd: '72.1', realizedPnlUsd: '0.3', feesUsd: '0.03' })]);
    expect(s.t.hasPosition('ETH')).toBe(false);
  });

  test('a flip closes the trade and opens the next one', () => {
    const s = setup();
    s.fill('BTC', 'B', '0.001', '100000');
    s.fill('BTC', 'A', '0.003', '101000', '1');
    s.fill('BTC', 'B', '0.002', '100000', '2');
    s.t.drain();
    const tc = s.events.filter((e) => e.type === 'tradeClosed') as Extract<ExecutionEvent, { type: 'tradeClosed' }>[];
    expect(tc.map((x) => [x.entryNotionalUsd, x.realizedPnlUsd])).toEqual([
      ['100', '1'],
      ['202', '2'],
    ]);
  });

  test('exposure: each market at its own mark, re-priced incrementally when its mark moves', () => {
    const s = setup();
    s.t.post({ type: 'positions', positions: [{ coin: 'BTC', szi: '-0.01' }, { coin: 'ETH', szi: '0.5' }], at: 0 });
    s.t.drain();
    expect(s.t.exposure.unpricedExposed).toBe(2); // no marks yet: the total is unknown
    s.markets.updateCtx('BTC', { markPx: '100000' }, 0);
    s.markets.updateCtx('ETH', { markPx: '4000' }, 0);
    expect(s.t.exposure.unpricedExposed).toBe(0);
    expect(formatNotional(s.t.totalNotional())).toBe('3000');
    s.markets.updateCtx('ETH', { markPx: '4000.123456789' }, 0); // more decimals than kept: rounded up
    expect(formatNotional(s.t.totalNotional())).toBe('3000.061728395');
    expect(s.t.positionNotional(s.markets.get('BTC')!)).toBe(usdToNotional('1000'));
    // a later snapshot without ETH means ETH is flat
    s.t.post({ type: 'positions', positions: [{ coin: 'BTC', szi: '-0.01' }], at: 1 });
    s.t.drain();
    expect(s.t.allPositions()).toEqual([{ coin: 'BTC', szi: '-0.01' }]);
    expect(formatNotional(s.t.totalNotional())).toBe('1000');
  });

  test('malformed feed values are counted and never trusted', () => {
    const s = setup();
    s.markets.updateCtx('BTC', { markPx: '1e5' }, 0);
    s.markets.updateCtx('BTC', { markPx: '0' }, 0);
    s.markets.updateMids({ BTC: 'NaN' }, 0);
    expect(s.markets.malformed).toBe(3);
    expect(s.markets.get('BTC')!.markFx).toBeNull();
    expect(parseFixed('97000.5')).toBe(9700050000000n);
  });
});

describe('PositionTracker: venue clock, orphan fills, foreign orders (issue #13)', () => {
  test('a snapshot older than the last one applied is ignored; fills newer than a snapshot are re-applied on top', () => {
    const s = setup();
    s.t.post({ type: 'positions', positions: [{ coin: 'BTC', szi: '0.01' }], at: 0, venueTime: 100 });
    s.t.post({ type: 'fill', fill: { coin: 'BTC', px: '1', sz: '0.002', side: 'B', tid: 50, oid: 5, fee: '0', closedPnl: '0', time: 120, startPosition: '0.01' } });
    s.t.post({ type: 'positions', positions: [{ coin: 'BTC', szi: '0.01' }], at: 0, venueTime: 110 }); // taken before the fill
    s.t.post({ type: 'positions', positions: [], at: 0, venueTime: 90 }); // older than the last: stale
    s.t.drain();
    expect(s.t.allPositions()).toEqual([{ coin: 'BTC', szi: '0.012' }]);
    expect(s.t.bookStats.staleSnapshots).toBe(1);
    expect(s.t.bookStats.reapplied).toBe(1);
  });

  test("an order first filed as someone else's (update without cloid before the answer) becomes ours when its oid is learned", () => {
    const h = makeHarness();
    expect(h.executor.onSignal(sig('ETH', 'buy', '0.5')).status).toBe('Accepted');
    h.loop.tick();
    h.tracker.post({ type: 'orderUpdate', u: { coin: 'ETH', oid: 42, status: 'open', sz: '0.5', time: h.clock() } });
    h.tracker.drain();
    expect(h.tracker.foreign.size).toBe(1); // not known as ours yet: counted twice (fail closed)
    expect(h.markets.get('ETH')!.pendFx).toBe(100_000_000n);
    h.tracker.post({ type: 'resting', order: h.accepted[0], oid: 42, at: h.clock() });
    h.tracker.drain();
    expect(h.tracker.foreign.size).toBe(0);
    expect(h.markets.get('ETH')!.pendFx).toBe(50_000_000n);
  });
});
