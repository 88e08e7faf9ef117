/** stop (#10): the session's new phases — progress from the running stop, and the operator's abandon. */
import { abandonRejection, initialState, mayContinueAsNew, mayTrade, onAbandon, onHardStop, onStopFinished, onStopProgress, onStopStarted, STOPPED_PHASES, STOPPING_PHASES } from '../../../src/orchestration/session-machine';
import type { SessionState, TradingSessionInput } from '../../../workflows/messages';

const input: TradingSessionInput = { account: '0xab', strategyName: 'demo', sessionId: 's', markets: ['BTC'], hotPathTaskQueue: 'q' };

function flattening(): SessionState {
  let s = initialState(input, 0);
  s = onHardStop(s, { reason: 'Operator', source: 'cli' }, 1).state;
  return onStopStarted(s, 's-stop-1', 2);
}

test('the running stop moves the phase to STOP_WAITING_WORKER / STOP_STUCK and back; none of them trades or continues-as-new', () => {
  let s = flattening();
  s = onStopProgress(s, { n: 1, phase: 'STOP_WAITING_WORKER', note: 'no stop worker polls hlx-stop-0xab' }, 3);
  expect(s.phase).toBe('STOP_WAITING_WORKER');
  expect(s.stepsDone.at(-1)).toBe('STOP_WAITING_WORKER: no stop worker polls hlx-stop-0xab');
  s = onStopProgress(s, { n: 1, phase: 'STOP_STUCK', note: 'not flat', positions: [{ coin: 'BTC', szi: '1' }] }, 4);
  expect(s).toMatchObject({ phase: 'STOP_STUCK', positions: [{ coin: 'BTC', szi: '1' }] });
  for (const p of ['STOP_WAITING_WORKER', 'STOP_STUCK'] as const) {
    expect(STOPPING_PHASES).toContain(p);
    expect(mayTrade(p)).toBe(false);
    expect(mayContinueAsNew({ ...s, phase: p }, false)).toBe(false);
  }
  expect(STOPPED_PHASES).toContain('STOP_ABANDONED');
  // a late word from an older stop, or after the stop ended, changes nothing
  expect(onStopProgress(s, { n: 7, phase: 'FLATTENING', note: 'x' }, 5)).toBe(s);
  const ended = onStopFinished(s, { outcome: 'STOPPED_FLAT', attempts: 3, latch: 'engaged', cancelled: 0, ordersSent: 1, remaining: [], openOrdersLeft: 0, steps: [] }, 6);
  expect(onStopProgress(ended, { n: 1, phase: 'STOP_STUCK', note: 'x' }, 7)).toBe(ended);
});

test('abandon: only while a stop is in force or failed, only with a note; a running stop is told, a failed one ends at once', () => {
  const ready = { ...initialState(input, 0), phase: 'READY_TRADING' as const };
  expect(abandonRejection(ready, { note: 'x' })).toMatch(/only accepted while a stop is in force/);
  const s = onStopProgress(flattening(), { n: 1, phase: 'STOP_STUCK', note: 'not flat' }, 3);
  expect(abandonRejection(s, { note: '  ' })).toMatch(/non-empty operator note/);
  const d = onAbandon(s, { note: ' closing by hand ', operator: 'ops' }, 4, true);
  expect(d.signalStop).toBe('s-stop-1');
  expect(d.state.phase).toBe('STOP_STUCK'); // until the stop itself ends STOP_ABANDONED
  expect(d.state.stepsDone.at(-1)).toBe('abandon requested by ops: closing by hand');
  const after = onStopFinished(d.state, { outcome: 'STOP_ABANDONED', attempts: 9, latch: 'host-gone', cancelled: 0, ordersSent: 9, remaining: [{ coin: 'BTC', szi: '1' }], openOrdersLeft: 0, steps: [] }, 5);
  expect(after.phase).toBe('STOP_ABANDONED');
  // a new HardStop from STOP_ABANDONED starts a new stop
  expect(onHardStop(after, { reason: 'Operator', source: 'cli' }, 6).startStop).toBe(true);
  const failed = { ...s, phase: 'STOP_FAILED' as const };
  const f = onAbandon(failed, { note: 'ok' }, 7, false);
  expect(f).toMatchObject({ signalStop: null, state: { phase: 'STOP_ABANDONED' } });
  expect(() => onAbandon(ready, { note: 'x' }, 8, false)).toThrow();
});

test('progress signals that arrive out of order: an older one never overrides a newer one', () => {
  let s = flattening();
  s = onStopProgress(s, { n: 1, seq: 5, phase: 'STOP_STUCK', note: 'stuck' }, 3);
  const late = onStopProgress(s, { n: 1, seq: 4, phase: 'STOP_WAITING_WORKER', note: 'old news' }, 4);
  expect(late).toBe(s);
  expect(onStopProgress(s, { n: 1, seq: 6, phase: 'FLATTENING', note: 'polling again' }, 5).phase).toBe('FLATTENING');
});
