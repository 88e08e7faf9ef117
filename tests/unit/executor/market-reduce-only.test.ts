/**
 * A market-scoped stop in the hot path: that market takes cancels and reduce-only orders only
 * (Rejected(MarketReduceOnly)), its queued new orders are purged, its open orders cancelled; the
 * other markets trade on; lifted, it trades again.
 */
import { makeHarness, sig } from './harness';

function openPosition(h: ReturnType<typeof makeHarness>, coin: string, szi: string) {
  h.tracker.post({ type: 'positions', positions: [{ coin, szi }], at: h.clock() });
  h.tracker.drain();
}

test('SOL reduce-only: new SOL orders rejected, queued ones purged, open ones cancelled; BTC trades on; resumable', () => {
  const h = makeHarness();
  // a resting SOL order (sent) and a queued SOL and BTC order
  const resting = h.executor.onSignal(sig('SOL', 'buy', '0.1'));
  expect(resting.status).toBe('Accepted');
  expect(h.loop.tick().sent).toBe(true);
  h.transport.posts[0].resolve({ status: 'ok', response: { type: 'order', data: { statuses: [{ resting: { oid: 7 } }] } } });
  h.tracker.drain();
  h.tracker.post({ type: 'positions', positions: [], at: h.clock() });
  const queuedEth = h.executor.onSignal(sig('ETH', 'buy', '0.01'));
  expect(queuedEth.status).toBe('Accepted');
  expect(h.scheduler.sizes.newOrders).toBe(1);

  const r = h.executor.onMarketReduceOnly('SOL', 'operator: SOL feed suspect');
  expect(r).toEqual({ purged: 0, cancels: 1 });
  // the ETH order was not touched
  expect(h.scheduler.sizes.newOrders).toBe(1);
  expect(h.scheduler.queuedCloidCancels().map((c) => c.coin)).toEqual(['SOL']);
  expect(h.executor.onSignal(sig('SOL', 'buy', '0.1'))).toEqual({ status: 'Rejected', reason: 'MarketReduceOnly' });
  expect(h.executor.counts.MarketReduceOnly).toBe(1);
  // the latch is not involved: BTC is accepted
  expect(h.latch.isTriggered()).toBe(false);
  expect(h.executor.onSignal(sig('BTC', 'buy', '0.0002')).status).toBe('Accepted');
  // idempotent: no second cancel for the same order
  expect(h.executor.onMarketReduceOnly('SOL', 'again')).toMatchObject({ cancels: 0 });
  expect(h.executor.onMarketReduceOnly('DOGE', 'x')).toBeNull();

  expect(h.executor.clearMarketReduceOnly('SOL')).toBe(true);
  expect(h.executor.clearMarketReduceOnly('SOL')).toBe(false);
});

test('queued new orders of the halted market are purged and cleaned up (market no longer pending)', () => {
  const h = makeHarness();
  const a = h.executor.onSignal(sig('SOL', 'buy', '0.1'));
  const b = h.executor.onSignal(sig('BTC', 'buy', '0.0002'));
  expect([a.status, b.status]).toEqual(['Accepted', 'Accepted']);
  expect(h.executor.onMarketReduceOnly('SOL', 'test')).toEqual({ purged: 1, cancels: 0 });
  expect(h.tracker.isMarketPending('SOL')).toBe(false);
  expect(h.tracker.getOrder((a as { cloid: string }).cloid)).toBeUndefined();
  expect(h.scheduler.queuedOrders().map((o) => o.market)).toEqual(['BTC']);
  expect(h.events.some((e) => e.type === 'cancelled' && e.reason === 'marketReduceOnlyPurge')).toBe(true);
  // reduce-only in SOL passes (a position to reduce, nothing pending there)
  openPosition(h, 'SOL', '0.1');
  expect(h.executor.onSignal(sig('SOL', 'sell', '0.1', { reduceOnly: true })).status).toBe('Accepted');
  expect(h.executor.onSignal(sig('SOL', 'buy', '0.1'))).toEqual({ status: 'Rejected', reason: 'MarketReduceOnly' });
});
