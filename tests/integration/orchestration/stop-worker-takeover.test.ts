/**
 * A stop worker dies (SIGKILL) while the stop sequence has a venue call in flight; a second stop
 * worker, started afterwards, takes the session and the stop over and reaches flat. Nothing is
 * lost: the signal, the workflow state and the in-flight step live in Temporal, and the dead
 * worker's activity is retried on the new one once its start-to-close timeout passes.
 */
import { Wallet } from 'ethers';
import { connectTestTemporal, uniqueQueue, type TemporalTestContext } from '../../helpers/temporal';
import { sessionInputFor, startSession, waitForState } from './harness';
import { openExposure, startSimAccount } from './sim-venue';
import { spawnStopWorker } from './stop-worker-child';
import { hardStopSignal, stateQuery } from '../../../workflows/messages';

let t: TemporalTestContext;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => {
  await t?.close();
});

test('a stop worker killed mid-stop: another one takes over and the account ends flat', async () => {
  const key = Wallet.createRandom().privateKey;
  const acct = await startSimAccount(17, undefined, key);
  const queues = { session: uniqueQueue('k-session'), stop: uniqueQueue('k-stop'), hotPathPrefix: uniqueQueue('k-hot') };
  const first = spawnStopWorker({ httpUrl: acct.sim.httpUrl, account: acct.address, key, queues });
  let second: ReturnType<typeof spawnStopWorker> | undefined;
  try {
    await openExposure(acct, { ETH: '0.3', SOL: '-4' }, { BTC: '0.01' });
    // short activity timeouts so the takeover does not wait the production 10 s
    const input = { ...sessionInputFor(queues, { latchTimeoutMs: 300, activityTimeoutMs: 3_000 }), account: acct.address };
    const h = await startSession(t.client, queues, input);
    await waitForState(() => h.query(stateQuery), (x) => x.phase === 'READY_TRADING' || x.phase === 'STARTING', 30_000);
    // every venue answer now takes 2 s: the first worker will die with a call in flight
    acct.sim.admin.latency(2_000);
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    await waitForState(() => h.query(stateQuery), (x) => x.phase === 'FLATTENING', 30_000);
    await new Promise((r) => setTimeout(r, 500));
    first.kill('SIGKILL');
    await first.exited;
    expect(acct.isFlat()).toBe(false);

    acct.sim.admin.latency(0);
    second = spawnStopWorker({ httpUrl: acct.sim.httpUrl, account: acct.address, key, queues });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED', 90_000);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(s.stops).toHaveLength(1); // the same stop sequence finished, not a second one
    expect(acct.isFlat()).toBe(true);
    // the proof of the takeover is in the stop's history: work done by two different workers
    const stop = await t.client.workflow.getHandle(s.stops[0]!.workflowId).fetchHistory();
    const identities = new Set(
      (stop.events ?? []).flatMap((e) => [e.workflowTaskStartedEventAttributes?.identity, e.activityTaskStartedEventAttributes?.identity]).filter((x): x is string => !!x),
    );
    expect(identities.size).toBeGreaterThanOrEqual(2);
    await h.terminate('test done');
  } finally {
    first.kill('SIGKILL');
    second?.kill('SIGKILL');
    await second?.exited;
    await acct.sim.stop();
  }
}, 150_000);
