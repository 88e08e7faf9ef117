/**
 * The hot-path worker as its own process, where killing it matters: SIGKILL in the middle of the
 * flatten (the stop worker completes to flat without it), a restarted worker on a stopped session
 * (no order is sent), Ctrl+C (HardStop(Operator) and a bounded wait for flat, then exit 0), and
 * the socket down during the stop (flat through HTTP).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hardStopSignal } from '../../../workflows/messages';
import type { HotPathStatusJson } from '../../../activities/hotpath';
import {
  isFlat,
  openPositions,
  sessionState,
  sleep,
  spawnWorker,
  startInProcessWorker,
  startOperatorEnv,
  testConfig,
  waitForPhase,
  waitUntil,
  type ChildWorker,
  type OperatorEnv,
  killLive,
} from './harness';

jest.setTimeout(120_000);

let env: OperatorEnv;
const children: ChildWorker[] = [];
beforeAll(async () => {
  env = await startOperatorEnv();
});
afterAll(async () => {
  killLive(children);
  await env?.close();
});
afterEach(async () => {
  env.sim.admin.latency(0);
  // one account is shared by the tests: no worker of a finished test may go on trading
  killLive(children);
  await Promise.all(children.map((c) => c.exited));
});

function readStatus(c: ChildWorker, sessionId: string): HotPathStatusJson | null {
  const file = path.join(c.statusDir, `${sessionId}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as HotPathStatusJson;
  } catch {
    return null;
  }
}

test('hot-path worker SIGKILLed in the middle of the flatten: the stop worker completes to flat; a restarted worker on the stopped session sends no order', async () => {
  const config = testConfig(env, { name: 'kill', strategy: { kind: 'demo', holdMs: 60_000, cooldownMs: 200, aggressionBps: 50 } });
  const first = spawnWorker(env, config);
  children.push(first);
  const sessionId = (await waitUntil(() => fs.readdirSync(first.statusDir).find((f) => f.includes(config.session.id!)), (f) => !!f, 30_000, 'the worker status file'))!.replace(/\.json$/, '');
  await waitForPhase(env, sessionId, ['READY_TRADING'], 30_000);
  // the demo holds its positions for a minute: wait until it holds one
  await waitUntil(() => env.sim.admin.state(env.address), (s) => openPositions(s).length > 0, 20_000, 'an open position');

  // slow the venue down so the flatten is still running when the hot path dies
  env.sim.admin.latency(300);
  await env.t.client.workflow.getHandle(sessionId).signal(hardStopSignal, { reason: 'Operator', source: 'test', details: { why: 'kill mid-flatten' } });
  // the hot path flattens from memory at once (stop #10): on a fast machine the stop may already be done
  await waitForPhase(env, sessionId, ['FLATTENING', 'STOP_STUCK', 'STOP_WAITING_WORKER', 'STOPPED_FLAT'], 20_000);
  first.child.kill('SIGKILL');
  const gone = await first.exited;
  expect(gone.signal).toBe('SIGKILL');
  env.sim.admin.latency(0);

  const s = await waitForPhase(env, sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 60_000);
  expect(s.phase).toBe('STOPPED_FLAT');
  expect(isFlat(env.sim.admin.state(env.address))).toBe(true);

  // a restart on the stopped session: the worker comes up, asks the session, and sends nothing
  const fillsBefore = env.sim.admin.state(env.address).fills.length;
  fs.rmSync(path.join(first.statusDir, `${sessionId}.json`), { force: true }); // the dead worker's last status
  const second = spawnWorker(env, config);
  children.push(second);
  const st = await waitUntil(() => readStatus(second, sessionId), (x) => !!x && x.readiness.positionsSynced && x.readiness.socketUp && x.readiness.snapshotsLoaded, 30_000, 'the restarted worker synced');
  expect(st!.readiness.tradingAllowed).toBe(false);
  await sleep(2_500); // several strategy ticks: the demo wants to open in every market
  const later = readStatus(second, sessionId)!;
  expect(later.readiness.tradingAllowed).toBe(false);
  // no order reached the gates' Accepted or the wire
  expect({ accepted: later.gateCounts.Accepted, orderPosts: later.lastEvents.filter((e) => e.type === 'posted' && e.kind === 'order') }).toEqual({ accepted: 0, orderPosts: [] });
  expect({ posts: later.loop.posts, events: later.lastEvents.filter((e) => e.type !== 'socket') }).toEqual({ posts: 0, events: [] });
  const venue = env.sim.admin.state(env.address);
  expect(venue.fills.length).toBe(fillsBefore);
  expect(venue.openOrders).toEqual([]);
  expect((await sessionState(env, sessionId)).phase).toBe('STOPPED_FLAT');
  expect(second.output()).toContain('session is stopped');

  // Ctrl+C on a stopped session: nothing to flatten, the worker exits 0
  second.child.kill('SIGINT');
  const exit = await second.exited;
  expect(exit.code).toBe(0);
});

test('Ctrl+C on a trading worker: HardStop(Operator, ctrl-c), waits for flat, exits 0', async () => {
  const config = testConfig(env, { name: 'ctrlc', strategy: { kind: 'demo', holdMs: 60_000, cooldownMs: 200, aggressionBps: 50 } });
  const w = spawnWorker(env, config);
  children.push(w);
  const sessionId = (await waitUntil(() => fs.readdirSync(w.statusDir).find((f) => f.includes(config.session.id!)), (f) => !!f, 30_000, 'the worker status file'))!.replace(/\.json$/, '');
  await waitForPhase(env, sessionId, ['READY_TRADING'], 30_000);
  await waitUntil(() => env.sim.admin.state(env.address), (s) => openPositions(s).length > 0, 20_000, 'a position');
  w.child.kill('SIGINT');
  const exit = await w.exited;
  expect(exit.code).toBe(0);
  const s = await sessionState(env, sessionId);
  expect(s.phase).toBe('STOPPED_FLAT');
  expect(s.hardStop).toMatchObject({ reason: 'Operator', source: 'ctrl-c' });
  const venue = env.sim.admin.state(env.address);
  expect({ positions: openPositions(venue), openOrders: venue.openOrders }).toEqual({ positions: [], openOrders: [] });
});

test('the socket down during the stop: flat through HTTP', async () => {
  const config = testConfig(env, { name: 'nosocket', strategy: { kind: 'demo', holdMs: 60_000, cooldownMs: 200, aggressionBps: 50 } });
  const w = await startInProcessWorker(env, config);
  try {
    await waitForPhase(env, w.sessionId, ['READY_TRADING'], 20_000);
    await waitUntil(() => env.sim.admin.state(env.address), (s) => openPositions(s).length > 0, 20_000, 'a position');
    // keep the socket down for the whole stop: drop every connection as soon as it comes back
    let dropping = true;
    // what the hot path saw just before each drop: a reconnect may win a few ms between drops,
    // so "down during the stop" is asserted over the samples, not at one instant
    const samples = { up: 0, down: 0 };
    const dropper = (async () => {
      while (dropping) {
        samples[w.hotPath().readiness.socketUp ? 'up' : 'down']++;
        env.sim.admin.dropSockets();
        await sleep(20);
      }
    })();
    await waitUntil(() => w.hotPath().readiness.socketUp, (up) => up === false, 5_000, 'the socket down');
    samples.up = 0;
    samples.down = 0;
    w.hardStop('Operator', 'test');
    const s = await waitForPhase(env, w.sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 45_000);
    dropping = false;
    await dropper;
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(samples.down).toBeGreaterThan(samples.up);
    expect(isFlat(env.sim.admin.state(env.address))).toBe(true);
  } finally {
    await w.shutdown();
  }
});
