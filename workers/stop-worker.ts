/**
 * The stop worker: stateless, HTTP to the venue only, configured by environment; it can run
 * anywhere (beside the hot path, on another host, next to Temporal Cloud). It runs
 *  - the session workflows (task queue taskQueues.session), so a HardStop signal is acted on
 *    even when the hot-path process is dead, and
 *  - the stop-sequence workflows and the stop activities (taskQueues.stop).
 *
 *   HLX_NETWORK=sim|testnet|mainnet  HLX_VENUE_HTTP_URL (optional override)  HLX_ACCOUNT=0x…
 *   HLX_VAULT_ADDRESS=0x… (optional: the account is a vault/sub-account the key trades for)
 *   HL_PRIVATE_KEY=0x…  or  HLX_KEYSTORE=path HLX_KEYSTORE_PASSWORD=…
 *   Temporal: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY / TEMPORAL_TLS_* or a
 *   TEMPORAL_PROFILE of a Temporal TOML config file (src/config/temporal.ts)
 *   HLX_TASK_QUEUE_SESSION / HLX_TASK_QUEUE_STOP (optional overrides of temporal.yaml)
 *   HLX_STOP_WORKER_SESSION=0 to poll the stop queue only
 *   HLX_METRICS_PORT (HLX_METRICS_HOST, HLX_METRICS_TEMPORAL_PORT): serve Prometheus /metrics
 *     (stop activity latencies + the Temporal SDK's runtime metrics), loopback by default
 */
import * as path from 'node:path';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { resolveMetricsSettings } from '../src/metrics/config';
import { instrumentActivities, prepareWorkerMetrics } from '../src/metrics/worker';
import * as os from 'node:os';
import type { z } from 'zod';
import { envInput, envObject } from '../src/config/env';
import { loadTemporalYaml, resolveTemporalConnection, type TemporalYaml } from '../src/config/temporal';
import { formatZodError } from '../src/config/zod-error';
import { createStopActivities } from '../activities/stop';
import type { StopActivities } from '../src/orchestration/stop-activities';
import { HttpClient } from '../src/exchange/hyperliquid/http-client';
import { endpointsFor } from '../src/exchange/hyperliquid/endpoints';
import { NonceManager } from '../src/exchange/hyperliquid/nonce';
import { Signer } from '../src/exchange/hyperliquid/signer';
import { createLogger } from '../src/util/log';
import { workerOptions, type WorkerBuild } from './worker-options';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

export interface StopWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  queues: { session: string; stop: string };
  activities: StopActivities;
  /** a prebuilt bundle (tests bundle once); default: bundle workflows/index.ts */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** temporal.yaml `worker` (sticky timeout, shutdown grace) */
  workerSettings?: TemporalYaml['worker'];
  /** also poll the session queue (default true) */
  pollSession?: boolean;
  identity?: string;
  /** #11 Worker Versioning: this build (default from HLX_BUILD_ID; null = unversioned) */
  build?: WorkerBuild | null;
}

