/**
 * HardStop to flat for every trigger, on the real dev server, the simulator and the stop worker:
 * the hot-path worker (in this process) trades the demo strategy; each test lowers one threshold
 * (or injects the simulator fault that crosses it), and the session must end STOPPED_FLAT with
 * the simulator's own state flat (no position, no open order) and the HardStop reason recorded.
 */
import type { HotPathWorker } from '../../../workers/hotpath-worker';
import type { SessionConfig } from '../../../src/config/session';
import { isFlat, openPositions, runCli, startInProcessWorker, startOperatorEnv, testConfig, waitForPhase, waitUntil, type OperatorEnv } from './harness';

jest.setTimeout(90_000);

let env: OperatorEnv;
beforeAll(async () => {
  env = await startOperatorEnv();
});
afterAll(async () => {
  await env?.close();
});

let worker: HotPathWorker | null = null;
afterEach(async () => {
  env.sim.admin.rejectNext(0, 'reset');
  env.sim.admin.ioSlippage(0);
  await worker?.shutdown();
  worker = null;
});

/** Start trading; wait until the demo holds a position (so the flatten has work to do) unless told not to. */
async function trade(config: SessionConfig, opts: { waitForPosition?: boolean } = {}): Promise<HotPathWorker> {
  worker = await startInProcessWorker(env, config);
  await waitForPhase(env, worker.sessionId, ['READY_TRADING', 'HARD_STOP', 'FLATTENING', 'STOPPED_FLAT'], 20_000);
  if (opts.waitForPosition !== false) {
    await waitUntil(() => env.sim.admin.state(env.address), (s) => openPositions(s).length > 0 || worker!.hotPath().latch.isTriggered(), 20_000, 'a position');
  }
  return worker;
}

async function expectStoppedFlat(w: HotPathWorker, reason: string): Promise<void> {
  const s = await waitForPhase(env, w.sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 45_000);
  expect(s.phase).toBe('STOPPED_FLAT');
  expect(s.hardStop?.reason).toBe(reason);
  // the hot path's latch is engaged (by its own trigger or by the stop sequence's activity)
  expect(w.hotPath().latch.isTriggered()).toBe(true);
  // the venue is the truth
  const venue = env.sim.admin.state(env.address);
  expect(openPositions(venue)).toEqual([]);
  expect(venue.openOrders).toEqual([]);
  expect(isFlat(venue)).toBe(true);
}

test('cumulative loss: fees alone cross a 0.001 USD limit → HardStop(CumulativeLoss) → flat', async () => {
  const w = await trade(testConfig(env, { name: 'loss', risk: { maxCumulativeLossUsd: '0.001' } }));
  await expectStoppedFlat(w, 'CumulativeLoss');
  expect(w.hotPath().latch.record()?.source).toBe('risk-monitor');
});

test('consecutive losses: IOC fills 30 bps worse make every round trip lose → HardStop(ConsecutiveLosses) → flat', async () => {
  env.sim.admin.ioSlippage(30);
  const w = await trade(testConfig(env, { name: 'losses', risk: { maxConsecutiveLosses: 1 }, strategy: { kind: 'demo', holdMs: 300, cooldownMs: 200, aggressionBps: 100 } }));
  await expectStoppedFlat(w, 'ConsecutiveLosses');
});

test('reject burst: the venue rejects the next orders → HardStop(RejectBurst) → flat', async () => {
  const w = await trade(testConfig(env, { name: 'rejects', risk: { rejectBurstCount: 2, rejectWindowMs: 10_000 } }));
  // exactly the burst: the stop sequence's own flatten orders must not be refused too
  env.sim.admin.rejectNext(2, 'Insufficient margin to place order.');
  await expectStoppedFlat(w, 'RejectBurst');
});

test('slippage anomaly: one IOC fill 60 bps worse than intended → HardStop(SlippageAnomaly) → flat', async () => {
  const w = await trade(testConfig(env, { name: 'slip', risk: { maxFillSlippageBps: 20 }, strategy: { kind: 'demo', holdMs: 1500, cooldownMs: 200, aggressionBps: 150 } }));
  env.sim.admin.ioSlippage(60);
  await expectStoppedFlat(w, 'SlippageAnomaly');
});

test('socket disconnect: the venue drops the socket for longer than 100 ms → HardStop(SocketDisconnected) → flat', async () => {
  const w = await trade(testConfig(env, { name: 'socket', risk: { maxDisconnectMs: 100 } }));
  // reconnects come after ≥ 125 ms (backoff 250 ms, jitter ≤ 50 %); drop again in case one is quicker
  const until = Date.now() + 3_000;
  while (!w.hotPath().latch.isTriggered() && Date.now() < until) {
    env.sim.admin.dropSockets();
    await new Promise((r) => setTimeout(r, 150));
  }
  await expectStoppedFlat(w, 'SocketDisconnected');
});

