import type { ExchangeResponseLike } from '../../../src/executor/ports';
import { makeHarness, sig, type Harness } from './harness';

const settle = () => new Promise((r) => setImmediate(r));
const ordersOf = (h: Harness, i: number) => (h.transport.posts[i].req.action as { orders?: { cloid: string; reduceOnly: boolean }[] }).orders ?? [];
const typeOf = (h: Harness, i: number) => (h.transport.posts[i].req.action as { type: string }).type;

function accept(h: Harness, market: string, extra = {}) {
  const r = h.executor.onSignal(sig(market, 'buy', market === 'BTC' ? '0.001' : market === 'ETH' ? '0.01' : '0.1', extra));
  expect(r.status).toBe('Accepted');
  return (r as { cloid: string }).cloid;
}

describe('BatchScheduler and ExecutorLoop', () => {
  test('one batch per tick: cancels first, then reduce-only, then new orders; ≤ 40 orders per action', () => {
    const h = makeHarness();
    // 45 new orders (one accepted + 44 copies put straight into the scheduler) and one reduce-only
    accept(h, 'BTC');
    const base = h.accepted[0];
    for (let i = 0; i < 44; i++) h.scheduler.enqueueOrder({ ...base, cloid: base.cloid.slice(0, -4) + i.toString(16).padStart(4, '0') });
    h.scheduler.enqueueOrder({ ...base, cloid: '0x' + 'e'.repeat(32), reduceOnly: true });
    h.scheduler.enqueueCancelByCloid({ asset: 0, cloid: '0x' + 'c'.repeat(32), coin: 'BTC' });
    expect(h.scheduler.tick()).toMatchObject({ kind: 'cancelByCloid' });
    const b1 = h.scheduler.tick();
    expect(b1?.kind).toBe('orders');
    const orders = (b1 as { orders: { reduceOnly: boolean }[] }).orders;
    expect(orders).toHaveLength(40);
    expect(orders[0].reduceOnly).toBe(true);
    expect((h.scheduler.tick() as { orders: unknown[] }).orders).toHaveLength(6);
    expect(h.scheduler.tick()).toBeNull();
  });

  test('while HardStop holds the scheduler hands out only cancels and reduce-only orders', () => {
    const h = makeHarness();
    accept(h, 'BTC');
    h.tracker.post({ type: 'positions', positions: [{ coin: 'ETH', szi: '-0.01' }], at: 0 });
    h.tracker.drain();
    accept(h, 'ETH', { reduceOnly: true });
    h.latch.trigger('Operator', 'test'); // latch only: the scheduler must filter by itself
    const b = h.scheduler.tick() as { kind: string; orders: { reduceOnly: boolean }[] };
    expect(b.orders.map((o) => o.reduceOnly)).toEqual([true]);
    expect(h.scheduler.tick()).toBeNull();
    expect(h.scheduler.sizes.newOrders).toBe(1); // still queued; onHardStop purges it
    expect(h.scheduler.dropNewOrders().map((d) => [d.market, d.cloid.length])).toEqual([['BTC', 34]]);
  });

  test('the scheduler cannot be built without its latch', () => {
    const { BatchScheduler } = jest.requireActual('../../../src/executor/batch-scheduler');
    expect(() => new BatchScheduler(undefined, { maxOrdersPerAction: 40, maxCancelsPerAction: 200 })).toThrow(/HardStopLatch/);
  });

  test('pre-send guard: a batch emptied by the guard consumes no nonce and sends nothing', () => {
    const h = makeHarness();
    accept(h, 'BTC');
    const fmt = h.wire.formatPrice.bind(h.wire);
    h.wire.formatPrice = (px: string) => {
      h.latch.trigger('Operator', 'test'); // fires between dequeue and signing
      return fmt(px);
    };
    expect(h.loop.tick()).toEqual({ sent: false, why: 'nothingLeft' });
    expect(h.wire.nonces).toEqual([]);
    expect(h.transport.posts).toEqual([]);
    expect(h.tracker.isMarketPending('BTC')).toBe(false);
    expect(h.tracker.orderCount).toBe(0);
    expect(h.markets.get('BTC')!.pendFx).toBe(0n);
  });

  test('every order action carries expiresAfter = now + expiresAfterMs; cancels do not', async () => {
    const h = makeHarness();
    accept(h, 'BTC');
    h.loop.tick();
    expect(h.transport.posts[0].req.expiresAfter).toBe(h.clock() + 5000);
    h.trigger();
    h.loop.tick();
    expect(typeOf(h, 1)).toBe('cancelByCloid');
    expect('expiresAfter' in h.transport.posts[1].req).toBe(false);
  });

  test('a batch-wide err rejects every order of the batch and unmarks their markets', async () => {
    const h = makeHarness();
    accept(h, 'BTC');
    accept(h, 'ETH');
    h.loop.tick();
    h.transport.posts[0].resolve({ status: 'err', response: 'Invalid nonce: duplicate' });
    await settle();
    h.tracker.drain();
    expect(h.events.filter((e) => e.type === 'rejected').map((e) => (e as { reason: string }).reason)).toEqual(['Invalid nonce: duplicate', 'Invalid nonce: duplicate']);
    expect(h.tracker.marketsWithPendingOrders()).toEqual([]);
    expect(h.tracker.orderCount).toBe(0);
  });

  test('resting stays pending; filled waits for the fills themselves before the market is free', async () => {
    const h = makeHarness();
    const a = accept(h, 'BTC');
    const b = accept(h, 'ETH');
    h.loop.tick();
    const resp: ExchangeResponseLike = { status: 'ok', response: { type: 'order', data: { statuses: [{ resting: { oid: 7 } }, { filled: { totalSz: '0.004', avgPx: '3600', oid: 8 } }] } } };
    h.transport.posts[0].resolve(resp);
    await settle();
    h.tracker.drain();
    expect(h.tracker.getOrder(a)?.state).toBe('resting');
    expect(h.tracker.getOrder(b)?.state).toBe('awaitingFills');
    expect(h.tracker.isMarketPending('ETH')).toBe(true); // the position is not known until the fill arrives
    h.tracker.post({ type: 'fill', fill: { coin: 'ETH', px: '3600', sz: '0.004', side: 'B', tid: 1, oid: 8, fee: '0', closedPnl: '0', time: 0 } });
    h.tracker.drain();
    expect(h.tracker.isMarketPending('ETH')).toBe(false);
    expect(h.tracker.allPositions()).toEqual([{ coin: 'ETH', szi: '0.004' }]);
    expect(h.markets.get('ETH')!.pendFx).toBe(0n); // IOC remainder released with the order
  });

  test('a post with unknown outcome keeps the market pending until reconciliation says the order is gone', async () => {
    const h = makeHarness();
    const a = accept(h, 'SOL');
    h.loop.tick();
    h.transport.posts[0].reject(new Error('connection closed'));
    await settle();
    h.tracker.drain();
    expect(h.tracker.getOrder(a)?.state).toBe('unknown');
    expect(h.tracker.isMarketPending('SOL')).toBe(true);
    h.tracker.post({ type: 'reconcile', open: [], at: h.clock() + 1000, olderThanMs: 6000 });
    h.tracker.drain();
    expect(h.tracker.isMarketPending('SOL')).toBe(true); // too early: it could still land
    h.tracker.post({ type: 'reconcile', open: [{ oid: 1, cloid: a }], at: h.clock() + 7000, olderThanMs: 6000 });
    h.tracker.drain();
    expect(h.tracker.isMarketPending('SOL')).toBe(true); // it is open on the venue
    h.tracker.post({ type: 'reconcile', open: [], at: h.clock() + 7000, olderThanMs: 6000 });
    h.tracker.drain();
    expect(h.tracker.isMarketPending('SOL')).toBe(false);
    expect(h.markets.get('SOL')!.pendFx).toBe(0n);
  });

  test('HardStop with an order in flight: the cancel that overtakes it is retried once the order rests', async () => {
    const h = makeHarness();
    const a = accept(h, 'BTC');
    h.loop.tick(); // order #0 in flight
    h.trigger(); // cancel enqueued for the in-flight order
    h.loop.tick(); // cancel #1
    expect(typeOf(h, 1)).toBe('cancelByCloid');
    h.transport.posts[1].resolve({ status: 'ok', response: { type: 'cancel', data: { statuses: [{ error: 'Order was never placed, already canceled, or filled.' }] } } } as ExchangeResponseLike);
    await settle();
    h.tracker.drain();
    h.transport.posts[0].resolve({ status: 'ok', response: { type: 'order', data: { statuses: [{ resting: { oid: 42 } }] } } });
    await settle();
    h.tracker.drain();
    h.loop.tick();
    expect(typeOf(h, 2)).toBe('cancelByCloid');
    expect((h.transport.posts[2].req.action as { cancels: { cloid: string }[] }).cancels.map((c) => c.cloid)).toEqual([a]);
    h.transport.posts[2].resolve({ status: 'ok', response: { type: 'cancel', data: { statuses: ['success'] } } } as ExchangeResponseLike);
    await settle();
    h.tracker.drain();
    expect(h.tracker.orderCount).toBe(0);
    expect(h.tracker.isMarketPending('BTC')).toBe(false);
    // only the one order ever went out, before the trigger
    expect(h.transport.posts.flatMap((_, i) => ordersOf(h, i)).map((o) => o.cloid)).toEqual([a]);
  });
});
