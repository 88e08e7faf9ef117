/**
 * stop (#10): a hot path that sees its session stopping (or stopped) while its own latch is clear
 * — the workflow's latch call never reached it, or it restarted — latches itself: while a stop
 * runs that is the whole HardStop (cancels, flatten from memory), once stopped only latch + cancels.
 */
import { initialState } from '../../../src/orchestration/session-machine';
import type { HotPath } from '../../../src/executor/hot-path';
import type { SessionPhase, SessionState } from '../../../workflows/messages';
import type { FakeVenue } from '../executor/fake-venue';
import { gateOver, hotPath } from './session-gate-harness';

async function gateSeeing(hp: HotPath, phase: SessionPhase): Promise<void> {
  const state: SessionState = { ...initialState({ account: '0xab', strategyName: 'd', sessionId: 's', markets: ['BTC'], hotPathTaskQueue: 'q' }, 0), phase, hardStop: { reason: 'CumulativeLoss', source: 'risk-monitor', at: 1 } };
  const handle = { query: async () => state, describe: async () => ({ historyLength: 1, runId: 'r' }), signal: async () => {} } as never;
  const gate = gateOver(hp, handle);
  gate.start();
  for (let i = 0; i < 20 && !hp.latch.isTriggered(); i++) await new Promise((r) => setTimeout(r, 5));
  await gate.stop('test', 100);
}

const ordersSent = (v: FakeVenue) => v.requests.filter((r) => (r.action as { type: string }).type === 'order').length;

test.each(['HARD_STOP', 'FLATTENING', 'STOP_WAITING_WORKER', 'STOP_STUCK'] as SessionPhase[])('a session in %s: the hot path latches itself and flattens from memory', async (phase) => {
  const { hp, venue } = hotPath();
  hp.onPositions({ positions: [{ coin: 'ETH', szi: '0.5' }], at: 0 });
  await new Promise((r) => setImmediate(r));
  await gateSeeing(hp, phase);
  expect(hp.latch.record()).toMatchObject({ reason: 'CumulativeLoss', source: 'workflow' });
  await new Promise((r) => setImmediate(r));
  expect(ordersSent(venue)).toBe(1);
});

test.each(['STOPPED_FLAT', 'STOP_ABANDONED', 'STOP_FAILED'] as SessionPhase[])('a session in %s: the hot path latches itself, no flatten (an operator may have abandoned on purpose)', async (phase) => {
  const { hp, venue } = hotPath();
  hp.onPositions({ positions: [{ coin: 'ETH', szi: '0.5' }], at: 0 });
  await new Promise((r) => setImmediate(r));
  await gateSeeing(hp, phase);
  expect(hp.latch.isTriggered()).toBe(true);
  await new Promise((r) => setImmediate(r));
  expect(ordersSent(venue)).toBe(0);
});
