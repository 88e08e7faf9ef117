/** #11: the RiskMonitor's counters survive a restart (snapshot → restore) and a resume (streak resets). */
import { HardStopLatch } from '../../../src/executor/latch';
import type { ExecutionEvent } from '../../../src/risk/execution-events';
import { RiskMonitor, type RiskThresholds } from '../../../src/risk/risk-monitor';
import { newerSnapshot } from '../../../src/risk/risk-snapshot';
import { manualSchedule } from '../../../src/state/mailbox';

const T: RiskThresholds = { maxCumulativeLossUsd: '10', maxConsecutiveLosses: 3, rejectBurstCount: 3, rejectWindowMs: 1000, maxFillSlippageBps: 50, maxDisconnectMs: 5000 };
const TABLE = [{ trades: 4, minMeanEdgeBps: -1e9, maxMeanSlippageBps: 1e9, minPnlCumulativeUsd: '-1000000' }];

function monitor() {
  const latch = new HardStopLatch(() => 0);
  const signals: string[] = [];
  const verdicts: object[] = [];
  let changes = 0;
  const rm = new RiskMonitor({
    thresholds: T,
    goNoGo: TABLE,
    latch,
    executor: { onHardStop: () => undefined },
    hardStopPort: { signalHardStop: async (r) => void signals.push(r) },
    checkpointPort: { reportCheckpoint: async (v) => void verdicts.push(v) },
    schedule: manualSchedule,
    onChange: () => changes++,
  });
  const feed = (evs: ExecutionEvent[]) => {
    for (const e of evs) rm.post(e);
    rm.drain();
  };
  return { rm, latch, signals, verdicts, feed, changes: () => changes };
}

let tid = 1;
const lossTrade = (id: string): ExecutionEvent[] => [
  { type: 'filled', at: 1, coin: 'BTC', oid: 1, tid: tid++, side: 'B', px: '100', sz: '1', fee: '0.1', closedPnl: '-1', intendedPx: '100' },
  { type: 'tradeClosed', at: 1, tradeId: id, coin: 'BTC', entryNotionalUsd: '100', realizedPnlUsd: '-1', feesUsd: '0.1' },
];

test('N−1 losses, a new monitor restored from the snapshot, one more loss → ConsecutiveLosses', async () => {
  const a = monitor();
  a.feed([...lossTrade('t1'), ...lossTrade('t2')]);
  const snap = a.rm.snapshot();
  expect(snap).toMatchObject({ v: 1, pnlCumulativeUsd: '-2.2', consecutiveLosses: 2, closedTrades: 2 });
  expect(snap.seq).toBe(a.changes());
  expect(a.changes()).toBeGreaterThan(0);

  const b = monitor();
  expect(b.rm.restore(JSON.parse(JSON.stringify(snap)))).toBe(true);
  expect(b.latch.isTriggered()).toBe(false);
  b.feed(lossTrade('t3'));
  await new Promise((r) => setImmediate(r));
  expect(b.latch.record()?.reason).toBe('ConsecutiveLosses');
  expect(b.rm.figures()).toMatchObject({ consecutiveLosses: 3, closedTrades: 3, pnlCumulativeUsd: '-3.3' });
});

test('a fill or trade seen before the restart and replayed after it counts once', () => {
  const a = monitor();
  const evs = lossTrade('t10');
  a.feed(evs);
  const b = monitor();
  b.rm.restore(a.rm.snapshot());
  b.feed(evs);
  expect(b.rm.figures()).toMatchObject({ pnlCumulativeUsd: '-1.1', consecutiveLosses: 1, closedTrades: 1 });
});

test('the Go/No-Go window carries over: the checkpoint at 4 trades falls after the restart, with all 4 trades', () => {
  const a = monitor();
  a.feed([...lossTrade('g1'), ...lossTrade('g2')]);
  const b = monitor();
  b.rm.restore(a.rm.snapshot());
  b.feed([...lossTrade('g3')]);
  expect(b.verdicts).toHaveLength(0);
  b.feed([...lossTrade('g4')]);
  expect(b.verdicts).toEqual([expect.objectContaining({ checkpoint: 4, figures: expect.objectContaining({ closedTrades: 4 }) })]);
});

test('restored past a limit: the limit fires once checked (before any trading)', () => {
  const a = monitor();
  a.feed([{ type: 'filled', at: 1, coin: 'BTC', oid: 1, tid: tid++, side: 'B', px: '100', sz: '1', fee: '0', closedPnl: '-9.5' }]);
  const snap = { ...a.rm.snapshot(), pnlCumulativeUsd: '-10' };
  const b = monitor();
  b.rm.restore(snap);
  b.rm.applyStreakResets(1); // an operator's streak reset does not touch the cumulative loss
  b.rm.checkLimits();
  expect(b.latch.record()?.reason).toBe('CumulativeLoss');
});

test('an older copy does not overwrite newer counters; a streak reset applies once and never touches pnl', () => {
  const a = monitor();
  a.feed([...lossTrade('o1'), ...lossTrade('o2')]);
  const old = a.rm.snapshot();
  a.feed(lossTrade('o3')); // one more change
  expect(a.rm.restore(old)).toBe(false);
  a.rm.applyStreakResets(1);
  a.rm.applyStreakResets(1);
  expect(a.rm.figures().consecutiveLosses).toBe(0);
  expect(a.rm.figures().pnlCumulativeUsd).toBe('-3.3');
  expect(a.rm.snapshot().streakResets).toBe(1);
  expect(newerSnapshot(old, a.rm.snapshot())).toEqual(a.rm.snapshot());
  expect(newerSnapshot(null, undefined)).toBeNull();
});

test('a streak at its limit, reset by the operator before the limits are checked, does not stop the resumed session', () => {
  const a = monitor();
  a.feed([...lossTrade('r1'), ...lossTrade('r2'), ...lossTrade('r3')]);
  expect(a.latch.record()?.reason).toBe('ConsecutiveLosses');
  const b = monitor();
  b.rm.restore(a.rm.snapshot());
  b.rm.applyStreakResets(1);
  b.rm.checkLimits();
  expect(b.latch.isTriggered()).toBe(false);
  const c = monitor();
  c.rm.restore(a.rm.snapshot());
  c.rm.checkLimits();
  expect(c.latch.record()?.reason).toBe('ConsecutiveLosses');
});
