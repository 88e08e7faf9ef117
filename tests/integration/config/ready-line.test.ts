/**
 * #16 §4, as a new user would meet it: a stop worker and a hot-path worker started as processes,
 * configured only by the variables `hlx worker --help` lists, each print ONE ready line naming its
 * queue(s), identity and account once polling; a bad variable is one line naming it, never the key.
 * Real Temporal dev server (scripts/with-devserver.ts) and the embedded simulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Wallet } from 'ethers';
import { uniqueQueue } from '../../helpers/temporal';
import { startSimulator, type RunningSimulator } from '../../../src/sim';
import { testConfig, waitUntil, type OperatorEnv } from '../operator/harness';

jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..', '..');
const children: ChildProcess[] = [];
let tmp: string;
let sim: RunningSimulator;
const wallet = Wallet.createRandom();
const account = wallet.address.toLowerCase();

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-ready-'));
  sim = await startSimulator({ port: 0, seed: 5, fund: { [account]: '100000' } });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await sim?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function run(script: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

const count = (s: string, needle: string) => s.split(needle).length - 1;

test('a bad variable stops the stop worker with one line naming it; the key never appears', async () => {
  const p = run('workers/stop-worker.ts', [], { ...process.env, HL_PRIVATE_KEY: wallet.privateKey, HLX_ACCOUNT: account, HLX_VENUE_HTTP_URL: 'not a url', HLX_LOG_FORMAT: 'text' });
  expect(await p.exited).toBe(1);
  expect(p.output()).toContain('HLX_VENUE_HTTP_URL');
  expect(p.output()).not.toContain(wallet.privateKey.slice(2));
});

test('the stop worker and the hot-path worker each print one ready line: queues, identity, account, network', async () => {
  const queues = { session: uniqueQueue('ready-session'), stop: uniqueQueue('ready-stop'), hotPathPrefix: uniqueQueue('ready-hp') };
  const env = {
    ...process.env,
    HL_PRIVATE_KEY: wallet.privateKey,
    HLX_TASK_QUEUE_SESSION: queues.session,
    HLX_TASK_QUEUE_STOP: queues.stop,
    HLX_TASK_QUEUE_HOTPATH_PREFIX: queues.hotPathPrefix,
    HLX_STATUS_DIR: path.join(tmp, 'status'),
    HLX_STATE_DIR: path.join(tmp, 'state'),
    HLX_LOG_FORMAT: 'text',
  };
  const stop = run('workers/stop-worker.ts', [], { ...env, HLX_NETWORK: 'sim', HLX_VENUE_HTTP_URL: sim.httpUrl, HLX_ACCOUNT: account });
  const stopOut = await waitUntil(stop.output, (o) => o.includes('stop worker ready:') || stop.child.exitCode !== null, 180_000, 'the stop worker ready line');
  // the queues actually polled: the stop workflows, this account's venue activities, alerts, the session
  expect(stopOut).toContain(`stop worker ready: polling ${queues.stop},${queues.stop}-${account.toLowerCase()},${queues.stop}-alerts,${queues.session} as `);
  expect(stopOut).not.toContain('ready: polling undefined');
  expect(stopOut).toContain(`${stop.child.pid}@`);
  expect(stopOut).toContain(`for account ${account} (network sim)`);

  const config = testConfig({ address: account, sim } as unknown as OperatorEnv, { name: 'ready' });
  const file = path.join(tmp, 'session.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const hp = run('workers/hotpath-worker.ts', ['--config', file], env);
  const hpOut = await waitUntil(hp.output, (o) => o.includes('hot-path worker ready:') || hp.child.exitCode !== null, 180_000, 'the hot-path worker ready line');
  expect(hpOut).toMatch(new RegExp(`hot-path worker ready: polling ${queues.hotPathPrefix}\\S* as \\S+ for account ${account} \\(network sim\\)`));

  // ONE line each, however long they run
  expect(count(stop.output(), 'stop worker ready:')).toBe(1);
  expect(count(hp.output(), 'hot-path worker ready:')).toBe(1);
  for (const out of [stop.output(), hp.output()]) expect(out).not.toContain(wallet.privateKey.slice(2));
});
