import { DemoStrategy } from '../../../src/strategy/demo';
import type { MarketView } from '../../../src/strategy/strategy';

const P = { orderNotionalUsd: '15', holdMs: 3000, cooldownMs: 6000, aggressionBps: 50, maxTrades: 0 };
const view = (coin: string, mid: string, szDecimals: number, position = '0', pending = false): MarketView => ({ coin, szDecimals, markPx: mid, midPx: mid, position, pending });

describe('demo strategy', () => {
  test('opens a marketable IOC above the $10 minimum, holds, then closes reduce-only', () => {
    const s = new DemoStrategy(P);
    const open = s.onTick({ now: 0, ready: true, hardStopped: false, phase: 'READY_TRADING', orders: [], markets: [view('BTC', '97000', 5)] });
    expect(open).toHaveLength(1);
    const o = open[0];
    expect(o).toMatchObject({ market: 'BTC', side: 'buy', tif: 'Ioc', reduceOnly: false, limitPx: '97485' });
    expect(Number(o.size) * 97000).toBeGreaterThanOrEqual(15);
    expect(o.size).toBe('0.00016');
    s.onResult?.(o, { status: 'Accepted', cloid: '0x' + '1'.repeat(32) }, { now: 0, ready: true, hardStopped: false, phase: 'READY_TRADING', orders: [], markets: [] });
    // holding: nothing until holdMs has passed
    expect(s.onTick({ now: 2999, ready: true, hardStopped: false, phase: 'READY_TRADING', orders: [], markets: [view('BTC', '97000', 5, '0.00016')] })).toEqual([]);
    const close = s.onTick({ now: 3000, ready: true, hardStopped: false, phase: 'READY_TRADING', orders: [], markets: [view('BTC', '97100', 5, '0.00016')] });
    expect(close).toEqual([expect.objectContaining({ market: 'BTC', side: 'sell', size: '0.00016', reduceOnly: true, tif: 'Ioc' })]);
    // flat again: cool down, then the other side
    expect(s.onTick({ now: 3100, ready: true, hardStopped: false, phase: 'READY_TRADING', orders: [], markets: [view('BTC', '97000', 5)] })).toEqual([]);
    const next = s.onTick({ now: 9100, ready: true, hardStopped: false, phase: 'READY_TRADING', orders: [], markets: [view('BTC', '97000', 5)] });
    expect(next[0]).toMatchObject({ side: 'sell', reduceOnly: false });
  });

  test('does nothing while not ready, never opens while hard-stopped, but still closes', () => {
    const s = new DemoStrategy(P);
    expect(s.onTick({ now: 0, ready: false, hardStopped: false, phase: 'NOT_READY', orders: [], markets: [view('ETH', '3600', 4)] })).toEqual([]);
    expect(s.onTick({ now: 0, ready: true, hardStopped: true, phase: 'HARD_STOPPED', orders: [], markets: [view('ETH', '3600', 4)] })).toEqual([]);
    const c = s.onTick({ now: 10_000, ready: true, hardStopped: true, phase: 'HARD_STOPPED', orders: [], markets: [view('ETH', '3600', 4, '-0.005')] });
    expect(c).toEqual([]); // holding clock starts now
    expect(s.onTick({ now: 13_000, ready: true, hardStopped: true, phase: 'HARD_STOPPED', orders: [], markets: [view('ETH', '3600', 4, '-0.005')] })[0]).toMatchObject({ side: 'buy', reduceOnly: true });
  });
});
