/**
 * The market-scoped stop on the real dev server, over an in-memory venue that cannot fill an IOC:
 * like the session's stop it never gives up — STOP_STUCK is alerted after the fast rounds, it
 * continues as new every roundsPerRun rounds (the round count carried), it touches only its
 * market — and it ends STOPPED_FLAT once the venue can fill. With no hot path answering, flat is
 * declared only after the hot path's expiresAfter has run out since the halt.
 */
import { FakeVenue } from './fake-venue';
import { fakeStopActivities, logLines, recordFixture, sessionInputFor, startSession, startStack, waitForState, useTemporalSuite } from './harness';
import { marketHardStopSignal, stateQuery, type MarketStopResult } from '../../../workflows/messages';

jest.setTimeout(120_000);

const suite = useTemporalSuite();

test('a market stop that cannot fill: stuck alerted, continued as new, only its market touched, flat once it can', async () => {
  const venue = new FakeVenue({ SOL: '-3', BTC: '0.5' });
  venue.iocMisses = 1_000_000;
  const stack = await startStack(suite.t.nativeConnection, suite.t.namespace, fakeStopActivities(venue));
  const expiresAfterMs = 1_500;
  const input = sessionInputFor(stack.queues, { latchTimeoutMs: 200, fastRounds: 2, slowRoundMs: 300, roundsPerRun: 3, hotPathExpiresAfterMs: expiresAfterMs });
  try {
    const h = await startSession(suite.t.client, stack.queues, input);
    const signalledAt = Date.now();
    await h.signal(marketHardStopSignal, { coin: 'SOL', reason: 'Operator', source: 'test' });
    const s0 = await waitForState(() => h.query(stateQuery), (x) => (x.marketStops ?? []).length === 1);
    const id = s0.marketStops![0].workflowId;
    // stuck: alerted as critical, still trying round after round
    await waitForState(async () => logLines.filter((l) => l.includes('STOP_STUCK') && l.includes('SOL still not flat')).length, (n) => n >= 1, 30_000);
    const sent = () => venue.sent.filter((x) => x.type === 'order').length;
    const before = sent();
    await waitForState(async () => sent(), (n) => n >= before + 4, 30_000);
    // several runs, each with a small history
    let runs = 0;
    for await (const _run of suite.t.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs++;
    expect(runs).toBeGreaterThanOrEqual(2);

    venue.iocMisses = 0;
    const result = (await suite.t.client.workflow.getHandle(id).result()) as MarketStopResult;
    expect(result.outcome).toBe('STOPPED_FLAT');
    expect(result.attempts).toBeGreaterThanOrEqual(6);
    expect(result.latch).toBe('host-gone');
    // no hot path answered: flat only once an order it signed before the halt could no longer land
    expect(result.flatConfirmedAt! - signalledAt).toBeGreaterThanOrEqual(expiresAfterMs - 200);
    // only SOL: BTC is untouched
    expect(Object.fromEntries(venue.positions)).toEqual({ SOL: '0', BTC: '0.5' });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.marketStops?.[0]?.outcome === 'STOPPED_FLAT');
    expect(s.marketStops![0]).toMatchObject({ coin: 'SOL', outcome: 'STOPPED_FLAT', remaining: [] });
    expect(s.stopCount).toBe(0);
    await recordFixture(suite.t.client, 'market-stop-stuck-then-flat', id);
    await h.terminate('test done');
  } finally {
    await stack.shutdown();
  }
});
