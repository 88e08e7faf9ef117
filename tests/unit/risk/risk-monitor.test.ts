import { HardStopLatch } from '../../../src/executor/latch';
import type { ExecutionEvent } from '../../../src/risk/execution-events';
import type { HardStopReason } from '../../../src/risk/reasons';
import { RiskMonitor, type RiskThresholds } from '../../../src/risk/risk-monitor';
import { manualSchedule } from '../../../src/state/mailbox';

const T: RiskThresholds = {
  maxCumulativeLossUsd: '10',
  maxConsecutiveLosses: 3,
  rejectBurstCount: 3,
  rejectWindowMs: 1000,
  maxFillSlippageBps: 50,
  maxDisconnectMs: 5000,
};

function setup(overrides: Partial<RiskThresholds> = {}, goNoGo = [{ trades: 1000, minMeanEdgeBps: -1e9, maxMeanSlippageBps: 1e9, minPnlCumulativeUsd: '-1000000' }]) {
  const calls: string[] = [];
  const latch = new HardStopLatch(() => 0);
  const origTrigger = latch.trigger.bind(latch);
  latch.trigger = (r, s) => {
    calls.push(`latch:${r}`);
    return origTrigger(r, s);
  };
  const signals: { reason: string; details?: object }[] = [];
  const verdicts: object[] = [];
  const rm = new RiskMonitor({
    thresholds: { ...T, ...overrides },
    goNoGo,
    latch,
    executor: { onHardStop: (r: HardStopReason) => calls.push(`executor:${r}`) },
    hardStopPort: {
      signalHardStop: async (reason, _source, details) => {
        calls.push(`port:${reason}`);
        signals.push({ reason, details });
      },
    },
    checkpointPort: { reportCheckpoint: async (v) => void verdicts.push(v) },
    schedule: manualSchedule,
  });
  const feed = async (evs: ExecutionEvent[]) => {
    for (const e of evs) rm.post(e);
    rm.drain();
    await new Promise((r) => setImmediate(r));
  };
  return { rm, latch, calls, signals, verdicts, feed };
}

let tid = 1;
const fill = (closedPnl: string, fee = '0', extra: Partial<Extract<ExecutionEvent, { type: 'filled' }>> = {}): Extract<ExecutionEvent, { type: 'filled' }> => ({
  type: 'filled',
  at: 1000,
  coin: 'BTC',
  oid: 1,
  tid: tid++,
  side: 'B',
  px: '100',
  sz: '1',
  fee,
  closedPnl,
  ...extra,
});
const trade = (id: string, pnl: string, fees = '0', at = 1000): ExecutionEvent => ({
  type: 'tradeClosed',
  at,
  tradeId: id,
  coin: 'BTC',
  entryNotionalUsd: '100',
  realizedPnlUsd: pnl,
  feesUsd: fees,
});
const reject = (at: number, cloid?: string): ExecutionEvent => ({ type: 'rejected', at, cloid, reason: 'Insufficient margin' });

