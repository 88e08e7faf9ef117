/**
 * The session and stop-sequence workflows on the real dev server, with the real stop activities
 * over an in-memory venue: HardStop to flat (verified from the venue), first-wins, resume rules,
 * NO-GO, the hot-path host gone, retries, STOP_FAILED, continue-as-new, and replay of the
 * recorded histories.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { connectTestTemporal, type TemporalTestContext } from '../../helpers/temporal';
import { FakeVenue } from './fake-venue';
import { fakeStopActivities, recordFixture as recordFixtureOf, sessionInputFor, startHotPathStandIn, startSession, startStack, waitForState, workflowBundle } from './harness';
import { checkpointSignal, hardStopSignal, hotPathReadyUpdate, resumeUpdate, stateQuery, stopWorkflowId, type StopSequenceResult } from '../../../workflows/messages';
import { GoNoGoVerdictKey, HardStopReasonKey, TradingAccountKey, TradingPhaseKey } from '../../../src/orchestration/search-attributes';

let t: TemporalTestContext;
const recorded: string[] = [];
beforeAll(async () => {
  t = await connectTestTemporal();
  await workflowBundle();
});
afterAll(async () => {
  await t?.close();
});

const recordFixture = (name: string, workflowId: string) => recordFixtureOf(t.client, name, workflowId);

const figures = { closedTrades: 10, meanEdgeBps: '-1.5', meanSlippageBps: '0.8', pnlCumulativeUsd: '-3.2' };

test('HardStop from READY_TRADING: latch on the hot path, cancel, flatten, confirm: STOPPED_FLAT and flat on the venue', async () => {
  const venue = new FakeVenue({ BTC: '0.5', ETH: '-1.25', SOL: '0' }, [
    { coin: 'BTC', side: 'B', sz: '0.1', limitPx: '90000' },
    { coin: 'ETH', side: 'A', sz: '1', limitPx: '4000' },
    { coin: 'SOL', side: 'B', sz: '3', limitPx: '200' },
  ]);
  const stack = await startStack(t.nativeConnection, t.namespace, fakeStopActivities(venue));
  const input = sessionInputFor(stack.queues);
  const hot = await startHotPathStandIn(t.nativeConnection, t.namespace, input.hotPathTaskQueue);
  try {
    const h = await startSession(t.client, stack.queues, input);
    const ready = await h.executeUpdate(hotPathReadyUpdate, { args: [{ hostId: 'test-host', positions: [{ coin: 'BTC', szi: '0.5' }] }] });
    expect(ready.phase).toBe('READY_TRADING');
    await h.signal(hardStopSignal, { reason: 'CumulativeLoss', source: 'risk-monitor', details: { pnl: '-120' } });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED');
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(s.hardStop).toMatchObject({ reason: 'CumulativeLoss', source: 'risk-monitor' });
    expect(s.positions).toEqual([]);
    // the venue is the truth
    expect(venue.isFlat()).toBe(true);
    expect(venue.sent.filter((x) => x.type === 'cancel').map((x) => x.n)).toEqual([3]);
    expect(hot.latchCalls).toEqual([expect.objectContaining({ reason: 'CumulativeLoss', source: 'risk-monitor' })]);

    const child = t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1));
    const r = (await child.result()) as StopSequenceResult;
    expect(r).toMatchObject({ outcome: 'STOPPED_FLAT', latch: 'engaged', attempts: 1, cancelled: 3, ordersSent: 2, remaining: [], openOrdersLeft: 0 });

    // what the Temporal UI shows: search attributes, activity summaries
    const d = await h.describe();
    expect(d.typedSearchAttributes.get(TradingPhaseKey)).toBe('STOPPED_FLAT');
    expect(d.typedSearchAttributes.get(HardStopReasonKey)).toBe('CumulativeLoss');
    expect(d.typedSearchAttributes.get(TradingAccountKey)).toBe(input.account.toLowerCase());
    const summaries: string[] = [];
    const history = await child.fetchHistory();
    for (const ev of history.events ?? []) {
      const p = ev.userMetadata?.summary?.data;
      if (p && ev.activityTaskScheduledEventAttributes) summaries.push(JSON.parse(Buffer.from(p).toString()));
    }
    expect(summaries).toEqual(
      expect.arrayContaining(['engage hot-path latch (CumulativeLoss)', 'cancel all open orders', 'flatten all positions @ IOC (round 1, ≤ 50 bps)']),
    );
    expect(summaries.some((x) => x.startsWith('confirm flat (round 1)'))).toBe(true);
    // the alert is its own child workflow (a slow sink never delays the stop), started before the stop ended
    expect(r.steps).toContain('alert: STOPPED_FLAT after 1 round');
    expect(history.events?.some((ev) => ev.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name === 'alertDelivery')).toBe(true);
    // current details (markdown) served by the built-in metadata query while a worker is up
    const meta = await h.query<{ currentDetails?: string; definition?: { signalDefinitions?: { name: string }[] } }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toContain('**Phase:** STOPPED_FLAT');
    expect(meta.currentDetails).toMatch(/Steps done[\s\S]*ended STOPPED_FLAT/);
    expect(meta.definition?.signalDefinitions?.map((d) => d.name)).toEqual(expect.arrayContaining(['hardStop', 'checkpoint']));
    recorded.push(input.sessionId, child.workflowId);
    await recordFixture('session-hardstop-flat', input.sessionId);
    await recordFixture('stop-latch-engaged', child.workflowId);
  } finally {
    await hot.stop();
    await stack.shutdown();
  }
});

test('first HardStop wins; later ones are recorded; resume is rejected unless STOPPED_FLAT with a note', async () => {
  const venue = new FakeVenue({ BTC: '-0.2' });
  const stack = await startStack(t.nativeConnection, t.namespace, fakeStopActivities(venue));
  const input = sessionInputFor(stack.queues);
  const hot = await startHotPathStandIn(t.nativeConnection, t.namespace, input.hotPathTaskQueue);
  try {
    const h = await startSession(t.client, stack.queues, input);
    await h.executeUpdate(hotPathReadyUpdate, { args: [{ hostId: 'h' }] });
    await expect(h.executeUpdate(resumeUpdate, { args: [{ note: 'too early' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    await h.signal(hardStopSignal, { reason: 'RejectBurst', source: 'risk-monitor' });
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'cli' });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT');
    expect(s.hardStop?.reason).toBe('RejectBurst');
    expect(s.laterHardStops.map((x) => x.reason)).toEqual(['Operator']);
    expect(s.stopCount).toBe(1);
    expect(venue.isFlat()).toBe(true);

    const err = await h.executeUpdate(resumeUpdate, { args: [{ note: '  ' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((err as WorkflowUpdateFailedError).cause?.message)).toMatch(/note/);
    // a restarted hot path on a stopped session stays stopped
    expect((await h.executeUpdate(hotPathReadyUpdate, { args: [{ hostId: 'h2' }] })).phase).toBe('STOPPED_FLAT');

    const resumed = await h.executeUpdate(resumeUpdate, { args: [{ note: 'book checked, limits reset', operator: 'ana' }] });
    expect(resumed.phase).toBe('READY_TRADING');
    expect(resumed.resumes[0]).toMatchObject({ note: 'book checked, limits reset', operator: 'ana' });
    expect((await h.describe()).typedSearchAttributes.get(TradingPhaseKey)).toBe('READY_TRADING');
    await h.terminate('test done');
  } finally {
    await hot.stop();
    await stack.shutdown();
  }
});

test('the hot-path host is gone (no worker on its queue): the stop still reaches flat over HTTP', async () => {
  const venue = new FakeVenue({ SOL: '12.5', BTC: '0.01' }, [{ coin: 'SOL', side: 'A', sz: '1', limitPx: '300' }]);
  const stack = await startStack(t.nativeConnection, t.namespace, fakeStopActivities(venue));
  const input = sessionInputFor(stack.queues, { latchTimeoutMs: 300 });
  try {
    const h = await startSession(t.client, stack.queues, input);
    await h.signal(hardStopSignal, { reason: 'SocketDisconnected', source: 'risk-monitor' });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED');
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(venue.isFlat()).toBe(true);
    const r = (await t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1)).result()) as StopSequenceResult;
    expect(r.latch).toBe('host-gone');
    expect(r.steps.some((x) => /did not answer/.test(x))).toBe(true);
    recorded.push(input.sessionId, stopWorkflowId(input.sessionId, 1));
    await recordFixture('stop-host-gone', stopWorkflowId(input.sessionId, 1));
    await h.terminate('test done');
  } finally {
    await stack.shutdown();
  }
});

test('a NO-GO checkpoint stops the session with reason NoGo; IOC misses are retried with backoff', async () => {
  const venue = new FakeVenue({ ETH: '2' });
  venue.iocMisses = 2;
  const stack = await startStack(t.nativeConnection, t.namespace, fakeStopActivities(venue));
  const input = sessionInputFor(stack.queues, { latchTimeoutMs: 200 });
  try {
    const h = await startSession(t.client, stack.queues, input);
    await h.signal(checkpointSignal, { checkpoint: 10, verdict: 'NO_GO', figures, failed: [{ rule: 'minMeanEdgeBps', actual: '-1.5', threshold: '0' }] });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED');
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(s.hardStop).toMatchObject({ reason: 'NoGo', source: 'go-no-go' });
    expect(s.goNoGo).toBe('NO_GO');
    // 2 IOC misses, flat in round 3 (one more when flat must wait for the hot path's expiresAfter: host gone)
    expect(s.stops[0].attempts).toBeGreaterThanOrEqual(3);
    expect(venue.isFlat()).toBe(true);
    const d = await h.describe();
    expect(d.typedSearchAttributes.get(GoNoGoVerdictKey)).toBe('NO_GO');
    expect(d.typedSearchAttributes.get(HardStopReasonKey)).toBe('NoGo');
    await h.terminate('test done');
  } finally {
    await stack.shutdown();
  }
});

test('a position that cannot be flattened: STOP_STUCK after the fast rounds, the stop never gives up, and goes flat once it can', async () => {
  const venue = new FakeVenue({ BTC: '1' });
  venue.iocMisses = 1_000_000;
  const stack = await startStack(t.nativeConnection, t.namespace, fakeStopActivities(venue));
  // roundsPerRun 3: the stop continues-as-new every 3 rounds (a stop stuck for days keeps its history small)
  const input = sessionInputFor(stack.queues, { latchTimeoutMs: 200, fastRounds: 2, slowRoundMs: 300, roundsPerRun: 3 });
  try {
    const h = await startSession(t.client, stack.queues, input);
    await h.signal(hardStopSignal, { reason: 'SlippageAnomaly', source: 'risk-monitor' });
    const stuck = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOP_STUCK');
    expect(stuck.stepsDone.join('\n')).toMatch(/STOP_STUCK: not flat after 2 rounds/);
    expect(stuck.positions).toEqual([{ coin: 'BTC', szi: '1' }]);
    await expect(h.executeUpdate(resumeUpdate, { args: [{ note: 'no' }] })).rejects.toThrow();
    // still trying, round after round, at the slow cadence
    const sent = venue.sent.filter((x) => x.type === 'order').length;
    await waitForState(async () => venue.sent.filter((x) => x.type === 'order').length, (n) => n >= sent + 3, 30_000);
    venue.iocMisses = 0;
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT', 30_000);
    expect(s.stopCount).toBe(1);
    expect(s.stops[0]).toMatchObject({ workflowId: stopWorkflowId(input.sessionId, 1), outcome: 'STOPPED_FLAT' });
    expect(s.stops[0].attempts).toBeGreaterThanOrEqual(5);
    expect(venue.isFlat()).toBe(true);
    // it ran as several runs, each with a small history, the round count carried across
    let runs = 0;
    for await (const _run of t.client.workflow.list({ query: `WorkflowId = '${stopWorkflowId(input.sessionId, 1)}'` })) runs++;
    expect(runs).toBeGreaterThanOrEqual(2);
    recorded.push(input.sessionId, stopWorkflowId(input.sessionId, 1));
    await recordFixture('stop-stuck-then-flat', stopWorkflowId(input.sessionId, 1));
    await h.terminate('test done');
  } finally {
    await stack.shutdown();
  }
});

test('continue-as-new carries the state, and the new run still acts on a HardStop', async () => {
  const venue = new FakeVenue({ BTC: '0.3' });
  const stack = await startStack(t.nativeConnection, t.namespace, fakeStopActivities(venue));
  const input = { ...sessionInputFor(stack.queues, { latchTimeoutMs: 200 }), continueAsNewAtHistoryLength: 14 };
  try {
    const h = await startSession(t.client, stack.queues, input);
    const firstRun = (await h.describe()).runId;
    for (let i = 0; i < 4; i++) {
      await h.signal(checkpointSignal, { checkpoint: 10 * (i + 1), verdict: 'GO', figures: { ...figures, meanEdgeBps: '5', pnlCumulativeUsd: '1' } });
      // one workflow task per checkpoint, so the history grows past the threshold
      await waitForState(() => t.client.workflow.getHandle(input.sessionId).query(stateQuery), (x) => x.checkpoints.length === i + 1);
    }
    const s = await waitForState(() => t.client.workflow.getHandle(input.sessionId).query(stateQuery), (x) => x.generation >= 1);
    expect(s.checkpoints.length).toBe(4);
    expect(s.goNoGo).toBe('GO');
    const latest = t.client.workflow.getHandle(input.sessionId);
    expect((await latest.describe()).runId).not.toBe(firstRun);
    await latest.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    const stopped = await waitForState(() => latest.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT');
    expect(stopped.checkpoints.length).toBe(4);
    expect(venue.isFlat()).toBe(true);
    await latest.terminate('test done');
  } finally {
    await stack.shutdown();
  }
});

test('replay: the recorded histories of this file replay deterministically against the current workflow code', async () => {
  expect(recorded.length).toBeGreaterThanOrEqual(4);
  const histories = recorded.map((workflowId) => ({ workflowId, history: null as never }));
  for (const h of histories) h.history = (await t.client.workflow.getHandle(h.workflowId).fetchHistory()) as never;
  const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories);
  let n = 0;
  for await (const r of results) {
    expect(r.error).toBeUndefined();
    n++;
  }
  expect(n).toBe(recorded.length);
});

test('the operator surface from the plain Temporal CLI: signal hardStop, query state, list by search attribute, update resume', async () => {
  const cli = process.env.HLX_TEMPORAL_CLI ?? path.join(__dirname, '..', '..', '..', '.tools', 'bin', 'temporal');
  const venue = new FakeVenue({ ETH: '0.4' });
  const stack = await startStack(t.nativeConnection, t.namespace, fakeStopActivities(venue));
  const input = sessionInputFor(stack.queues, { latchTimeoutMs: 200 });
  // async: the worker answering queries and updates runs on this process's event loop
  const run = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(cli, [...args, '--address', process.env.TEMPORAL_ADDRESS!, '--namespace', t.namespace, '--disable-config-env', '--disable-config-file'], { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`temporal ${args.join(' ')}: ${stderr || stdout || err.message}`)) : resolve(stdout),
      ),
    );
  try {
    const h = await startSession(t.client, stack.queues, input);
    await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STARTING');
    await run('workflow', 'signal', '--workflow-id', input.sessionId, '--name', 'hardStop', '--input', JSON.stringify({ reason: 'Operator', source: 'temporal-cli' }));
    await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT');
    expect(venue.isFlat()).toBe(true);
    const q = JSON.parse(await run('workflow', 'query', '--workflow-id', input.sessionId, '--name', 'state', '--output', 'json')) as { queryResult: [{ phase: string; hardStop: { source: string } }] };
    expect(q.queryResult[0]).toMatchObject({ phase: 'STOPPED_FLAT', hardStop: { source: 'temporal-cli' } });
    // visibility is eventually consistent: poll briefly
    const listed = await waitForState(
      () => run('workflow', 'list', '--query', `TradingAccount='${input.account.toLowerCase()}' AND TradingPhase='STOPPED_FLAT'`, '--output', 'json'),
      (out) => out.includes(input.sessionId),
      10_000,
    );
    expect(listed).toContain(input.sessionId);
    await expect(run('workflow', 'update', 'execute', '--workflow-id', input.sessionId, '--name', 'resume', '--input', JSON.stringify({ note: '' }))).rejects.toThrow(/note/);
    await run('workflow', 'update', 'execute', '--workflow-id', input.sessionId, '--name', 'resume', '--input', JSON.stringify({ note: 'checked from the CLI' }));
    expect((await h.query(stateQuery)).phase).toBe('READY_TRADING');
    await h.terminate('test done');
  } finally {
    await stack.shutdown();
  }
});
