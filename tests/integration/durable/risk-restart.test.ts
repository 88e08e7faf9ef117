/**
 * #11 durable risk state, driven as an operator would: N−1 consecutive losses, kill -9, restart
 * (on "another machine": the local copy of the counters is gone, only the session workflow's
 * checkpoint is left), one more loss → HardStop(ConsecutiveLosses).
 *
 * The kill -9 itself stops the session (its lease on the hot path runs out: HardStop(HotPathLost),
 * flat); the operator restarts the hot path and resumes without --reset-streak, so the counters
 * cross both a restart and a resume.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sessionStateDir } from '../../../src/state/hardstop-journal';
import { isFlat, runCli, sessionState, spawnWorker, startOperatorEnv, testConfig, waitForPhase, waitUntil, type ChildWorker, type OperatorEnv, killLive } from '../operator/harness';
import { sessionIdOf } from './helpers';

jest.setTimeout(240_000);

let env: OperatorEnv;
const children: ChildWorker[] = [];
beforeAll(async () => {
  env = await startOperatorEnv();
});
afterAll(async () => {
  killLive(children);
  await env?.close();
});

test('N−1 consecutive losses, kill -9, restart, one more loss → HardStop(ConsecutiveLosses)', async () => {
  const N = 3;
  // every IOC fill walks 60 bps through the book: each round trip loses
  env.sim.admin.ioSlippage(60);
  const config = testConfig(env, {
    name: 'streak',
    risk: { maxConsecutiveLosses: N },
    strategy: { kind: 'demo', holdMs: 1_000, cooldownMs: 60_000, aggressionBps: 100, maxTrades: N - 1 },
  });
  const first = spawnWorker(env, config);
  children.push(first);
  const sessionId = await sessionIdOf(first, config.session.id!);
  await waitForPhase(env, sessionId, ['READY_TRADING'], 45_000);
  // the session workflow holds the streak (the batched checkpoint reached it)
  const s1 = await waitUntil(() => sessionState(env, sessionId), (s) => s.risk?.closedTrades === N - 1, 90_000, `${N - 1} closed trades checkpointed`);
  expect(s1.risk?.consecutiveLosses).toBe(N - 1);
  expect(s1.phase).toBe('READY_TRADING');
  await waitUntil(() => env.sim.admin.state(env.address), isFlat, 20_000, 'both round trips closed');

  first.child.kill('SIGKILL');
  await first.exited;
  // another machine: no local copy of the counters
  fs.rmSync(path.join(sessionStateDir(sessionId, path.join(env.tmp, 'state')), 'risk.json'), { force: true });

  const lost = await waitForPhase(env, sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 60_000);
  expect(lost.hardStop).toMatchObject({ reason: 'HotPathLost', source: 'lease' });

  const second = spawnWorker(env, { ...config, strategy: { ...config.strategy, maxTrades: 1 } as typeof config.strategy });
  children.push(second);
  await waitUntil(() => second.output(), (o) => o.includes('session is stopped'), 45_000, 'the restarted worker idle on the stopped session');
  const r = await runCli(env, ['resume', '--note', 'hot path restarted after kill -9', '--session-id', sessionId]);
  expect(r.stdout + r.stderr).toContain('resumed');
  const stopped = await waitForPhase(env, sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 120_000);
  expect(stopped.hardStop).toMatchObject({ reason: 'ConsecutiveLosses', source: 'risk-monitor' });
  expect(stopped.hardStop?.details).toMatchObject({ consecutiveLosses: N, limit: N });
  expect(stopped.phase).toBe('STOPPED_FLAT');
  expect(second.output()).toContain('risk counters restored from the session workflow');
  second.child.kill('SIGKILL');
  env.sim.admin.ioSlippage(0);
});
