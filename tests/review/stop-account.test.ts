/**
 * Review repro (inverted, stop #10): the stop acts on the session's account, and only a stop
 * worker configured for that account may run its venue work. Was: B's HardStop, picked up by
 * the stop worker configured for account A, read and "flattened" A and marked B STOPPED_FLAT
 * while B kept its position.
 */
import { FakeVenue, fakeSigner } from '../integration/orchestration/fake-venue';
import { sessionInputFor, startSession, startStack, waitForState, useTemporalSuite } from '../integration/orchestration/harness';
import { createStopActivities } from '../../activities/stop';
import { hardStopSignal, stateQuery } from '../../workflows/messages';

const suite = useTemporalSuite();

test("session B's HardStop with only A's stop worker running: A's worker never acts for B; B's stop waits, visibly, for a worker of B — and finishes on B's venue when one starts", async () => {
  const ACCOUNT_A = '0x00000000000000000000000000000000000000a1';
  const ACCOUNT_B = '0x00000000000000000000000000000000000000b2';
  const reads: string[] = [];
  const spy = <V extends FakeVenue>(v: V): V =>
    new Proxy(v, {
      get(target, prop, recv) {
        const x = Reflect.get(target, prop, recv);
        if (prop === 'clearinghouseState' || prop === 'openOrders') return (user: string) => (reads.push(user), (x as any).call(target, user));
        return typeof x === 'function' ? x.bind(target) : x;
      },
    });
  let n = Date.now();
  const venueOfA = new FakeVenue({ ETH: '1' }); // A holds ETH and must keep it
  const venueOfB = new FakeVenue({ BTC: '2' });
  const actsA = createStopActivities({ venue: spy(venueOfA), signer: fakeSigner, nonces: { next: () => ++n }, account: ACCOUNT_A, isMainnet: false });
  const stackA = await startStack(suite.t.nativeConnection, suite.t.namespace, actsA, { account: ACCOUNT_A });
  const inputB = sessionInputFor(stackA.queues, { latchTimeoutMs: 100, workerWaitMs: 300, hotPathExpiresAfterMs: 200 }, undefined, ACCOUNT_B);
  let stackB: Awaited<ReturnType<typeof startStack>> | undefined;
  try {
    const h = await startSession(suite.t.client, stackA.queues, inputB);
    await h.signal(hardStopSignal, { reason: 'CumulativeLoss', source: 'risk-monitor' });
    const waiting = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOP_WAITING_WORKER', 60_000);
    expect(waiting.stepsDone.join('\n')).toContain(`no stop worker polls ${stackA.queues.stop}-${ACCOUNT_B}`);
    expect(reads).toEqual([]); // A's worker read nobody
    expect(venueOfA.positions.get('ETH')).toBe('1');

    const actsB = createStopActivities({ venue: spy(venueOfB), signer: fakeSigner, nonces: { next: () => ++n }, account: ACCOUNT_B, isMainnet: false });
    stackB = await startStack(suite.t.nativeConnection, suite.t.namespace, actsB, { account: ACCOUNT_B, queues: stackA.queues });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED', 60_000);
    console.log(`session account ${inputB.account} -> phase ${s.phase}; accounts the stop read: ${[...new Set(reads)].join(',')}; B holds BTC ${venueOfB.positions.get('BTC')}, A ETH ${venueOfA.positions.get('ETH')}`);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(new Set(reads)).toEqual(new Set([ACCOUNT_B]));
    expect(venueOfB.isFlat()).toBe(true);
    expect(venueOfA.positions.get('ETH')).toBe('1');
    await h.terminate('done');
  } finally {
    await stackB?.shutdown();
    await stackA.shutdown();
  }
});