test('NO-GO: the first checkpoint (1 closed trade) demands an edge no trade has → HardStop(NoGo) → flat, verdict recorded', async () => {
  const w = await trade(
    testConfig(env, {
      name: 'nogo',
      strategy: { kind: 'demo', holdMs: 300, cooldownMs: 200, aggressionBps: 50 },
      goNoGo: { checkpoints: [{ trades: 1, minMeanEdgeBps: 100_000, maxMeanSlippageBps: 100_000, minPnlCumulativeUsd: '-100000' }] },
    }),
  );
  await expectStoppedFlat(w, 'NoGo');
  const s = await waitForPhase(env, w.sessionId, ['STOPPED_FLAT']);
  expect(s.goNoGo).toBe('NO_GO');
  expect(s.checkpoints[0]).toMatchObject({ checkpoint: 1, effectiveVerdict: 'NO_GO' });
});

test('operator: `hlx hardstop --reason …` from the CLI → HardStop(Operator) → flat; `hlx report` and `hlx session status` answer', async () => {
  const w = await trade(testConfig(env, { name: 'operator' }));
  const cli = (...args: string[]) => runCli(env, args);
  const r = await cli('hardstop', '--reason', 'integration test', '--session-id', w.sessionId, '--timeout-ms', '45000');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('STOPPED_FLAT');
  await expectStoppedFlat(w, 'Operator');
  const s = await waitForPhase(env, w.sessionId, ['STOPPED_FLAT']);
  expect(s.hardStop).toMatchObject({ reason: 'Operator', source: 'cli', details: { text: 'integration test' } });

  const status = await cli('session', 'status', '--session-id', w.sessionId);
  expect(status.status).toBe(0);
  expect(status.stdout).toContain('phase STOPPED_FLAT');
  expect(status.stdout).toContain('HardStop Operator');
  const report = await cli('report', '--session-id', w.sessionId);
  expect(report.status).toBe(0);
  expect(report.stdout).toContain('Go/No-Go');
  // a resume without a note is refused by the CLI (exit 2, names the flag)
  const bad = await cli('resume', '--session-id', w.sessionId);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('--note');
});

test('resume: `hlx resume --note` on a session stopped flat rebuilds the hot path, which trades again; a new HardStop flattens again', async () => {
  const w = await trade(testConfig(env, { name: 'resume' }));
  const firstHotPath = w.hotPath();
  w.hardStop('Operator', 'test');
  await expectStoppedFlat(w, 'Operator');
  const fillsBefore = env.sim.admin.state(env.address).fills.length;

  const r = await runCli(env, ['resume', '--session-id', w.sessionId, '--note', 'checked the venue, resuming']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('READY_TRADING');
  // a fresh hot path (the latch is one-way), trading again
  await waitUntil(() => w.hotPath(), (hp) => hp !== firstHotPath && !hp.latch.isTriggered() && hp.readiness.tradingAllowed, 15_000, 'the rebuilt hot path trading');
  await waitUntil(() => env.sim.admin.state(env.address), (s) => s.fills.length > fillsBefore && openPositions(s).length > 0, 20_000, 'new fills after the resume');

  w.hardStop('Operator', 'test');
  const s = await waitForPhase(env, w.sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 45_000);
  expect(s.phase).toBe('STOPPED_FLAT');
  expect(s.stops.length).toBeGreaterThanOrEqual(2);
  expect(isFlat(env.sim.admin.state(env.address))).toBe(true);
});

test('Temporal unreachable: the hot path comes up (socket, marks, positions) but never trades', async () => {
  const { Client, Connection } = await import('@temporalio/client');
  const { VenueClient } = await import('../../../src/exchange/hyperliquid/venue-client');
  const { startHotPathWorker } = await import('../../../workers/hotpath-worker');
  const { createWireFor } = await import('../../../workers/venue-port');
  const config = testConfig(env, { name: 'notemporal' });
  const dead = new Client({ connection: Connection.lazy({ address: '127.0.0.1:9' }), namespace: 'default' });
  const fillsBefore = env.sim.admin.state(env.address).fills.length;
  const w2 = await startHotPathWorker({
    config,
    client: dead,
    queues: env.queues,
    venue: VenueClient.fromEndpoints({ httpUrl: env.sim.httpUrl, wsUrl: env.sim.wsUrl, isMainnet: false }),
    wire: await createWireFor(config, env.signer),
  });
  try {
    await waitUntil(() => w2.hotPath().readiness, (r) => r.socketUp && r.snapshotsLoaded && r.positionsSynced, 10_000, 'socket, marks and positions');
    await new Promise((r) => setTimeout(r, 1_500));
    const st = w2.hotPath().status();
    expect(st.readiness.tradingAllowed).toBe(false);
    expect(st.gateCounts.Accepted).toBe(0);
    expect(st.loop.posts).toBe(0);
    expect(env.sim.admin.state(env.address).fills.length).toBe(fillsBefore);
  } finally {
    await w2.shutdown();
  }
});
