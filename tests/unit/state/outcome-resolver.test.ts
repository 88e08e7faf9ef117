/** The unknown-outcome resolver stays inside its info budget and backs off per order. */
import { makeHarness, flush, sig } from '../executor/harness';
import { InfoBudget } from '../../../src/state/info-budget';
import { OutcomeResolver } from '../../../src/state/outcome-resolver';
import { PositionTracker } from '../../../src/state/position-tracker';

test('orderStatus questions never exceed the info budget; every order is still asked in turn', async () => {
  const h = makeHarness();
  const asked: string[] = [];
  const budget = new InfoBudget(60, h.clock()); // 30 orderStatus a minute
  const r = new OutcomeResolver(h.tracker as PositionTracker, { orderStatus: async (_u, id) => (asked.push(String(id)), { status: 'unknownOid' }) }, '0x01', {
    boundMs: 600_000,
    initialBackoffMs: 250,
    maxBackoffMs: 4_000,
    clock: h.clock,
    budget,
  });
  // 100 orders in one batch whose answer never says: all unknown
  for (let i = 0; i < 100; i++) {
    h.markets.define({ coin: `X${i}`, asset: 10 + i, szDecimals: 2 });
    h.markets.updateCtx(`X${i}`, { markPx: '1' }, h.clock());
  }
  for (let i = 0; i < 100; i++) expect(h.executor.onSignal({ ...sig(`X${i}`, 'buy', '1'), limitPx: '1' }).status).toBe('Accepted');
  for (let i = 0; i < 3; i++) h.loop.tick();
  for (const p of h.transport.open()) p.reject(new Error('connection closed'));
  await flush();
  h.tracker.drain();
  for (const o of h.accepted) r.watch(o);
  const perMinute: number[] = [];
  for (let minute = 0; minute < 4; minute++) {
    const before = asked.length;
    for (let t = 0; t < 60_000; t += 100) {
      h.advance(100);
      r.tick(h.clock());
      await flush();
    }
    perMinute.push(asked.length - before);
  }
  // the bucket starts full (30 questions), then refills at 30 a minute
  expect(perMinute[0]).toBeLessThanOrEqual(60);
  for (const n of perMinute.slice(1)) expect(n).toBeLessThanOrEqual(31);
  expect(new Set(asked).size).toBe(100); // nobody starved
  expect(budget.stats.refused).toBeGreaterThan(0);
});
