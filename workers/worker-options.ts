/**
 * Options every Temporal Worker of hl-executor shares, in one place (#11): sticky-queue timeout and
 * shutdown grace from temporal.yaml, and Worker Versioning. Each Worker.create spreads
 * `...workerOptions(kind, o)` — one line.
 *
 * Worker Versioning (Worker Deployments, SDK 1.24 `workerDeploymentOptions`): with HLX_BUILD_ID set,
 * the workflow workers (session and stop queues) join deployment HLX_WORKER_DEPLOYMENT (default
 * `hl-executor`) as version <deployment>.<build id>, and every workflow they start is PINNED to that
 * version: a stop sequence, and a session, run to the end on the build that started them, while
 * new ones go to the deployment's current version (`temporal worker deployment set-current-version`).
 * See src/orchestration/README.md "Changing workflow code". Without HLX_BUILD_ID the workers are
 * unversioned (local runs, most tests).
 *
 * The hot-path worker runs activities only, on its own per-session queue, and stays unversioned:
 * activity tasks of a pinned workflow on another queue are dispatched to that queue's pollers.
 */
import type { WorkerOptions } from '@temporalio/worker';
import { durationMs, type TemporalYaml } from '../src/config/temporal';
import { envInput, envObject } from '../src/config/env';
import { formatZodError } from '../src/config/zod-error';

export interface WorkerBuild {
  deploymentName: string;
  buildId: string;
}

/** from src/config/env.ts, where every variable is declared */
export const WorkerBuildEnv = envObject(['HLX_WORKER_DEPLOYMENT', 'HLX_BUILD_ID']);

/** The build this process is, from HLX_BUILD_ID / HLX_WORKER_DEPLOYMENT; undefined = unversioned. */
export function workerBuildFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerBuild | undefined {
  const r = WorkerBuildEnv.safeParse(envInput(['HLX_WORKER_DEPLOYMENT', 'HLX_BUILD_ID'], env));
  if (!r.success) throw new Error(`worker build environment: ${formatZodError(r.error)}`);
  return r.data.HLX_BUILD_ID ? { deploymentName: r.data.HLX_WORKER_DEPLOYMENT, buildId: r.data.HLX_BUILD_ID } : undefined;
}

export type WorkerKind = 'session' | 'stop' | 'hotpath';

export interface SharedWorkerOptions {
  settings: TemporalYaml['worker'];
  /** omitted = from the environment */
  build?: WorkerBuild | null;
  identity?: string;
}

/**
 * The session and stop workflow workers must absorb a burst: a fleet kill switch (`hlx hardstop
 * --all`) starts a stop for every session at once, and each stop's first workflow task lands on the
 * normal (not sticky) queue. The SDK default is a fixed 10 pollers of which 2 poll the normal queue,
 * so 44 stops queued behind those 2 for up to 2 s each hop (bench/fleet.bench.ts). Autoscaling lets
 * the server's backlog hints raise the pollers while the burst lasts and drop them after; the
 * execution slots follow so the pollers have somewhere to put what they take.
 */
export const WORKFLOW_BURST: Partial<WorkerOptions> = {
  maxConcurrentWorkflowTaskExecutions: 100,
  workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 1, initial: 10, maximum: 100 },
};

export function workerOptions(kind: WorkerKind, o: SharedWorkerOptions): Partial<WorkerOptions> {
  const build = o.build === undefined ? workerBuildFromEnv() : (o.build ?? undefined);
  const out: Partial<WorkerOptions> = {
    // a crashed worker's sticky queue is given up quickly so another worker takes the workflow over
    stickyQueueScheduleToStartTimeout: durationMs(o.settings.stickyQueueScheduleToStartTimeout),
    shutdownGraceTime: durationMs(o.settings.shutdownGraceTime),
    ...(o.identity ? { identity: o.identity } : {}),
  };
  if (kind !== 'hotpath') Object.assign(out, WORKFLOW_BURST);
  if (build && kind !== 'hotpath') {
    out.workerDeploymentOptions = { version: build, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' };
  }
  return out;
}
