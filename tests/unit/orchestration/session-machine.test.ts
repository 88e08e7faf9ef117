import {
  effectiveVerdict,
  initialState,
  mayContinueAsNew,
  mayTrade,
  normaliseReason,
  onCheckpoint,
  onHardStop,
  onHotPathNotReady,
  onHotPathReady,
  onResume,
  onStopFinished,
  onStopStarted,
  resumeRejection,
  searchAttributeValues,
  sessionDetailsMarkdown,
  stopCrashedResult,
  verdictFromFigures,
  KEEP_LATER_HARDSTOPS,
} from '../../../src/orchestration/session-machine';
import type { CheckpointReport, SessionState, StopSequenceResult, TradingSessionInput } from '../../../workflows/messages';

const input: TradingSessionInput = {
  account: '0xAbC0000000000000000000000000000000000001',
  strategyName: 'demo',
  sessionId: 'hlx-session-0xabc0000000000000000000000000000000000001-demo',
  markets: ['BTC', 'ETH'],
  hotPathTaskQueue: 'hlx-hotpath-x',
};
const fresh = (): SessionState => initialState(input, 1000);
const flatResult = (over: Partial<StopSequenceResult> = {}): StopSequenceResult => ({
  outcome: 'STOPPED_FLAT',
  attempts: 1,
  latch: 'engaged',
  cancelled: 2,
  ordersSent: 1,
  remaining: [],
  openOrdersLeft: 0,
  steps: ['x'],
  ...over,
});
const stoppedFlat = (): SessionState => {
  let s = onHardStop(fresh(), { reason: 'Operator', source: 'cli' }, 2000).state;
  s = onStopStarted(s, `${s.sessionId}-stop-1`, 2001);
  return onStopFinished(s, flatResult(), 3000);
};

describe('session phases', () => {
  test('a new session starts in STARTING and does not trade', () => {
    const s = fresh();
    expect(s.phase).toBe('STARTING');
    expect(mayTrade(s.phase)).toBe(false);
    expect(s.generation).toBe(0);
  });

  test('hot path ready moves STARTING to READY_TRADING and records the host', () => {
    const s = onHotPathReady(fresh(), { hostId: 'h1', positions: [{ coin: 'BTC', szi: '0.1' }] }, 1500);
    expect(s.phase).toBe('READY_TRADING');
    expect(mayTrade(s.phase)).toBe(true);
    expect(s.hotPath).toEqual({ ready: true, hostId: 'h1', reportedAt: 1500 });
    expect(s.positions).toEqual([{ coin: 'BTC', szi: '0.1' }]);
  });

  test('a restarted hot path on a stopped session does not move it back to trading', () => {
    const s = onHotPathReady(stoppedFlat(), { hostId: 'h2' }, 4000);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(mayTrade(s.phase)).toBe(false);
  });

  test('hot path not ready falls back from READY_TRADING to STARTING', () => {
    const ready = onHotPathReady(fresh(), { hostId: 'h1' }, 1500);
    const s = onHotPathNotReady(ready, 1600);
    expect(s.phase).toBe('STARTING');
    expect(s.hotPath.ready).toBe(false);
  });
});

