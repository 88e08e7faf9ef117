/**
 * The Python example over a Unix socket (its --socket option), against a real hot path without
 * Temporal: its IOC is Accepted, the fill comes back to it as an event, and a HardStop makes it exit.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostFromHotPath } from '../../../src/gateway/host';
import { startGateway, type Gateway } from '../../../src/gateway/server';
import { setLogSink } from '../../../src/util/log';
import { restingConfig, restingHotPath, waitFor } from './resting-hot-path';

setLogSink({ write: () => {} });
const ROOT = path.join(__dirname, '..', '..', '..');
jest.setTimeout(60_000);

test('strategy.py over a Unix socket: Accepted → fill event → HardStop → exit 0', async () => {
  const r = spawnSync(path.join(ROOT, 'scripts', 'ensure-python.sh'), { cwd: ROOT, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const python = r.stdout.trim().split('\n').pop()!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-pyunix-'));
  const sock = path.join(dir, 'strategy.sock');
  const token = 'unix-socket-token-0123456789';
  const cfg = restingConfig({ gateway: { listen: { socket: sock }, tokenEnv: 'HLX_TEST_GATEWAY_TOKEN' } });
  let gw: Gateway | null = null;
  const { hp } = await restingHotPath({ config: cfg, onStrategyEvent: (ev) => gw?.publish(ev) });
  gw = await startGateway({ config: cfg.gateway!, host: hostFromHotPath('unix-session', () => hp), token });
  const child = spawn(python, [path.join(ROOT, 'examples', 'python-gateway', 'strategy.py'), '--socket', sock, '--coin', 'SOL', '--max-trades', '1', '--hold-ms', '600000', '--snapshot-ms', '20', '--exit-on-hardstop'], {
    env: { ...process.env, HLX_GATEWAY_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  const lines = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; [k: string]: unknown });
  try {
    const acc = await waitFor(() => lines().find((l) => l.kind === 'result' && l.status === 'Accepted'), 'Accepted in Python', 30_000);
    await waitFor(() => lines().find((l) => l.kind === 'fill' && l.cloid === acc.cloid), 'the fill in Python', 10_000);
    expect(hp.tracker.allPositions()).toEqual([{ coin: 'SOL', szi: expect.stringMatching(/^0\.\d+$/) }]);
    hp.hardStop('Operator', 'test');
    expect(await exited).toBe(0);
    expect(lines().find((l) => l.kind === 'hardStop')).toMatchObject({ reason: 'Operator', source: 'test' });
  } finally {
    child.kill('SIGKILL');
    if (err) process.stderr.write(err);
    hp.stop();
    await gw.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
