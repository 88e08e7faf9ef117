/**
 * #11 in one hot-path worker (in this process) against the dev server and the simulator:
 *  - a HardStop the workflow sent (hlx hardstop) latches the hot path without leaving anything owed
 *    in its journal; one the hot path raised leaves the journal once Temporal acknowledged it;
 *  - after HardStop(ConsecutiveLosses), `hlx resume` keeps the streak (the session stops again at
 *    once, before any trade) and `hlx resume --reset-streak` resets it — never the cumulative pnl.
 */
import Decimal from 'decimal.js';
import { hardStopSignal } from '../../../workflows/messages';
import { runCli, sessionState, startInProcessWorker, startOperatorEnv, testConfig, waitForPhase, waitUntil, type OperatorEnv } from '../operator/harness';
import type { HotPathWorker } from '../../../workers/hotpath-worker';

jest.setTimeout(240_000);

let env: OperatorEnv;
let w: HotPathWorker | null = null;
beforeAll(async () => {
  env = await startOperatorEnv();
});
afterAll(async () => {
  await w?.shutdown();
  await env?.close();
});
afterEach(async () => {
  env.sim.admin.ioSlippage(0);
  await w?.shutdown();
  w = null;
});

test('a workflow-sent HardStop leaves nothing owed in the journal; a hot-path one leaves once acknowledged', async () => {
  const config = testConfig(env, { name: 'jrnl', strategy: { kind: 'demo', holdMs: 60_000, cooldownMs: 200, aggressionBps: 50, maxTrades: 1 } });
  w = await startInProcessWorker(env, config);
  await waitForPhase(env, w.sessionId, ['READY_TRADING'], 30_000);
  await env.t.client.workflow.getHandle(w.sessionId).signal(hardStopSignal, { reason: 'Operator', source: 'cli' });
  await waitForPhase(env, w.sessionId, ['STOPPED_FLAT'], 60_000);
  await waitUntil(() => w!.hotPath().latch.isTriggered(), (x) => x, 10_000, 'the latch engaged by the stop');
  expect(w.journal.pending()).toEqual([]);
  // a later one raised here: journalled, delivered (recorded by the session), then gone
  w.hardStop('Operator', 'ctrl-c');
  const s = await waitUntil(() => sessionState(env, w!.sessionId), (x) => x.laterHardStops.some((h) => h.source === 'ctrl-c'), 20_000, 'the later HardStop at the session');
  expect(s.journalIds?.length).toBe(1);
  await waitUntil(() => w!.journal.pending(), (p) => p.length === 0, 10_000, 'the journal emptied');
});

test('after HardStop(ConsecutiveLosses): resume keeps the streak (stops again at once), resume --reset-streak resets it, pnl carries over', async () => {
  env.sim.admin.ioSlippage(60);
  const config = testConfig(env, { name: 'reset', risk: { maxConsecutiveLosses: 2 }, strategy: { kind: 'demo', holdMs: 800, cooldownMs: 60_000, aggressionBps: 100, maxTrades: 2 } });
  w = await startInProcessWorker(env, config);
  const first = await waitForPhase(env, w.sessionId, ['STOPPED_FLAT'], 120_000);
  expect(first.hardStop?.reason).toBe('ConsecutiveLosses');
  const fills = env.sim.admin.state(env.address).fills.length;

  let r = await runCli(env, ['resume', '--note', 'looked at it', '--session-id', w.sessionId]);
  expect(r.status).toBe(0);
  const again = await waitUntil(() => sessionState(env, w!.sessionId), (s) => s.stops.length === 2 && s.phase === 'STOPPED_FLAT', 60_000, 'stopped again');
  expect(again.hardStop).toMatchObject({ reason: 'ConsecutiveLosses', details: { restored: true } });
  expect(env.sim.admin.state(env.address).fills.length).toBe(fills); // not one trade in between
  // read once both stops are done: the stop's closing fills (from memory and from the stop worker) have all been counted
  const pnl = w.hotPath().riskMonitor.figures().pnlCumulativeUsd;
  expect(pnl).not.toBe('0');

  r = await runCli(env, ['resume', '--note', 'streak understood', '--reset-streak', '--session-id', w.sessionId]);
  expect(r.stdout).toContain('losing streak reset');
  await waitUntil(() => w!.hotPath().readiness.tradingAllowed, (x) => x, 30_000, 'trading allowed again');
  const fig = w.hotPath().riskMonitor.figures();
  expect(fig.consecutiveLosses).toBe(0);
  // carried over, never reset: the same loss or more (a closing fill's fee may be counted after the read above)
  expect(fig.pnlCumulativeUsd).not.toBe('0');
  expect(new Decimal(fig.pnlCumulativeUsd).lte(new Decimal(pnl))).toBe(true);
  expect(fig.closedTrades).toBe(2);
});
