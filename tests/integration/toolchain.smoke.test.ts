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
