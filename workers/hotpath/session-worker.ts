/**
 * The Temporal worker inside the hot-path process, on the session's own queue: it serves the
 * activities that need the hot path's memory (activities/hotpath.ts) and holds the lease. If it
 * fails, or stops while nobody asked it to, the stop sequence can no longer reach this hot path:
 * that is fatal (HardStop(HotPathLost), the process exits non-zero), never a quiet exit.
 */
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createHotPathActivities, type HotPathActivityOptions } from '../../activities/hotpath';
import type { TemporalYaml } from '../../src/config/temporal';
import type { HotPath } from '../../src/executor/hot-path';
import type { Logger } from '../../src/util/log';
import { workerOptions } from '../worker-options';

export interface SessionWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  sessionId: string;
  yaml: TemporalYaml;
  hotPath: () => HotPath;
  activityOptions: HotPathActivityOptions;
  log: Logger;
  /** true once a shutdown was asked for: the worker stopping is then expected */
  closing: () => boolean;
  /** the worker failed or stopped on its own */
  onFailed: (e: Error) => void;
  /** fault injection (HLX_FAULT_INJECT): the worker is stopped underneath the hot path after this, ms */
  faultStopAfterMs?: number;
}

export interface SessionWorker {
  readonly worker: Worker;
  /** resolves when the worker stopped, never rejects */
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}

export async function runSessionWorker(d: SessionWorkerDeps): Promise<SessionWorker> {
  const worker = await Worker.create({
    connection: d.connection,
    namespace: d.namespace,
    taskQueue: d.taskQueue,
    activities: createHotPathActivities(d.hotPath, d.sessionId, d.activityOptions),
    ...workerOptions('hotpath', { settings: d.yaml.worker }),
  });
  const finished = worker.run().then(
    () => {
      if (!d.closing()) d.onFailed(new Error('the Temporal worker stopped on its own'));
    },
    (e) => {
      if (!d.closing()) d.onFailed(e instanceof Error ? e : new Error(String(e)));
      else d.log.error('Temporal worker stopped with an error during shutdown', { error: (e as Error).message });
    },
  );
  if (d.faultStopAfterMs !== undefined) {
    setTimeout(() => {
      d.log.warn('fault injection: stopping the Temporal worker underneath the hot path');
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }, d.faultStopAfterMs).unref();
  }
  return {
    worker,
    finished,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await finished;
    },
  };
}
