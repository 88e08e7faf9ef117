/**
 * Orchestration test harness: one workflow bundle per test file, a stop worker (session + stop
 * queues) over the given stop activities, and optionally a stand-in hot-path host on its queue.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createStopActivities } from '../../../activities/stop';
import { startStopWorker, WORKFLOWS_PATH, type StopWorkerHandle } from '../../../workers/stop-worker';
import type { AlertActivities, StopActivities } from '../../../src/orchestration/stop-activities';
import { hotPathTaskQueue, sessionWorkflowId } from '../../../src/orchestration/ids';
import { tradingSession, type TradingSessionTestHooks } from '../../../workflows/trading-session';
import type { StopOptions, TradingSessionInput } from '../../../workflows/messages';
import { connectTestTemporal, uniqueQueue, type TemporalTestContext } from '../../helpers/temporal';
import { FakeVenue, fakeSigner } from './fake-venue';
import { setLogSink } from '../../../src/util/log';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

/** Test output stays readable: stop-activity log lines are kept in memory for assertions. */
export const logLines: string[] = [];
setLogSink({ write: (l) => void logLines.push(l) });

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'histories');

/**
 * `HLX_RECORD_HISTORIES=1` rewrites tests/fixtures/histories/<name>.json from this run. Do it only
 * for an intended workflow change; the committed files are what CI replays (tests/unit/orchestration/replay.test.ts).
 */
export async function recordFixture(client: Client, name: string, workflowId: string): Promise<void> {
  if (process.env.HLX_RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  fs.mkdirSync(FIXTURES, { recursive: true });
  fs.writeFileSync(path.join(FIXTURES, `${name}.json`), JSON.stringify({ workflowId, history: JSON.parse(historyToJSON(history)) }, null, 1) + '\n');
}

/** A suite's Temporal connection, and the workflow bundle built, before its tests; closed after them. */
export function useTemporalSuite(): { readonly t: TemporalTestContext } {
  const suite = {} as { t: TemporalTestContext };
  beforeAll(async () => {
    suite.t = await connectTestTemporal();
    await workflowBundle();
  });
  afterAll(async () => {
    await suite.t?.close();
  });
  return suite;
}

export const FAKE_ACCOUNT = '0x00000000000000000000000000000000000000a1';
export function fakeStopActivities(venue: FakeVenue, account = FAKE_ACCOUNT): StopActivities {
  let n = Date.now();
  return createStopActivities({ venue, signer: fakeSigner, nonces: { next: () => ++n }, account, isMainnet: false });
}

export interface HotPathStandIn {
  latchCalls: { reason: string; source: string }[];
  worker: Worker;
  done: Promise<void>;
  stop(): Promise<void>;
}

/** A process that answers the hot-path host activities (what activities/hotpath.ts does in production). */
export async function startHotPathStandIn(connection: NativeConnection, namespace: string, taskQueue: string): Promise<HotPathStandIn> {
  const latchCalls: { reason: string; source: string }[] = [];
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: {
      async engageHotPathLatch(req: { reason: string; source: string }) {
        latchCalls.push(req);
        // a stand-in host with nothing in flight: it can say its posts are answered
        return { engaged: true, cancelsEnqueued: 0, flattenOrders: 0, inFlightAnswered: true };
      },
      async hotPathStatus() {
        return { phase: 'HARD_STOPPED' };
      },
    },
  });
  const done = worker.run();
  return {
    latchCalls,
    worker,
    done,
    async stop() {
      worker.shutdown();
      await done;
    },
  };
}

export interface Stack {
  queues: { session: string; stop: string; hotPathPrefix: string };
  stopWorker: StopWorkerHandle;
  shutdown(): Promise<void>;
}

/** A stop worker for `account` (default FAKE_ACCOUNT) on fresh queues, or on `queues` when given (a second worker). */
export async function startStack(
  connection: NativeConnection,
  namespace: string,
  activities: StopActivities,
  opts: { account?: string; queues?: Stack['queues']; alertActivities?: AlertActivities; identity?: string } = {},
): Promise<Stack> {
  const queues = opts.queues ?? { session: uniqueQueue('t-session'), stop: uniqueQueue('t-stop'), hotPathPrefix: uniqueQueue('t-hot') };
  const stopWorker = await startStopWorker({
    connection,
    namespace,
    queues,
    activities,
    account: opts.account ?? FAKE_ACCOUNT,
    ...(opts.alertActivities ? { alertActivities: opts.alertActivities } : {}),
    ...(opts.identity ? { identity: opts.identity } : {}),
    // a second stop worker in this process (shared queues): its account's activities only
    ...(opts.queues ? { pollStopWorkflows: false, pollAlerts: false } : {}),
    workflowBundle: await workflowBundle(),
    workerSettings: { stickyQueueScheduleToStartTimeout: '1s', shutdownGraceTime: '1s' },
  });
  return { queues, stopWorker, shutdown: () => stopWorker.shutdown() };
}

let accountSeq = 0;
/** A session of `account` (default FAKE_ACCOUNT: what fakeStopActivities act for); the session id is unique per call. */
export function sessionInputFor(queues: Stack['queues'], stop: StopOptions = {}, name?: string, account = FAKE_ACCOUNT): TradingSessionInput {
  name ??= `test-${Date.now().toString(36)}-${process.pid}-${++accountSeq}`;
  const sessionId = sessionWorkflowId(account, name);
  return {
    account,
    strategyName: name,
    sessionId,
    markets: ['BTC', 'ETH', 'SOL'],
    hotPathTaskQueue: hotPathTaskQueue(queues.hotPathPrefix, sessionId),
    stop: { backoffInitialMs: 50, backoffMaxMs: 200, latchTimeoutMs: 500, ...stop, stopTaskQueue: queues.stop },
    stopWorkflowTaskQueue: queues.stop,
  };
}

export async function startSession(client: Client, queues: Stack['queues'], input: TradingSessionInput & TradingSessionTestHooks) {
  return client.workflow.start(tradingSession, { taskQueue: queues.session, workflowId: input.sessionId, args: [input] });
}

/** Polls the state query until `pred` holds (or times out with the last state in the message). */
export async function waitForState<T>(query: () => Promise<T>, pred: (s: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await query();
      if (pred(last)) return last;
    } catch {
      // the workflow may not have run its first task yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`state not reached in ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 800)}`);
}
