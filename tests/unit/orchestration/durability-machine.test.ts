/** #11 decisions of the session machine: journal ids, risk checkpoints, resume --reset-streak, the lease. */
import {
  initialState,
  leaseForNextRun,
  leaseKey,
  leaseOnReady,
  leaseWanted,
  onHardStop,
  onHotPathReady,
  onLeaseHeld,
  onLeaseLost,
  onLeaseReleased,
  onResume,
  onResumeRisk,
  onRiskCheckpoint,
  onStopFinished,
  onStopStarted,
} from '../../../src/orchestration/session-machine';
import type { RiskSnapshot } from '../../../src/risk/risk-snapshot';
import type { SessionState } from '../../../workflows/messages';

const input = { account: '0xabc', strategyName: 'demo', sessionId: 'hlx-session-0xabc-demo', markets: ['BTC'], hotPathTaskQueue: 'hp-q' };
const snap = (seq: number, consecutiveLosses = 2): RiskSnapshot => ({
  v: 1,
  seq,
  pnlCumulativeUsd: '-3',
  consecutiveLosses,
  closedTrades: 2,
  trades: [],
  fillSlippageBps: [],
  verdicts: [],
  recentFills: [],
  recentTrades: [],
  streakResets: 0,
});
const ready = (s: SessionState, hostId = 'h1', lease: number | null = 5000) => {
  const report = { hostId, ...(lease === null ? {} : { leaseMs: lease }) };
  return leaseOnReady(onHotPathReady(s, report, 10), report, 10);
};

test('a journal entry delivered twice starts one stop', () => {
  const s0 = initialState(input, 0);
  const a = onHardStop(s0, { reason: 'Operator', source: 'ctrl-c', journalId: 'j1' }, 1);
  expect(a.startStop).toBe(true);
  const b = onHardStop(a.state, { reason: 'Operator', source: 'ctrl-c', journalId: 'j1' }, 2);
  expect(b.startStop).toBe(false);
  expect(b.state.laterHardStops).toEqual([]);
  expect(b.state.journalIds).toEqual(['j1']);
});

test('risk checkpoints: the newest copy is kept; resume resets the streak only when asked, never the pnl', () => {
  let s = onRiskCheckpoint(initialState(input, 0), snap(5), 1);
  s = onRiskCheckpoint(s, snap(3, 9), 2);
  expect(s.risk?.seq).toBe(5);
  s = { ...s, phase: 'STOPPED_FLAT' };
  const plain = onResumeRisk(onResume(s, { note: 'ok' }, 3), { note: 'ok' });
  expect(plain.risk?.consecutiveLosses).toBe(2);
  expect(plain.riskStreakResets).toBeUndefined();
  const reset = onResumeRisk(onResume(s, { note: 'ok', resetStreak: true }, 3), { note: 'ok', resetStreak: true });
  expect(reset.risk).toMatchObject({ consecutiveLosses: 0, pnlCumulativeUsd: '-3', streakResets: 1 });
  expect(reset.riskStreakResets).toBe(1);
});

test('the lease: asked for by a ready report, wanted until a stop, lost = HardStop(HotPathLost)', () => {
  let s = ready(initialState(input, 0));
  expect(s.lease).toMatchObject({ hostId: 'h1', leaseMs: 5000, want: true, status: 'wanted' });
  expect(leaseWanted(s)).toBe(true);
  const key = leaseKey(s)!;
  s = onLeaseHeld(s, 11);
  // a reconnect report from the same host keeps the same lease
  expect(leaseKey(ready(s))).toBe(key);
  // a new process replaces it
  expect(leaseKey(ready(s, 'h2'))).not.toBe(key);
  const lost = onLeaseLost(s, key, 'Activity task timed out', 20);
  expect(lost.hardStop).toMatchObject({ reason: 'HotPathLost', source: 'lease', details: { hostId: 'h1', leaseMs: 5000 } });
  expect(lost.state.lease).toMatchObject({ status: 'lost', want: false });
  // a stale key (an older lease) decides nothing
  expect(onLeaseLost(ready(s, 'h2'), key, 'x', 21).hardStop).toBeUndefined();
});

test('no lease without leaseMs (older hot paths, hand-driven tests); none during or after a stop', () => {
  expect(ready(initialState(input, 0), 'h1', null).lease).toBeUndefined();
  let s = ready(initialState(input, 0));
  s = onHardStop(s, { reason: 'Operator', source: 'cli' }, 12).state;
  expect(leaseWanted(s)).toBe(false);
  s = onStopStarted(s, 'stop-1', 13);
  expect(leaseWanted(s)).toBe(false);
  s = onStopFinished(s, { outcome: 'STOPPED_FLAT', attempts: 1, latch: 'engaged', cancelled: 0, ordersSent: 0, remaining: [], openOrdersLeft: 0, steps: [] }, 14);
  expect(leaseWanted(s)).toBe(false);
});

test('continue-as-new lets the lease go on purpose and the next run takes it again; a shutdown release is final', () => {
  let s = onLeaseHeld(ready(initialState(input, 0)), 11);
  const key = leaseKey(s)!;
  const canned = onLeaseReleased(s, key, 'continue-as-new', 12);
  expect(leaseWanted(canned)).toBe(false);
  expect(leaseWanted(leaseForNextRun(canned))).toBe(true);
  s = onLeaseReleased(s, key, 'released by the hot path: shutdown', 12);
  expect(leaseWanted(leaseForNextRun(s))).toBe(false);
});
