/**
 * Replays the committed workflow histories (tests/fixtures/histories, recorded from the real dev
 * server by the orchestration integration tests with HLX_RECORD_HISTORIES=1) against the current
 * workflow code. A change that breaks determinism fails here, without a server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'histories');
const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

function load(file: string) {
  const { workflowId, history } = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { workflowId: string; history: unknown };
  return { workflowId, history: historyFromJSON(history) };
}

Runtime.install({ logger: new DefaultLogger('WARN') });

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, '..', '..', '..', 'workflows', 'index.ts'), logger: quiet });
});

test('there are recorded histories of both workflow types', () => {
  expect(files).toEqual(expect.arrayContaining(['session-hardstop-flat.json', 'stop-latch-engaged.json', 'stop-host-gone.json']));
});

test.each(files)('%s replays against the current workflows', async (file) => {
  const { workflowId, history } = load(file);
  await Worker.runReplayHistory({ workflowBundle: bundle, replayName: file }, history, workflowId);
});

test('a non-deterministic change of stopSequence fails the replay', async () => {
  const altered = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures', 'altered-stop-sequence.ts'), logger: quiet });
  const { workflowId, history } = load('stop-latch-engaged.json');
  await expect(Worker.runReplayHistory({ workflowBundle: altered }, history, workflowId)).rejects.toBeInstanceOf(DeterminismViolationError);
});