describe('RiskMonitor: each trigger fires exactly once at its threshold', () => {
  test('CumulativeLoss: pnl_cumulative = Σ closedPnl − fees; fires at −10, once; a duplicate fill counts once', async () => {
    const s = setup();
    const f1 = fill('-6', '0.5'); // −6.5
    await s.feed([f1, f1, { ...f1 }]);
    expect(s.rm.figures().pnlCumulativeUsd).toBe('-6.5');
    expect(s.calls).toEqual([]);
    await s.feed([fill('-3', '0.4')]); // −9.9
    expect(s.calls).toEqual([]);
    await s.feed([fill('0', '0.1')]); // −10.0 → fires
    expect(s.calls).toEqual(['latch:CumulativeLoss', 'executor:CumulativeLoss', 'port:CumulativeLoss']);
    await s.feed([fill('-5')]);
    expect(s.calls).toHaveLength(3);
    expect(s.latch.record()?.reason).toBe('CumulativeLoss');
  });

  test('ConsecutiveLosses: a win resets the run; duplicate trade ids count once', async () => {
    const s = setup();
    await s.feed([trade('a', '-1'), trade('a', '-1'), trade('b', '-1'), trade('c', '2'), trade('d', '-1'), trade('e', '0.5', '0.6')]);
    expect(s.rm.figures().consecutiveLosses).toBe(2); // d, e (net −0.1)
    expect(s.calls).toEqual([]);
    await s.feed([trade('e', '-1'), trade('f', '-1')]);
    expect(s.calls).toEqual(['latch:ConsecutiveLosses', 'executor:ConsecutiveLosses', 'port:ConsecutiveLosses']);
    await s.feed([trade('g', '-1')]);
    expect(s.calls).toHaveLength(3);
  });

  test('RejectBurst: 3 rejects within 1000 ms, counted in event time even out of order; duplicates once', async () => {
    const s = setup();
    await s.feed([reject(0, 'x'), reject(0, 'x'), reject(1500, 'y')]);
    expect(s.calls).toEqual([]);
    // arrives late but belongs between them: 0 … 900 … 1500 → the window 900–1500 holds 2, 0–900 holds 2
    await s.feed([reject(900, 'z')]);
    expect(s.calls).toEqual([]);
    await s.feed([reject(1200, 'w')]); // 900, 1200, 1500 within 1000 ms
    expect(s.calls).toEqual(['latch:RejectBurst', 'executor:RejectBurst', 'port:RejectBurst']);
    await s.feed([reject(1300, 'v'), reject(1301, 'u')]);
    expect(s.calls).toHaveLength(3);
  });

  test('SlippageAnomaly: a fill worse than intended by more than 50 bps; better fills never count', async () => {
    const s = setup();
    await s.feed([fill('0', '0', { side: 'B', px: '100.5', intendedPx: '100' })]); // +50 bps: not more than
    await s.feed([fill('0', '0', { side: 'A', px: '101', intendedPx: '100' })]); // sold higher: −100 bps (better)
    expect(s.calls).toEqual([]);
    expect(s.rm.figures().maxSlippageBps).toBe('50');
    await s.feed([fill('0', '0', { side: 'A', px: '99.4', intendedPx: '100' })]); // sold 60 bps lower
    expect(s.calls).toEqual(['latch:SlippageAnomaly', 'executor:SlippageAnomaly', 'port:SlippageAnomaly']);
    await s.feed([fill('0', '0', { side: 'A', px: '90', intendedPx: '100' })]);
    expect(s.calls).toHaveLength(3);
  });

  test('SocketDisconnected: down longer than 5000 ms, seen by the timer; a short blip does not fire', async () => {
    const s = setup();
    await s.feed([{ type: 'socket', at: 0, up: false }, { type: 'timer', at: 4000 } as never, { type: 'socket', at: 4500, up: true }]);
    expect(s.calls).toEqual([]);
    await s.feed([{ type: 'socket', at: 10_000, up: false }, { type: 'socket', at: 10_000, up: false }, { type: 'timer', at: 15_000 } as never]);
    expect(s.calls).toEqual([]);
    await s.feed([{ type: 'timer', at: 15_001 } as never]);
    expect(s.calls).toEqual(['latch:SocketDisconnected', 'executor:SocketDisconnected', 'port:SocketDisconnected']);
    await s.feed([{ type: 'timer', at: 20_000 } as never, { type: 'socket', at: 21_000, up: true }]);
    expect(s.calls).toHaveLength(3);
  });

  test('SocketDisconnected also fires when the socket comes back after too long without a timer tick', async () => {
    const s = setup();
    await s.feed([{ type: 'socket', at: 0, up: false }, { type: 'socket', at: 6000, up: true }]);
    expect(s.calls[0]).toBe('latch:SocketDisconnected');
  });

  test('NoGo: the Go/No-Go verdict at a checkpoint triggers HardStop and is reported', async () => {
    const s = setup({}, [
      { trades: 2, minMeanEdgeBps: -50, maxMeanSlippageBps: 100, minPnlCumulativeUsd: '-100' },
      { trades: 3, minMeanEdgeBps: 0, maxMeanSlippageBps: 100, minPnlCumulativeUsd: '-100' },
    ]);
    await s.feed([trade('a', '0.1'), trade('b', '-0.2')]); // edges +10, −20 → mean −5 bps: GO at 2
    expect(s.verdicts).toHaveLength(1);
    expect(s.verdicts[0]).toMatchObject({ checkpoint: 2, verdict: 'GO' });
    expect(s.calls).toEqual([]);
    await s.feed([trade('b', '-0.2'), trade('c', '-0.1')]); // duplicate b ignored; 3 trades: mean −6.67 < 0 → NO_GO
    expect(s.verdicts).toHaveLength(2);
    expect(s.verdicts[1]).toMatchObject({ checkpoint: 3, verdict: 'NO_GO' });
    expect(s.calls).toEqual(['latch:NoGo', 'executor:NoGo', 'port:NoGo']);
  });

  test('only the first crossing fires, whichever threshold it is', async () => {
    const s = setup();
    await s.feed([fill('-20'), reject(0, 'a'), reject(1, 'b'), reject(2, 'c'), trade('x', '-1'), trade('y', '-1'), trade('z', '-1')]);
    expect(s.calls).toEqual(['latch:CumulativeLoss', 'executor:CumulativeLoss', 'port:CumulativeLoss']);
    expect(s.signals).toHaveLength(1);
  });
});