describe('hardStop', () => {
  test('the first HardStop moves to HARD_STOP and starts a stop', () => {
    const d = onHardStop(onHotPathReady(fresh(), { hostId: 'h' }, 1), { reason: 'CumulativeLoss', source: 'risk-monitor' }, 2000);
    expect(d.startStop).toBe(true);
    expect(d.state.phase).toBe('HARD_STOP');
    expect(d.state.hardStop).toEqual({ reason: 'CumulativeLoss', source: 'risk-monitor', at: 2000 });
  });

  test('later HardStops are recorded, not acted on, and the first reason stays', () => {
    const first = onHardStop(fresh(), { reason: 'RejectBurst', source: 'risk-monitor' }, 2000).state;
    const second = onHardStop(first, { reason: 'Operator', source: 'cli' }, 2001);
    expect(second.startStop).toBe(false);
    expect(second.state.hardStop?.reason).toBe('RejectBurst');
    expect(second.state.laterHardStops.map((h) => h.reason)).toEqual(['Operator']);
    const flattening = onStopStarted(second.state, 'id-stop-1', 2002);
    const third = onHardStop(flattening, { reason: 'NoGo', source: 'go-no-go' }, 2003);
    expect(third.startStop).toBe(false);
    expect(third.state.phase).toBe('FLATTENING');
  });

  test('recorded later HardStops are capped', () => {
    let s = onHardStop(fresh(), { reason: 'Operator', source: 'cli' }, 1).state;
    for (let i = 0; i < KEEP_LATER_HARDSTOPS + 5; i++) s = onHardStop(s, { reason: 'Operator', source: `n${i}` }, 2 + i).state;
    expect(s.laterHardStops).toHaveLength(KEEP_LATER_HARDSTOPS);
    expect(s.laterHardStops[s.laterHardStops.length - 1].source).toBe(`n${KEEP_LATER_HARDSTOPS + 4}`);
  });

  test('in STOPPED_FLAT a HardStop is only recorded; in STOP_FAILED it starts another stop', () => {
    expect(onHardStop(stoppedFlat(), { reason: 'Operator', source: 'cli' }, 5000).startStop).toBe(false);
    let s = onHardStop(fresh(), { reason: 'Operator', source: 'cli' }, 2000).state;
    s = onStopStarted(s, 'id-stop-1', 2001);
    s = onStopFinished(s, flatResult({ outcome: 'STOP_FAILED', remaining: [{ coin: 'BTC', szi: '-0.5' }] }), 3000);
    expect(s.phase).toBe('STOP_FAILED');
    const again = onHardStop(s, { reason: 'Operator', source: 'cli' }, 4000);
    expect(again.startStop).toBe(true);
    expect(again.state.phase).toBe('HARD_STOP');
  });

  test('reasons are normalised case-insensitively; unknown or empty ones fail closed', () => {
    expect(normaliseReason('cumulativeloss')).toBe('CumulativeLoss');
    expect(normaliseReason('')).toBe('Operator');
    expect(normaliseReason(undefined)).toBe('Operator');
    expect(normaliseReason('fat finger')).toBe('fat finger');
    const d = onHardStop(fresh(), { reason: '', source: '' }, 1);
    expect(d.startStop).toBe(true);
    expect(d.state.hardStop?.source).toBe('unknown');
  });
});

describe('stop bookkeeping', () => {
  test('stop numbers count up and the result sets the phase and positions', () => {
    let s = onHardStop(fresh(), { reason: 'Operator', source: 'cli' }, 2000).state;
    s = onStopStarted(s, 'a-stop-1', 2001);
    expect(s.phase).toBe('FLATTENING');
    expect(s.stopCount).toBe(1);
    s = onStopFinished(s, flatResult({ attempts: 3 }), 2500);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(s.stops[0]).toMatchObject({ n: 1, workflowId: 'a-stop-1', outcome: 'STOPPED_FLAT', attempts: 3, endedAt: 2500 });
    expect(s.hotPath.ready).toBe(false);
  });

  test('a crashed stop child is STOP_FAILED', () => {
    let s = onHardStop(fresh(), { reason: 'Operator', source: 'cli' }, 2000).state;
    s = onStopStarted(s, 'a-stop-1', 2001);
    s = onStopFinished(s, stopCrashedResult('boom'), 2500);
    expect(s.phase).toBe('STOP_FAILED');
    expect(s.stops[0].error).toBe('boom');
  });
});

describe('resume', () => {
  test('rejected unless STOPPED_FLAT, and rejected without a note', () => {
    expect(resumeRejection(fresh(), { note: 'ok' })).toMatch(/STOPPED_FLAT.*STARTING/);
    const stopping = onHardStop(fresh(), { reason: 'Operator', source: 'cli' }, 1).state;
    expect(resumeRejection(stopping, { note: 'ok' })).toMatch(/HARD_STOP/);
    expect(resumeRejection(stoppedFlat(), { note: '   ' })).toMatch(/note/);
    expect(resumeRejection(stoppedFlat(), {} as never)).toMatch(/note/);
    expect(resumeRejection(stoppedFlat(), { note: 'checked the book' })).toBeNull();
    expect(() => onResume(fresh(), { note: 'x' }, 1)).toThrow(/STOPPED_FLAT/);
  });

  test('an accepted resume returns to READY_TRADING, clears the HardStop and records the note', () => {
    const s = onResume(stoppedFlat(), { note: ' checked the book ', operator: 'ana' }, 9000);
    expect(s.phase).toBe('READY_TRADING');
    expect(s.hardStop).toBeUndefined();
    expect(s.resumes).toEqual([{ note: 'checked the book', operator: 'ana', at: 9000 }]);
    // and the next HardStop is a first one again
    expect(onHardStop(s, { reason: 'Operator', source: 'cli' }, 9001).startStop).toBe(true);
  });
});

