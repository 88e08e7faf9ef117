/**
 * `hlx hardstop --market SOL` within a trading session, against the dev server, the simulator
 * and the stop worker: SOL goes reduce-only in the hot path, its orders are cancelled and its
 * position flattened by the market stop sequence; BTC and ETH keep trading; the session stays
 * READY_TRADING with its latch untouched; `hlx resume --market SOL` lets SOL trade again.
 */
import type { HotPathWorker } from '../../../workers/hotpath-worker';
import { stateQuery } from '../../../workflows/messages';
import { openPositions, runCli, startInProcessWorker, startOperatorEnv, testConfig, waitForPhase, waitUntil, type OperatorEnv } from '../operator/harness';

jest.setTimeout(240_000);

let env: OperatorEnv;
let w: HotPathWorker | undefined;
beforeAll(async () => {
  env = await startOperatorEnv();
});
afterAll(async () => {
  await w?.shutdown();
  await env?.close();
});

const fills = () => env.sim.admin.state(env.address).fills;
const sol = () => openPositions(env.sim.admin.state(env.address)).find((p) => p.coin === 'SOL');

test('a market-scoped stop flattens SOL alone and keeps BTC/ETH trading; resumable per market', async () => {
  // positions held long enough that SOL is open when the stop arrives
  w = await startInProcessWorker(env, testConfig(env, { name: 'market', strategy: { kind: 'demo', orderNotionalUsd: '15', holdMs: 12_000, cooldownMs: 300, aggressionBps: 50 } }));
  await waitForPhase(env, w.sessionId, ['READY_TRADING'], 60_000);
  await waitUntil(() => sol(), (p) => p !== undefined, 60_000, 'a SOL position');

  const r = await runCli(env, ['hardstop', '--reason', 'SOL feed suspect', '--market', 'SOL', '--session', w.sessionId, '--timeout-ms', '90000'], 120_000);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('market HardStop(SOL) signalled');
  expect(r.stdout).toContain('SOL STOPPED_FLAT');
  const flatAt = Date.now();

  // the venue: SOL flat, no SOL order left
  const venue = env.sim.admin.state(env.address);
  expect(openPositions(venue).filter((p) => p.coin === 'SOL')).toEqual([]);
  expect(venue.openOrders.filter((o) => o.coin === 'SOL')).toEqual([]);
  // the session trades on: phase, latch, and the record of the market stop
  const s = await env.t.client.workflow.getHandle(w.sessionId).query(stateQuery);
  expect(s.phase).toBe('READY_TRADING');
  expect(s.hardStop).toBeUndefined();
  expect(s.stopCount).toBe(0);
  expect(s.marketStops).toEqual([expect.objectContaining({ coin: 'SOL', n: 1, outcome: 'STOPPED_FLAT', remaining: [], openOrdersLeft: 0 })]);
  // the market stop did the flatten (SOL was held when it ran) and only SOL
  const child = await env.t.client.workflow.getHandle(s.marketStops![0].workflowId).result();
  expect(child).toMatchObject({ outcome: 'STOPPED_FLAT', remaining: [], openOrdersLeft: 0 });
  expect(child.ordersSent).toBeGreaterThanOrEqual(1);
  expect(child.steps.filter((x: string) => / IOC → /.test(x)).every((x: string) => x.includes(' SOL @ '))).toBe(true);
  const hp = w.hotPath();
  expect(hp.latch.isTriggered()).toBe(false);
  expect(hp.marketState.get('SOL')!.reduceOnlyBy).toMatch(/Operator from cli/);

  // BTC/ETH keep opening and closing; SOL opens nothing while reduce-only (its signals are rejected)
  await waitUntil(
    () => fills().filter((f) => f.time > flatAt && f.coin !== 'SOL' && f.dir.startsWith('Open')).length,
    (n) => n >= 1,
    90_000,
    'a new BTC/ETH position after the SOL stop',
  );
  await waitUntil(() => hp.executor.counts.MarketReduceOnly, (n) => n >= 1, 60_000, 'a SOL open refused as MarketReduceOnly');
  expect(fills().filter((f) => f.time > flatAt && f.coin === 'SOL' && f.dir.startsWith('Open'))).toEqual([]);
  expect(sol()).toBeUndefined();

  // refusals name the flag / say why
  const bad = await runCli(env, ['hardstop', '--reason', 'x', '--market', 'DOGE', '--session', w.sessionId]);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('--market: DOGE is not a market of');
  const notHalted = await runCli(env, ['resume', '--note', 'x', '--market', 'BTC', '--session-id', w.sessionId]);
  expect(notHalted.status).toBe(1);
  expect(notHalted.stderr).toContain('BTC is not reduce-only');

  // resume SOL: it trades again
  const resumed = await runCli(env, ['resume', '--note', 'SOL feed fixed', '--market', 'SOL', '--session-id', w.sessionId]);
  expect(resumed.stderr).toBe('');
  expect(resumed.status).toBe(0);
  expect(resumed.stdout).toContain('resumed SOL');
  await waitUntil(() => hp.marketState.get('SOL')!.reduceOnlyBy, (x) => !x, 10_000, 'SOL no longer reduce-only in the hot path');
  const resumedAt = Date.now();
  await waitUntil(() => fills().filter((f) => f.time > resumedAt && f.coin === 'SOL' && f.dir.startsWith('Open')).length, (n) => n >= 1, 60_000, 'a SOL position after the resume');
  const after = await env.t.client.workflow.getHandle(w.sessionId).query(stateQuery);
  expect(after.marketStops![0]).toMatchObject({ coin: 'SOL', resumeNote: 'SOL feed fixed' });
  expect(after.phase).toBe('READY_TRADING');
});
