/**
 * The stop worker: stateless, HTTP to the venue only, configured by environment; it can run
 * anywhere (beside the hot path, on another host, next to Temporal Cloud). It runs
 *  - the session workflows (task queue taskQueues.session), so a HardStop signal is acted on
 *    even when the hot-path process is dead,
 *  - the stop-sequence and alert-delivery workflows (taskQueues.stop, shared by every account:
 *    the workflow code acts on no account itself),
 *  - the stop activities of ITS account only, on `<taskQueues.stop>-<account lower case>`
 *    (src/orchestration/stop-plan.ts stopActivityQueue): no other account's stop can reach it,
 *    and a stop of its account waits visibly until one like it polls,
 *  - alert deliveries (`<taskQueues.stop>-alerts`), with its own sinks from HLX_ALERT_* (src/alerts).
 *
 *   HLX_NETWORK=sim|testnet|mainnet  HLX_VENUE_HTTP_URL (optional override)  HLX_ACCOUNT=0x…
 *   HLX_VAULT_ADDRESS=0x… (optional: the account is a vault/sub-account the key trades for)
 *   HL_PRIVATE_KEY=0x…  or  HLX_KEYSTORE=path HLX_KEYSTORE_PASSWORD=…
 *   Temporal: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY / TEMPORAL_TLS_* or a
 *   TEMPORAL_PROFILE of a Temporal TOML config file (src/config/temporal.ts)
 *   HLX_TASK_QUEUE_SESSION / HLX_TASK_QUEUE_STOP (optional overrides of temporal.yaml, read by taskQueuesFrom)
 *   HLX_STOP_WORKER_SESSION=0 to poll the stop queue only
 *   HLX_METRICS_PORT (HLX_METRICS_HOST, HLX_METRICS_TEMPORAL_PORT): serve Prometheus /metrics
 *     (stop activity latencies + the Temporal SDK's runtime metrics), loopback by default
 *   HLX_ALERT_WEBHOOK_URL / _FORMAT, HLX_ALERT_TELEGRAM_URL / _CHAT_ID, HLX_ALERT_COMMAND (src/alerts/config.ts)
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
import type { AlertActivities, StopActivities } from '../src/orchestration/stop-activities';
import { alertQueue, stopActivityQueue } from '../src/orchestration/stop-plan';
import { alertSinksFromEnv, createAlertActivities } from '../src/alerts';
import { HttpClient } from '../src/exchange/hyperliquid/http-client';
import { endpointsFor } from '../src/exchange/hyperliquid/endpoints';
import { NonceManager } from '../src/exchange/hyperliquid/nonce';
import { Signer } from '../src/exchange/hyperliquid/signer';
import { createLogger } from '../src/util/log';
import { taskQueuesFrom } from './session-client';
import { workerOptions, type WorkerBuild } from './worker-options';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

export interface StopWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  queues: { session: string; stop: string };
  activities: StopActivities;
  /** the account (and vault) the activities' signer acts for: names the activity queue */
  account: string;
  vaultAddress?: string;
  /** alert delivery (default: no sinks of its own, the session's sinks only) */
  alertActivities?: AlertActivities;
  /** a prebuilt bundle (tests bundle once); default: bundle workflows/index.ts */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** temporal.yaml `worker` (sticky timeout, shutdown grace) */
  workerSettings?: TemporalYaml['worker'];
  /** also poll the session queue (default true) */
  pollSession?: boolean;
  /** also poll the stop queue's workflows (default true; false = this account's activities (and alerts) only) */
  pollStopWorkflows?: boolean;
  /** also serve this account's venue activities (default true; false = a second build's worker in a process that already serves them) */
  pollActivities?: boolean;
  /** also deliver alerts (default true). One process may poll a queue only once: a second stop worker in the same process sets these false */
  pollAlerts?: boolean;
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
  // The stop queue carries the stop (and alert) workflows of every account (versioned with this build).
  if (opts.pollStopWorkflows !== false) workers.push(await Worker.create({ ...common, ...workerOptions('stop', shared), taskQueue: opts.queues.stop } as WorkerOptions));
  // The account's own queue carries its venue activities: only this worker's account. Activities
  // only, so unversioned (a pinned stop schedules them there whatever build runs them, as the
  // session does with its hot path's lease): workerOptions 'hotpath' = same grace and identity.
  const activityOnly = { connection: opts.connection, namespace: opts.namespace, ...workerOptions('hotpath', shared) };
  if (opts.pollActivities !== false) {
    workers.push(await Worker.create({ ...activityOnly, taskQueue: stopActivityQueue(opts.queues.stop, opts.account, opts.vaultAddress), activities: opts.activities } as WorkerOptions));
  }
  if (opts.pollAlerts !== false) {
    workers.push(
      await Worker.create({ ...activityOnly, taskQueue: alertQueue(opts.queues.stop), activities: opts.alertActivities ?? createAlertActivities({ envSinks: [] }) } as WorkerOptions),
    );
  }
  if (opts.pollSession !== false && opts.pollStopWorkflows !== false && opts.queues.session !== opts.queues.stop) {
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
  // validated like every other variable (an empty or malformed name is refused, naming it)
  const { session, stop } = taskQueuesFrom(yaml);
  const queues = { session, stop };
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
  const envSinks = alertSinksFromEnv();
  const handle = await startStopWorker({
    connection,
    namespace: conn.namespace,
    queues,
    activities,
    account: env.HLX_ACCOUNT,
    ...(env.HLX_VAULT_ADDRESS ? { vaultAddress: env.HLX_VAULT_ADDRESS } : {}),
    alertActivities: createAlertActivities({ envSinks, log: log.child('alerts') }),
    workerSettings: yaml.worker,
    pollSession: env.HLX_STOP_WORKER_SESSION === '1',
  });
  const activityQueue = stopActivityQueue(queues.stop, env.HLX_ACCOUNT, env.HLX_VAULT_ADDRESS);
  const identity = handle.workers[0]?.options.identity ?? `${process.pid}@${os.hostname()}`;
  log.info(`stop worker ready: polling ${handle.workers.map((w) => w.options.taskQueue).join(',')} as ${identity} for account ${env.HLX_ACCOUNT} (network ${env.HLX_NETWORK})`);
  log.info('stop worker running', { network: env.HLX_NETWORK, venue: ep.httpUrl, account: env.HLX_ACCOUNT, vault: env.HLX_VAULT_ADDRESS ?? null, signer: signer.address, temporal: conn.address, namespace: conn.namespace, queues: [...Object.values(queues), activityQueue, alertQueue(queues.stop)].join(','), alertSinks: envSinks.map((s) => s.kind).join(',') || 'none' });
  await handle.done;
  await connection.close();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`stop worker: ${(err as Error)?.message ?? String(err)}`);
    process.exit(1);
  });
}
