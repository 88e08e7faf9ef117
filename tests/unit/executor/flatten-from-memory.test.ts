/**
 * stop (#10): on a HardStop the hot path closes every position it holds from memory, right after
 * its cancels, at once (no wait for the next tick): reduce-only IOC, priced maxSlippageBps
 * through its book, once per market while one is pending.
 */
import type { WireOrderSpec } from '../../../src/executor/ports';
import { exampleHotPath } from './example-hot-path';

function boot() {
  const now = 1_700_000_000_000;
  return exampleHotPath({ tweak: (raw) => void (raw.stop = { maxSlippageBps: 200 }), clock: () => now });
}

const settle = () => new Promise((r) => setImmediate(r));

test('HardStop: reduce-only IOC orders closing every held position are on the wire before any tick, priced through the book', async () => {
  const { hp, venue } = boot();
  hp.onPositions({ positions: [{ coin: 'BTC', szi: '0.01' }, { coin: 'SOL', szi: '-2.5' }], at: 0 });
  await settle();
  expect(hp.tracker.allPositions()).toHaveLength(2);
  hp.hardStop('Operator', 'test');
  await settle(); // the microtask drain, no tickOnce()
  const orders = venue.requests.flatMap((r) => ((r.action as { type: string }).type === 'order' ? ((r.action as { orders: WireOrderSpec[] }).orders ?? []) : []));
  expect(orders.map((o) => ({ asset: o.asset, isBuy: o.isBuy, sz: o.sz, reduceOnly: o.reduceOnly, tif: o.tif }))).toEqual([
    { asset: 0, isBuy: false, sz: '0.01', reduceOnly: true, tif: 'Ioc' },
    { asset: 2, isBuy: true, sz: '2.5', reduceOnly: true, tif: 'Ioc' },
  ]);
  // 200 bps through the mid: sell BTC at or below 95060, buy SOL above the mid, no further than 244.8
  expect(Number(orders[0].px)).toBeLessThanOrEqual(95060);
  expect(Number(orders[1].px)).toBeLessThanOrEqual(244.8);
  expect(Number(orders[1].px)).toBeGreaterThan(240);
});

test('a second onHardStop (the workflow latch call) sends no second flatten while the first is pending', () => {
  const { hp, venue } = boot();
  hp.onPositions({ positions: [{ coin: 'ETH', szi: '0.3' }], at: 0 });
  return settle().then(async () => {
    // the transport never answers: the first flatten stays in flight
    venue.post = () => new Promise(() => {});
    const first = hp.executor.onHardStop('Operator');
    hp.latch.trigger('Operator', 'test');
    const second = hp.executor.onHardStop('Operator');
    expect(first.flattenOrders).toBe(1);
    expect(second.flattenOrders).toBe(0);
    expect(hp.inFlightSettled()).toBe(true); // nothing sent yet (queued in a microtask)
    await settle();
    expect(hp.inFlightSettled()).toBe(false); // the flatten's post is unanswered
    expect(await hp.waitInFlightSettled(20)).toBe(false);
  });
});