export interface StopWorkerHandle {
  workers: Worker[];
  /** resolves when every worker has stopped; rejects if one fails */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startStopWorker(opts: StopWorkerOptions): Promise<StopWorkerHandle> {
  const ws = opts.workerSettings ?? loadTemporalYaml().worker;
  const common: Partial<WorkerOptions> = {
    connection: opts.connection,
    namespace: opts.namespace,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  };
  const shared = { settings: ws, ...(opts.build !== undefined ? { build: opts.build } : {}), ...(opts.identity ? { identity: opts.identity } : {}) };
  const workers: Worker[] = [];
  // The stop queue carries the stop workflows and the venue activities.
  workers.push(await Worker.create({ ...common, ...workerOptions('stop', shared), taskQueue: opts.queues.stop, activities: opts.activities } as WorkerOptions));
  if (opts.pollSession !== false && opts.queues.session !== opts.queues.stop) {
    workers.push(await Worker.create({ ...common, ...workerOptions('session', shared), taskQueue: opts.queues.session } as WorkerOptions));
  }
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  return {
    workers,
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

/** The variables the stop worker reads (declared, with their schemas, in src/config/env.ts). */
export const STOP_WORKER_VARS = ['HLX_NETWORK', 'HLX_VENUE_HTTP_URL', 'HLX_ACCOUNT', 'HLX_VAULT_ADDRESS', 'HL_PRIVATE_KEY', 'HLX_KEYSTORE', 'HLX_KEYSTORE_PASSWORD', 'HLX_STOP_WORKER_SESSION'] as const;
export const StopWorkerEnv = envObject(STOP_WORKER_VARS)
  .superRefine((e, ctx) => {
    if (!e.HL_PRIVATE_KEY && !e.HLX_KEYSTORE) {
      ctx.addIssue({ code: 'custom', path: ['HL_PRIVATE_KEY'], message: 'set HL_PRIVATE_KEY, or HLX_KEYSTORE with HLX_KEYSTORE_PASSWORD' });
    }
    if (e.HLX_KEYSTORE && e.HLX_KEYSTORE_PASSWORD === undefined) {
      ctx.addIssue({ code: 'custom', path: ['HLX_KEYSTORE_PASSWORD'], message: 'required with HLX_KEYSTORE' });
    }
  });
export type StopWorkerEnv = z.infer<typeof StopWorkerEnv>;

export class StopWorkerConfigError extends Error {
  override name = 'StopWorkerConfigError';
}

/** The environment, validated; errors name the variable (never echo a key's value). */
export function parseStopWorkerEnv(env: NodeJS.ProcessEnv = process.env): StopWorkerEnv {
  const r = StopWorkerEnv.safeParse(envInput(STOP_WORKER_VARS, env));
  if (!r.success) throw new StopWorkerConfigError(`stop worker environment: ${formatZodError(r.error)}`);
  return r.data;
}

async function main(): Promise<void> {
  const log = createLogger('stop-worker');
  const env = parseStopWorkerEnv();
  const metrics = await prepareWorkerMetrics(resolveMetricsSettings(undefined), log);
  if (metrics.telemetryOptions) Runtime.install({ telemetryOptions: metrics.telemetryOptions });
  const yaml = loadTemporalYaml();
  const conn = resolveTemporalConnection(yaml);
  const queues = {
    session: process.env.HLX_TASK_QUEUE_SESSION || yaml.taskQueues.session,
    stop: process.env.HLX_TASK_QUEUE_STOP || yaml.taskQueues.stop,
  };
  const ep = endpointsFor(env.HLX_NETWORK, env.HLX_VENUE_HTTP_URL ? { httpUrl: env.HLX_VENUE_HTTP_URL } : {});
  const signer = env.HL_PRIVATE_KEY ? Signer.fromEnv('HL_PRIVATE_KEY') : await Signer.fromKeystore(env.HLX_KEYSTORE!, env.HLX_KEYSTORE_PASSWORD ?? '');
  const activities = instrumentActivities(metrics.registry, createStopActivities({
    venue: new HttpClient(ep.httpUrl),
    signer,
    nonces: new NonceManager(),
    account: env.HLX_ACCOUNT,
    ...(env.HLX_VAULT_ADDRESS ? { vaultAddress: env.HLX_VAULT_ADDRESS } : {}),
    isMainnet: ep.isMainnet,
    log: log.child('activities'),
  }));
  await metrics.serve(log);
  const connection = await NativeConnection.connect(conn.connectionOptions);
  const handle = await startStopWorker({ connection, namespace: conn.namespace, queues, activities, workerSettings: yaml.worker, pollSession: env.HLX_STOP_WORKER_SESSION === '1' });
  const identity = handle.workers[0]?.options.identity ?? `${process.pid}@${os.hostname()}`;
  log.info(`stop worker ready: polling ${handle.workers.map((w) => w.options.taskQueue).join(',')} as ${identity} for account ${env.HLX_ACCOUNT} (network ${env.HLX_NETWORK})`);
  log.info('stop worker running', { network: env.HLX_NETWORK, venue: ep.httpUrl, account: env.HLX_ACCOUNT, signer: signer.address, temporal: conn.address, namespace: conn.namespace, queues: Object.values(queues).join(',') });
  await handle.done;
  await connection.close();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`stop worker: ${(err as Error)?.message ?? String(err)}`);
    process.exit(1);
  });
}