describe('Go/No-Go checkpoints', () => {
  const figures = { closedTrades: 10, meanEdgeBps: '3.5', meanSlippageBps: '1.2', pnlCumulativeUsd: '12.5' };
  const rule = { trades: 10, minMeanEdgeBps: 2, maxMeanSlippageBps: 2, minPnlCumulativeUsd: '0' };

  test('GO is recorded and does not stop', () => {
    const d = onCheckpoint(fresh(), { checkpoint: 10, verdict: 'GO', figures }, 5);
    expect(d.hardStop).toBeUndefined();
    expect(d.state.goNoGo).toBe('GO');
    expect(d.state.checkpoints[0]).toMatchObject({ checkpoint: 10, effectiveVerdict: 'GO', at: 5 });
  });

  test('NO_GO asks for a HardStop with reason NoGo', () => {
    const report: CheckpointReport = { checkpoint: 10, verdict: 'NO_GO', figures, failed: [{ rule: 'minMeanEdgeBps', actual: '1', threshold: '2' }] };
    const d = onCheckpoint(fresh(), report, 5);
    expect(d.state.goNoGo).toBe('NO_GO');
    expect(d.hardStop).toMatchObject({ reason: 'NoGo', source: 'go-no-go' });
    expect(onHardStop(d.state, d.hardStop!, 6).state.hardStop?.reason).toBe('NoGo');
  });

  test('a GO report whose own rule says NO_GO is NO_GO (the workflow re-derives it)', () => {
    const bad = { ...figures, meanSlippageBps: '2.5' };
    expect(verdictFromFigures(bad, rule)).toBe('NO_GO');
    expect(verdictFromFigures(figures, rule)).toBe('GO');
    expect(effectiveVerdict({ checkpoint: 10, verdict: 'GO', figures: bad, rule })).toBe('NO_GO');
    expect(effectiveVerdict({ checkpoint: 10, verdict: 'GO', figures, rule })).toBe('GO');
  });

  test('an unreadable report fails closed', () => {
    expect(effectiveVerdict({ checkpoint: 10, verdict: 'maybe' as never, figures })).toBe('NO_GO');
    expect(effectiveVerdict({ checkpoint: 10, verdict: 'GO', figures: { ...figures, meanEdgeBps: 'x' }, rule })).toBe('NO_GO');
  });
});

describe('continue-as-new and visibility', () => {
  test('continue-as-new is never taken while a stop runs, and carries the state one generation on', () => {
    const s = fresh();
    expect(mayContinueAsNew(s, false)).toBe(true);
    expect(mayContinueAsNew(s, true)).toBe(false);
    const stopping = onHardStop(s, { reason: 'Operator', source: 'cli' }, 1).state;
    expect(mayContinueAsNew(stopping, false)).toBe(false);
    const carried = initialState({ ...input, carried: stoppedFlat() }, 7000);
    expect(carried.phase).toBe('STOPPED_FLAT');
    expect(carried.generation).toBe(1);
    expect(carried.stops).toHaveLength(1);
  });

  test('search attribute values follow the state', () => {
    expect(searchAttributeValues(fresh())).toEqual({ TradingPhase: 'STARTING', HardStopReason: null, TradingAccount: input.account.toLowerCase(), GoNoGoVerdict: null });
    const s = onHardStop(fresh(), { reason: 'SlippageAnomaly', source: 'risk-monitor' }, 1).state;
    expect(searchAttributeValues(s)).toMatchObject({ TradingPhase: 'HARD_STOP', HardStopReason: 'SlippageAnomaly' });
  });

  test('current details show phase, positions and steps in markdown', () => {
    let s = onHardStop(fresh(), { reason: 'Operator', source: 'cli' }, 2000).state;
    s = onStopStarted(s, 'a-stop-1', 2001);
    s = onStopFinished(s, flatResult({ outcome: 'STOP_FAILED', remaining: [{ coin: 'BTC', szi: '-0.5' }], steps: ['round 1: sell'] }), 3000);
    const md = sessionDetailsMarkdown(s);
    expect(md).toContain('**Phase:** STOP_FAILED');
    expect(md).toContain('| BTC | \u22120.5 |');
    expect(md).toContain('- round 1: sell');
  });
});
