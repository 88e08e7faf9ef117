/**
 * The stop worker as its own process, configured only by environment (as it would run on another
 * host): a HardStop reaches flat on the simulator with nothing else polling the session or stop
 * queues; SIGTERM then shuts it down cleanly.
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

test('stop worker process (env only): HardStop to flat on the simulator, then a clean SIGTERM exit', async () => {
  const key = Wallet.createRandom().privateKey;
  const acct = await startSimAccount(13, undefined, key);
  const queues = { session: uniqueQueue('p-session'), stop: uniqueQueue('p-stop'), hotPathPrefix: uniqueQueue('p-hot') };
  const w = spawnStopWorker({ httpUrl: acct.sim.httpUrl, account: acct.address, key, queues });
  try {
    await openExposure(acct, { ETH: '0.3', SOL: '-4' }, { BTC: '0.01' });
    const input = { ...sessionInputFor(queues, { latchTimeoutMs: 300 }), account: acct.address };
    const h = await startSession(t.client, queues, input);
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED', 60_000);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(acct.isFlat()).toBe(true);
    await h.terminate('test done');
    w.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/stop worker running/);
    // the key is in the child's environment only: never in what it printed
    expect(w.output()).not.toContain(key.slice(2));
  } catch (e) {
    console.log('stop worker output:\n' + w.output().slice(-3000));
    throw e;
  } finally {
    w.kill('SIGKILL');
    await acct.sim.stop();
  }
});
