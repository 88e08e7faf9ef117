/**
 * #11 deploys that never break a running stop (Worker Versioning on the dev server): a stop started
 * on build 1 is still running when build 2 — with an incompatible change to the stop workflow — is
 * deployed and made current; it completes on build 1 (pinned), and a new session runs on build 2.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { connectTestTemporal, uniqueQueue, type TemporalTestContext } from '../../helpers/temporal';
import { TEMPORAL_CLI } from '../../../src/temporal/devserver';
import { startStopWorker, WORKFLOWS_PATH, type StopWorkerHandle } from '../../../workers/stop-worker';
import { hardStopSignal, stateQuery, type SessionState } from '../../../workflows/messages';
import { sessionInputFor, startSession, waitForState } from '../orchestration/harness';
import { openExposure, startSimAccount, type SimAccount } from '../orchestration/sim-venue';

jest.setTimeout(180_000);

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;
let t: TemporalTestContext;
let acct: SimAccount;
const workers: StopWorkerHandle[] = [];
beforeAll(async () => {
  t = await connectTestTemporal();
  acct = await startSimAccount(21);
});
afterAll(async () => {
  for (const w of workers) await w.shutdown().catch(() => {});
  await acct?.sim.stop();
  await t?.close();
});

function setCurrent(deploymentName: string, buildId: string): { ok: boolean; out: string } {
  const r = spawnSync(
    TEMPORAL_CLI,
    ['worker', 'deployment', 'set-current-version', '--deployment-name', deploymentName, '--build-id', buildId, '--yes', '--address', process.env.TEMPORAL_ADDRESS!, '--namespace', t.namespace, '--disable-config-env', '--disable-config-file'],
    { encoding: 'utf8', timeout: 15_000 },
  );
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

async function makeCurrent(deploymentName: string, buildId: string): Promise<void> {
  // the version exists once one of its workers has polled
  const until = Date.now() + 30_000;
  for (;;) {
    const r = setCurrent(deploymentName, buildId);
    if (r.ok) return;
    if (Date.now() > until) throw new Error(`set-current-version ${buildId}: ${r.out}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

async function versionOf(workflowId: string): Promise<string | undefined> {
  const d = await t.client.workflow.getHandle(workflowId).describe();
  const vi = d.raw.workflowExecutionInfo?.versioningInfo;
  return vi?.deploymentVersion?.buildId ?? undefined;
}

async function pollUntil<T>(f: () => Promise<T | null>, ms: number): Promise<T | null> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v !== null || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function activityTypes(workflowId: string): Promise<string[]> {
  const h = await t.client.workflow.getHandle(workflowId).fetchHistory();
  return (h.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!);
}

// The sessions are for the sim account its stop workers serve: a stop's venue work waits on the
// account's own queue `<stop>-<account>` (#10); a session of another account would wait there for
// ever (STOP_WAITING_WORKER) whatever the build — which is what this test once mistook for a
// versioning fault.
test('a stop started on build 1 completes on build 1 after build 2 (changed stop workflow) is made current; a new session runs on build 2', async () => {
  const deploymentName = uniqueQueue('hlx-deploy');
  const queues = { session: uniqueQueue('v-session'), stop: uniqueQueue('v-stop'), hotPathPrefix: uniqueQueue('v-hp') };
  const settings = { stickyQueueScheduleToStartTimeout: '1s', shutdownGraceTime: '1s' };
  const [bundle1, bundle2] = await Promise.all([
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet }),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures', 'workflows-build2.ts'), logger: quiet }),
  ]);
  // one process polls each unversioned queue once: build 1's worker serves the account's venue
  // activities and the alerts for both builds' workflows (activities are not pinned)
  const start = (bundle: typeof bundle1, buildId: string, first = buildId === 'build-1') =>
    startStopWorker({
      connection: t.nativeConnection,
      namespace: t.namespace,
      queues,
      activities: acct.activities,
      account: acct.address,
      workflowBundle: bundle,
      workerSettings: settings,
      build: { deploymentName, buildId },
      ...(first ? {} : { pollActivities: false, pollAlerts: false }),
    });

  workers.push(await start(bundle1, 'build-1'));
  await makeCurrent(deploymentName, 'build-1');

  // session 1 with exposure; the venue made slow, so its stop is still running at the deploy
  await openExposure(acct, { BTC: '0.02', SOL: '2' }, { ETH: '0.1' });
  // every venue call takes 3 s (within a 30 s activity timeout): the stop outlasts the deploy
  const in1 = sessionInputFor(queues, { activityTimeoutMs: 30_000 }, 'v1', acct.address);
  await startSession(t.client, queues, in1);
  const h1 = t.client.workflow.getHandle(in1.sessionId);
  acct.sim.admin.latency(3_000);
  await h1.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
  await waitForState(() => h1.query(stateQuery), (s: SessionState) => s.phase === 'FLATTENING', 30_000);
  const stop1 = (await h1.query(stateQuery)).stops.at(-1)!.workflowId;

  // deploy build 2 and make it current while stop 1 runs
  workers.push(await start(bundle2, 'build-2'));
  await makeCurrent(deploymentName, 'build-2');
  expect((await h1.query(stateQuery)).phase).toBe('FLATTENING');
  acct.sim.admin.latency(0);

  const s1 = await waitForState(() => h1.query(stateQuery), (s: SessionState) => s.phase === 'STOPPED_FLAT' || s.phase === 'STOP_FAILED', 90_000);
  expect(s1.phase).toBe('STOPPED_FLAT');
  expect(acct.isFlat()).toBe(true);
  expect(await versionOf(stop1)).toBe('build-1');
  expect(await versionOf(in1.sessionId)).toBe('build-1');
  // what the orchestration README tells an operator to run before retiring build 1
  const pinnedToBuild1 = await pollUntil(async () => {
    const ids: string[] = [];
    for await (const w of t.client.workflow.list({ query: `TemporalWorkerDeploymentVersion='${deploymentName}:build-1'` })) ids.push(w.workflowId);
    return ids.includes(in1.sessionId) ? ids : null;
  }, 10_000);
  expect(pinnedToBuild1).toContain(in1.sessionId);
  expect((await activityTypes(stop1))[0]).not.toBe('confirmFlat');

  // a new session goes to build 2, and so does its stop
  const in2 = sessionInputFor(queues, {}, 'v2', acct.address);
  await startSession(t.client, queues, in2);
  const h2 = t.client.workflow.getHandle(in2.sessionId);
  await h2.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
  const s2 = await waitForState(() => h2.query(stateQuery), (s: SessionState) => s.phase === 'STOPPED_FLAT' || s.phase === 'STOP_FAILED', 60_000);
  expect(s2.phase).toBe('STOPPED_FLAT');
  const stop2 = s2.stops.at(-1)!.workflowId;
  expect(await versionOf(in2.sessionId)).toBe('build-2');
  expect(await versionOf(stop2)).toBe('build-2');
  expect((await activityTypes(stop2))[0]).toBe('confirmFlat');
});
