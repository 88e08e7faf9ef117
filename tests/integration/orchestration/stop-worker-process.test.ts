/**
 * The stop worker as its own process, configured only by environment (as it would run on another
 * host): a HardStop reaches flat on the simulator with nothing else polling the session or stop
 * queues; SIGTERM then shuts it down cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Wallet } from 'ethers';
import { connectTestTemporal, uniqueQueue, type TemporalTestContext } from '../../helpers/temporal';
import { sessionInputFor, startSession, waitForState } from './harness';
import { openExposure, startSimAccount } from './sim-venue';
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
  const root = path.join(__dirname, '..', '..', '..');
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'workers', 'stop-worker.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HLX_NETWORK: 'sim',
      HLX_VENUE_HTTP_URL: acct.sim.httpUrl,
      HLX_ACCOUNT: acct.address,
      HL_PRIVATE_KEY: key,
      HLX_TASK_QUEUE_SESSION: queues.session,
      HLX_TASK_QUEUE_STOP: queues.stop,
      HLX_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  try {
    await openExposure(acct, { ETH: '0.3', SOL: '-4' }, { BTC: '0.01' });
    const input = { ...sessionInputFor(queues, { latchTimeoutMs: 300 }), account: acct.address };
    const h = await startSession(t.client, queues, input);
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED', 60_000);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(acct.isFlat()).toBe(true);
    await h.terminate('test done');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/stop worker running/);
    // the key is in the child's environment only: never in what it printed
    expect(out).not.toContain(key.slice(2));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await acct.sim.stop();
  }
});
