/**
 * The session gate's poll asks describe first and the `state` query only when the session's
 * history grew (or a new run began) since the state it holds, or every fullStateEvery polls: a
 * fleet of hot paths polling every 500 ms must not make every poll a workflow task, and still see
 * every change at the next poll.
 */
import { stateStillCurrent } from '../../../workers/hotpath/session-gate';
import { initialState } from '../../../src/orchestration/session-machine';
import type { SessionState } from '../../../workflows/messages';
import { gateOver, hotPath } from './session-gate-harness';

test('stateStillCurrent: same run and history length only', () => {
  expect(stateStillCurrent(null, { historyLength: 5, runId: 'a' })).toBe(false);
  expect(stateStillCurrent({ historyLength: 5, runId: 'a' }, { historyLength: 5, runId: 'a' })).toBe(true);
  expect(stateStillCurrent({ historyLength: 5, runId: 'a' }, { historyLength: 6, runId: 'a' })).toBe(false);
  // continue-as-new: a new run may start with a history as long as the old one's was
  expect(stateStillCurrent({ historyLength: 5, runId: 'a' }, { historyLength: 5, runId: 'b' })).toBe(false);
});

test('queries only when the history grew; a stop phase seen through a query at the next poll latches the hot path', async () => {
  const { hp } = hotPath();
  let state: SessionState = { ...initialState({ account: '0xab', strategyName: 'd', sessionId: 's', markets: ['BTC'], hotPathTaskQueue: 'q' }, 0), phase: 'READY_TRADING' };
  let historyLength = 10;
  const calls = { query: 0, describe: 0 };
  const handle = {
    query: async () => (calls.query++, state),
    describe: async () => (calls.describe++, { historyLength, runId: 'r1' }),
    signal: async () => {},
  } as never;
  const gate = gateOver(hp, handle, { phasePollMs: 5, fullStateEvery: 1_000 });
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 400 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(what()).toBe(true);
  };
  gate.start();
  await until(() => calls.describe >= 20);
  // the first poll queried; the history has not grown since: describes only
  expect(calls.query).toBe(1);
  expect(gate.lastState()?.phase).toBe('READY_TRADING');

  // the session stops: its history grows, the next poll queries and the hot path latches itself
  state = { ...state, phase: 'FLATTENING', hardStop: { reason: 'Operator', source: 'hlx', at: 1 } };
  historyLength = 14;
  await until(() => hp.latch.isTriggered());
  expect(calls.query).toBe(2);
  expect(hp.latch.record()).toMatchObject({ reason: 'Operator', source: 'workflow' });
  await gate.stop('test', 100);
});
