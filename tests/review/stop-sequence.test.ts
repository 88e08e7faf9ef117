/**
 * Review repros (inverted, stop #10): how the durable stop behaves when the venue does not
 * cooperate. Was: a cancel-all the venue kept refusing meant no flatten was ever sent; an IOC
 * that could not cross gave up for good after ~6 rounds, at the same price every round.
 */
import { FakeVenue } from '../integration/orchestration/fake-venue';
import { fakeStopActivities, sessionInputFor, startSession, startStack, waitForState, useTemporalSuite } from '../integration/orchestration/harness';
import { hardStopSignal, stateQuery, stopWorkflowId } from '../../workflows/messages';

const suite = useTemporalSuite();

/** Like the venue, but cancel batches are refused as a whole (e.g. >200 cancels, rate limit). */
class CancelRefusingVenue extends FakeVenue {
  override async exchange(body: { action: { type: string } }) {
    if (body.action.type === 'cancel') {
      this.sent.push({ type: 'cancel', n: (body.action as any).cancels.length });
      return { status: 'err' as const, response: 'Signed action over weight limit of 200.' };
    }
    return super.exchange(body);
  }
}

test('a cancel-all that keeps failing does not stop the flatten: the position is closed, each failure a visible step, and the stop goes on (STOP_STUCK) while the order rests', async () => {
  const venue = new CancelRefusingVenue({ BTC: '0.5' }, [{ coin: 'ETH', side: 'B', sz: '1', limitPx: '3000' }]);
  const stack = await startStack(suite.t.nativeConnection, suite.t.namespace, fakeStopActivities(venue));
  const input = sessionInputFor(stack.queues, { latchTimeoutMs: 100, fastRounds: 6, slowRoundMs: 300, activityTimeoutMs: 2000, hotPathExpiresAfterMs: 200 });
  try {
    const h = await startSession(suite.t.client, stack.queues, input);
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOP_STUCK', 120_000);
    const counts = venue.sent.reduce((a, x) => ({ ...a, [x.type]: (a[x.type] ?? 0) + 1 }), {} as Record<string, number>);
    console.log('phase', s.phase, 'venue sent', JSON.stringify(counts), 'BTC', venue.positions.get('BTC'));
    expect(venue.positions.get('BTC')).toBe('0');
    expect(venue.sent.filter((x) => x.type === 'order').length).toBeGreaterThanOrEqual(1);
    const desc = await suite.t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1)).describe();
    expect(desc.status.name).toBe('RUNNING');
    expect(s.stepsDone.join('\n')).toMatch(/STOP_STUCK: not flat after 6 rounds \(0 positions left, 1 open order\)/);
    await h.terminate('done');
  } finally {
    await stack.shutdown();
  }
});

test('an IOC that cannot cross never makes the stop give up: the price widens round by round up to the ceiling, rounds go on at the slow cadence, flat when it crosses', async () => {
  const venue = new FakeVenue({ BTC: '0.5' });
  venue.iocMisses = 1_000_000;
  const stack = await startStack(suite.t.nativeConnection, suite.t.namespace, fakeStopActivities(venue));
  const q = sessionInputFor(stack.queues);
  // production defaults for the stop except the slow cadence (the test must not wait 30 s a round)
  const input = { ...q, stop: { stopTaskQueue: stack.queues.stop, latchTimeoutMs: 100, hotPathExpiresAfterMs: 200, slowRoundMs: 300 } };
  try {
    const h = await startSession(suite.t.client, stack.queues, input);
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOP_STUCK', 120_000);
    const atStuck = venue.sent.length;
    await waitForState(async () => venue.sent.length, (n) => n >= atStuck + 4, 60_000);
    const px = venue.sent.length; // more rounds after STOP_STUCK: it did not give up
    expect(px).toBeGreaterThan(atStuck);
    venue.iocMisses = 0;
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT', 60_000);
    expect(venue.isFlat()).toBe(true);
    const r = (await suite.t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1)).result()) as { steps: string[] };
    const prices = r.steps.map((l) => /sell 0\.5 BTC @ (\d+(?:\.\d+)?) IOC/.exec(l)?.[1]).filter((x): x is string => !!x).map(Number);
    console.log('IOC prices by round', prices.join(' '));
    // 50, 100, 200, 400, then the 500 bps ceiling from the book at 97000
    expect(prices.slice(0, 5)).toEqual([96515, 96030, 95060, 93120, 92150]);
    expect(Math.min(...prices)).toBe(92150);
    expect(s.stops[0].attempts).toBeGreaterThan(6);
    await h.terminate('done');
  } finally {
    await stack.shutdown();
  }
});
