/** Proves the toolchain: a real Worker on the real dev server runs a workflow and an activity. */
import { Worker } from '@temporalio/worker';
import * as path from 'node:path';
import * as activities from './fixtures/smoke-activities';
import { connectTestTemporal, uniqueQueue, type TemporalTestContext } from '../helpers/temporal';

let t: TemporalTestContext;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => {
  await t?.close();
});

test('a workflow and an activity run on the dev server', async () => {
  const taskQueue = uniqueQueue('smoke');
  const worker = await Worker.create({
    connection: t.nativeConnection,
    namespace: t.namespace,
    taskQueue,
    workflowsPath: path.join(__dirname, 'fixtures', 'smoke-workflows.ts'),
    activities,
  });
  const result = await worker.runUntil(
    t.client.workflow.execute('smokeWorkflow', { taskQueue, workflowId: `smoke-${taskQueue}`, args: ['hlx'] }),
  );
  expect(result).toBe('workflow saw: hello hlx from pid worker');
});

test('workflows/ bundles for the Temporal sandbox, with both workflow types exported', async () => {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const warnings: string[] = [];
  const bundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', '..', 'workflows', 'index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m), log() {} } as never,
  });
  expect(bundle.code.length).toBeGreaterThan(1000);
  // the bundle registers the workflow functions by name: the session and its stop sequence
  expect(bundle.code).toMatch(/tradingSession/);
  expect(bundle.code).toMatch(/stopSequence/);
  // a Node built-in pulled into the bundle shows up as a warning; none is allowed
  expect(warnings).toEqual([]);
});
