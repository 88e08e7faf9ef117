/**
 * Both ways to bring a strategy, against the real Temporal dev server, the simulator and the stop
 * worker, with the hot-path worker as it runs in production:
 *
 * - the Python example (examples/python-gateway/strategy.py, `websockets` from the project's
 *   pinned venv) speaks the gateway protocol: its signal goes through the gates to the venue, the
 *   fill comes back to Python as an event; a HardStop reaches Python, which exits; the session
 *   ends STOPPED_FLAT with the venue flat.
 * - the TypeScript example module (examples/quoter/quoter.ts, `strategy.kind: module`) rests a
 *   post-only bid, re-quotes when the mid moves (the venue confirms the cancel by cloid), and once
 *   filled rests a reduce-only exit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as path from 'node:path';
import { parseSessionConfig } from '../../../src/config/session';
import type { HotPathWorker } from '../../../workers/hotpath-worker';
import { TestClient } from '../../unit/gateway/client';
import { isFlat, openPositions, ROOT, startInProcessWorker, startOperatorEnv, testConfig, waitForPhase, waitUntil, type OperatorEnv } from '../operator/harness';

jest.setTimeout(120_000);

let env: OperatorEnv;
let python: string;
beforeAll(async () => {
  // the project's own Python (scripts/ensure-python.sh installs python/requirements.txt once)
  const r = spawnSync(path.join(ROOT, 'scripts', 'ensure-python.sh'), { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/ensure-python.sh failed: ${r.stderr}`);
  python = r.stdout.trim().split('\n').pop()!;
  env = await startOperatorEnv();
}, 600_000); // a fresh clone installs the pinned Python packages here, once
afterAll(async () => {
  await env?.close();
});

let worker: HotPathWorker | null = null;
afterEach(async () => {
  env.sim.admin.freezePrices(false);
  await worker?.shutdown();
  worker = null;
});

interface Line {
  kind: string;
  [k: string]: unknown;
}

function runPython(args: string[], extraEnv: Record<string, string>) {
  const child = spawn(python, [path.join(ROOT, 'examples', 'python-gateway', 'strategy.py'), ...args], { cwd: ROOT, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let buf = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const s = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(s) as Line);
      } catch {
        lines.push({ kind: 'unparsed', text: s });
      }
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, lines, exited, stderr: () => stderr };
}

test('Python over the gateway: signal → gates → venue → fill event back to Python; a HardStop seen by Python; flat', async () => {
  const tokenEnv = 'HLX_TEST_GATEWAY_TOKEN';
  const token = randomBytes(16).toString('hex');
  process.env[tokenEnv] = token;
  const config = parseSessionConfig({
    ...testConfig(env, { name: 'py' }),
    strategy: { kind: 'external' },
    gateway: { listen: { host: '127.0.0.1', port: 0 }, tokenEnv },
  });
  worker = await startInProcessWorker(env, config);
  expect(worker.gateway?.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
  await waitForPhase(env, worker.sessionId, ['READY_TRADING'], 30_000);

  const py = runPython(['--url', worker.gateway!.url, '--token-env', tokenEnv, '--coin', 'ETH', '--max-trades', '1', '--hold-ms', '600000', '--snapshot-ms', '50', '--exit-on-hardstop'], { [tokenEnv]: token });
  try {
    const accepted = await waitUntil(() => py.lines.find((l) => l.kind === 'result' && l.status === 'Accepted'), (l) => l !== undefined, 30_000, 'an Accepted result in Python');
    const cloid = accepted!.cloid as string;
    expect(cloid).toMatch(/^0x[0-9a-f]{32}$/);
    // the fill of that very order, as Python saw it
    const fill = await waitUntil(() => py.lines.find((l) => l.kind === 'fill' && l.cloid === cloid), (l) => l !== undefined, 30_000, `the fill of ${cloid} in Python`);
    expect(fill).toMatchObject({ coin: 'ETH', side: 'B' });
    // the venue agrees: a fill with that cloid, and the position
    const venue = env.sim.admin.state(env.address);
    expect(venue.fills.some((f) => f.cloid === cloid)).toBe(true);
    expect(openPositions(venue).map((p) => p.coin)).toEqual(['ETH']);
    expect(worker.gateway!.stats).toMatchObject({ connections: 1, signals: 1, badFrames: 0 });

    worker.hardStop('Operator', 'test');
    expect(await py.exited).toBe(0);
    expect(py.lines.find((l) => l.kind === 'hardStop')).toEqual({ kind: 'hardStop', reason: 'Operator', source: 'test' });
    const s = await waitForPhase(env, worker.sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 45_000);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(isFlat(env.sim.admin.state(env.address))).toBe(true);
  } finally {
    py.child.kill('SIGKILL');
    if (py.stderr()) process.stderr.write(`strategy.py stderr:\n${py.stderr()}\n`);
  }
});

test('the TypeScript quoter module: post-only bid, re-quote on a mid move (cancel by cloid at the venue), reduce-only exit after the fill', async () => {
  const config = parseSessionConfig({
    ...testConfig(env, { name: 'quoter' }),
    strategy: { kind: 'module', module: path.join(ROOT, 'examples', 'quoter', 'quoter.ts'), params: { coin: 'BTC', notionalUsd: '15', offsetBps: 10, requoteBps: 5 } },
  });
  env.sim.admin.freezePrices(true);
  worker = await startInProcessWorker(env, config);
  await waitForPhase(env, worker.sessionId, ['READY_TRADING'], 30_000);
  const btcOrders = () => env.sim.admin.state(env.address).openOrders.filter((o) => o.coin === 'BTC');
  const first = (await waitUntil(btcOrders, (o) => o.length === 1, 30_000, 'the first BTC quote'))[0];
  expect(first).toMatchObject({ side: 'B', tif: 'Alo', reduceOnly: false });
  expect(first.cloid).toMatch(/^0x[0-9a-f]{32}$/);

  // the mid moves 20 bps up: the quote is cancelled by cloid and a new one rests near the new mid
  const mark = Number(worker.hotPath().marketState.get('BTC')!.markPx);
  env.sim.admin.setPrice('BTC', String(Math.round(mark * 1.002)));
  const second = (await waitUntil(btcOrders, (o) => o.length === 1 && o[0].cloid !== first.cloid, 30_000, 'a re-quote'))[0];
  expect(Number(second.limitPx)).toBeGreaterThan(Number(first.limitPx));
  expect(worker.hotPath().executor.cancelCounts.Accepted).toBeGreaterThanOrEqual(1);

  // the market trades down through the bid: it fills, and a reduce-only ask rests
  env.sim.admin.setPrice('BTC', String(Math.round(Number(second.limitPx) * 0.995)));
  await waitUntil(() => openPositions(env.sim.admin.state(env.address)), (p) => p.some((x) => x.coin === 'BTC' && Number(x.szi) > 0), 30_000, 'a BTC long');
  const exit = (await waitUntil(btcOrders, (o) => o.some((x) => x.side === 'A'), 30_000, 'the reduce-only exit'))[0];
  expect(exit).toMatchObject({ side: 'A', tif: 'Alo', reduceOnly: true });

  worker.hardStop('Operator', 'test');
  const s = await waitForPhase(env, worker.sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 45_000);
  expect(s.phase).toBe('STOPPED_FLAT');
  expect(isFlat(env.sim.admin.state(env.address))).toBe(true);
});

test('a gateway that cannot listen fails the start naming gateway.listen; a missing token names gateway.tokenEnv', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    process.env.HLX_TEST_GATEWAY_TOKEN = randomBytes(16).toString('hex');
    const base = { ...testConfig(env, { name: 'busy' }), strategy: { kind: 'external' } };
    await expect(startInProcessWorker(env, parseSessionConfig({ ...base, gateway: { listen: { port }, tokenEnv: 'HLX_TEST_GATEWAY_TOKEN' } }))).rejects.toThrow(/^gateway\.listen: cannot listen: .*EADDRINUSE/);
    await expect(startInProcessWorker(env, parseSessionConfig({ ...base, gateway: { listen: { port: 0 }, tokenEnv: 'HLX_TEST_NO_SUCH_TOKEN' } }))).rejects.toThrow(/^gateway\.tokenEnv: the environment variable HLX_TEST_NO_SUCH_TOKEN is not set/);
  } finally {
    blocker.close();
  }
});

describe('the strategy process dies (its socket drops without a close)', () => {
  const tokenEnv = 'HLX_TEST_GATEWAY_TOKEN';
  const token = randomBytes(16).toString('hex');
  beforeAll(() => {
    process.env[tokenEnv] = token;
  });

  async function restingBid(onDisconnect: 'cancel' | 'hardStop') {
    const config = parseSessionConfig({
      ...testConfig(env, { name: `drop-${onDisconnect}` }),
      strategy: { kind: 'external' },
      gateway: { listen: { port: 0 }, tokenEnv, onDisconnect },
    });
    worker = await startInProcessWorker(env, config);
    await waitForPhase(env, worker.sessionId, ['READY_TRADING'], 30_000);
    // the workflow says READY_TRADING first; the hot path opens its gate on its next phase poll
    const w = worker;
    await waitUntil(() => w.hotPath().status().ready, (ready) => ready, 10_000, 'the hot path ready to trade');
    const c = await TestClient.connect(worker.gateway!.url, token);
    await c.next('welcome');
    const mark = Number(worker.hotPath().marketState.get('ETH')!.markPx);
    c.send({ type: 'signal', id: 1, signal: { market: 'ETH', side: 'buy', size: '0.005', limitPx: String(Math.round(mark * 0.97)), tif: 'Alo' } });
    const r = await c.next('result', (f) => f.id === 1, 10_000);
    expect(r.result).toMatchObject({ status: 'Accepted' }); // a refusal shows its reason
    const cloid = (r.result as { cloid: string }).cloid;
    await waitUntil(() => env.sim.admin.state(env.address).openOrders, (o) => o.some((x) => x.cloid === cloid), 20_000, 'the bid resting at the venue');
    c.ws.terminate();
    return cloid;
  }

  test('onDisconnect cancel (the default): its resting order is cancelled at the venue, the session trades on', async () => {
    const cloid = await restingBid('cancel');
    await waitUntil(() => env.sim.admin.state(env.address).openOrders, (o) => !o.some((x) => x.cloid === cloid), 20_000, 'the bid cancelled at the venue');
    expect(worker!.gateway!.stats.disconnectCancels).toBe(1);
    expect(worker!.hotPath().latch.isTriggered()).toBe(false);
  });

  test('onDisconnect hardStop: the session stops flat', async () => {
    await restingBid('hardStop');
    const s = await waitForPhase(env, worker!.sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 45_000);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(worker!.hotPath().latch.record()).toMatchObject({ reason: 'Operator', source: 'gateway:strategy-disconnected' });
    expect(isFlat(env.sim.admin.state(env.address))).toBe(true);
  });
});
