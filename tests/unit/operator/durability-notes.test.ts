/** #11 `hlx session status`: the session's lease on the hot path and the venue's scheduled cancel, in words. */
import { durabilityNotes } from '../../../src/cli/session-target';
import { initialState } from '../../../src/orchestration/session-machine';

const state = {
  ...initialState({ account: '0xabc', strategyName: 'demo', sessionId: 's', markets: ['BTC'], hotPathTaskQueue: 'q' }, 0),
  lease: { hostId: 'vm:1', leaseMs: 5000, since: 1, want: true, status: 'held' as const, at: 2 },
};

test('armed: when it fires and the day budget', () => {
  const notes = durabilityNotes(state, { deadMan: { armed: true, until: 20_000, triggersToday: 1 } } as never, 10_000);
  expect(notes).toEqual(['lease on the hot path (vm:1, 5000 ms): held', 'venue scheduled cancel: ARMED, fires in 10 s unless renewed (1/10 triggers today)']);
});

test('refused by the venue: says why', () => {
  const notes = durabilityNotes(null, { deadMan: { armed: false, why: 'Cannot set scheduled cancel time until enough volume traded.', triggersToday: 0 } } as never);
  expect(notes).toEqual(['venue scheduled cancel: not armed — Cannot set scheduled cancel time until enough volume traded. (0/10 triggers today)']);
});
