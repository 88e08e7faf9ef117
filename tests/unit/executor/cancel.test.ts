/**
 * Executor.onCancel: a strategy cancels its own orders by cloid. Never gated (also under HardStop,
 * also while NOT READY), counted by result; a queued order never reaches the wire, one that may be
 * on the book gets a cancel-by-cloid that the next tick sends ahead of any new order.
 */
import { flush, makeHarness, sig } from './harness';

const accepted = (r: { status: string; cloid?: string }) => {
  expect(r.status).toBe('Accepted');
  return r.cloid as string;
};

test('a queued order is taken out of the queue: never sent, exposure released, market unmarked, a cancelled event', () => {
  const h = makeHarness();
  const cloid = accepted(h.executor.onSignal(sig('BTC', 'buy', '0.001', { tif: 'Alo' })));
  expect(h.markets.get('BTC')!.pending).toBe(true);
  expect(h.executor.onCancel({ cloid })).toEqual({ status: 'Accepted', cloid, how: 'dequeued' });
  expect(h.markets.get('BTC')!.pending).toBe(false);
  expect(h.tracker.totalNotional()).toBe(0n);
  expect(h.tracker.getOrder(cloid)).toBeUndefined();
  expect(h.events).toContainEqual(expect.objectContaining({ type: 'cancelled', cloid, reason: 'strategyCancel' }));
  expect(h.loop.tick()).toEqual({ sent: false, why: 'idle' });
  expect(h.transport.posts).toHaveLength(0);
  expect(h.executor.cancelCounts.Accepted).toBe(1);
  // the market is free again: a new order passes the PendingOrder gate
  accepted(h.executor.onSignal(sig('BTC', 'buy', '0.001', { tif: 'Alo' })));
});

test('taking one order out of the queue leaves the others in their order', () => {
  const h = makeHarness();
  const a = accepted(h.executor.onSignal(sig('BTC', 'buy', '0.001')));
  const b = accepted(h.executor.onSignal(sig('ETH', 'buy', '0.01')));
  const c = accepted(h.executor.onSignal(sig('SOL', 'buy', '0.1')));
  h.executor.onCancel({ cloid: b });
  h.loop.tick();
  const orders = (h.transport.posts[0].req.action as { orders: { cloid: string }[] }).orders.map((o) => o.cloid);
  expect(orders).toEqual([a, c]);
});

test('an order on the book gets a cancel-by-cloid, sent ahead of new orders; a second cancel is Skipped(CancelPending)', async () => {
  const h = makeHarness();
  const cloid = accepted(h.executor.onSignal(sig('BTC', 'buy', '0.001', { tif: 'Alo' })));
  h.loop.tick();
  h.transport.posts[0].resolve({ status: 'ok', response: { type: 'order', data: { statuses: [{ resting: { oid: 42 } }] } } });
  await flush();
  h.tracker.drain();
  expect(h.tracker.getOrder(cloid)!.state).toBe('resting');
  accepted(h.executor.onSignal(sig('ETH', 'buy', '0.01')));
  expect(h.executor.onCancel({ cloid })).toEqual({ status: 'Accepted', cloid, how: 'cancelQueued' });
  expect(h.executor.onCancel({ cloid })).toMatchObject({ status: 'Skipped', reason: 'CancelPending' });
  h.loop.tick();
  expect(h.transport.posts[1].req.action).toEqual({ type: 'cancelByCloid', cancels: [{ asset: 0, cloid }] });
  h.transport.posts[1].resolve({ status: 'ok', response: { type: 'cancel', data: { statuses: ['success'] } } });
  await flush();
  h.tracker.drain();
  expect(h.tracker.getOrder(cloid)).toBeUndefined();
  expect(h.markets.get('BTC')!.pending).toBe(false);
  expect(h.executor.cancelCounts).toMatchObject({ Accepted: 1, CancelPending: 1 });
});

test('a cancel the venue refused can be retried, a bounded number of times', async () => {
  const h = makeHarness();
  const cloid = accepted(h.executor.onSignal(sig('BTC', 'buy', '0.001', { tif: 'Alo' })));
  h.loop.tick();
  h.transport.posts[0].resolve({ status: 'ok', response: { type: 'order', data: { statuses: [{ resting: { oid: 42 } }] } } });
  await flush();
  h.tracker.drain();
  const results: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = h.executor.onCancel({ cloid });
    results.push(r.status === 'Accepted' ? 'Accepted' : r.reason);
    if (r.status !== 'Accepted') break;
    h.loop.tick();
    h.transport.open()[0].resolve({ status: 'ok', response: { type: 'cancel', data: { statuses: [{ error: 'busy' }] } } });
    await flush();
    h.tracker.drain();
  }
  expect(results).toEqual(['Accepted', 'Accepted', 'Accepted', 'CancelAttemptsExhausted']);
});

test('under HardStop and while NOT READY cancels are still allowed (a queued reduce-only exit can be withdrawn)', () => {
  const h = makeHarness();
  h.trigger();
  h.readiness.set('socketUp', false);
  expect(h.executor.onSignal(sig('BTC', 'buy', '0.001'))).toEqual({ status: 'Rejected', reason: 'HardStop' });
  h.readiness.set('socketUp', true);
  const exit = accepted(h.executor.onSignal(sig('BTC', 'sell', '0.001', { reduceOnly: true })));
  h.readiness.set('socketUp', false);
  expect(h.executor.onCancel({ cloid: exit })).toEqual({ status: 'Accepted', cloid: exit, how: 'dequeued' });
  expect(h.scheduler.sizes.reduceOnly).toBe(0);
});

test('bad input names the field; an unknown or finished order is Rejected(UnknownOrder); all counted', () => {
  const h = makeHarness();
  expect(h.executor.onCancel({ cloid: 'abc' })).toMatchObject({ status: 'Rejected', reason: 'InvalidCancel', field: 'cloid' });
  expect(h.executor.onCancel({})).toMatchObject({ status: 'Rejected', reason: 'InvalidCancel', field: 'cloid' });
  expect(h.executor.onCancel({ cloid: '0x' + 'a'.repeat(32), oid: 1 })).toMatchObject({ status: 'Rejected', reason: 'InvalidCancel', field: '(root)' });
  expect(h.executor.onCancel(null)).toMatchObject({ status: 'Rejected', reason: 'InvalidCancel' });
  expect(h.executor.onCancel({ cloid: '0x' + 'a'.repeat(32) })).toMatchObject({ status: 'Rejected', reason: 'UnknownOrder', field: 'cloid' });
  expect(h.executor.cancelCounts).toMatchObject({ InvalidCancel: 4, UnknownOrder: 1, Accepted: 0 });
});
