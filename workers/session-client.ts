/**
 * What the hot-path worker and the operator CLI share to reach a trading session on Temporal:
 * the Temporal connection (Temporal's environment configuration, src/config/temporal.ts), the session's identity
 * derived from the session config, and the workflow's start input.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { connectClosable } from '../src/temporal/closable-connection';
import { parseEnv } from '../src/config/env';
import type { SessionConfig } from '../src/config/session';
import { loadTemporalYaml, resolveTemporalConnection, type TemporalConnectionSettings, type TemporalYaml } from '../src/config/temporal';
import { hotPathTaskQueue, sessionWorkflowId } from '../src/orchestration/ids';
import type { TradingSessionInput } from '../workflows/messages';

export type TaskQueues = TemporalYaml['taskQueues'];

/**
 * Task queues, overridable from the environment so tests and parallel deployments can isolate
 * their workers: HLX_TASK_QUEUE_SESSION, HLX_TASK_QUEUE_STOP, HLX_TASK_QUEUE_HOTPATH_PREFIX.
 */
export function taskQueuesFrom(yaml: TemporalYaml, env: NodeJS.ProcessEnv = process.env): TaskQueues {
  const e = parseEnv(['HLX_TASK_QUEUE_SESSION', 'HLX_TASK_QUEUE_STOP', 'HLX_TASK_QUEUE_HOTPATH_PREFIX'], env, 'task queue environment');
  return {
    session: e.HLX_TASK_QUEUE_SESSION ?? yaml.taskQueues.session,
    stop: e.HLX_TASK_QUEUE_STOP ?? yaml.taskQueues.stop,
    hotPathPrefix: e.HLX_TASK_QUEUE_HOTPATH_PREFIX ?? yaml.taskQueues.hotPathPrefix,
  };
}

export interface SessionIdentity {
  account: string;
  strategyName: string;
  /** = the session workflow id */
  sessionId: string;
  hotPathTaskQueue: string;
}

/** The strategy name is `session.id` when the config names the session, else the strategy kind. */
export function sessionIdentity(cfg: SessionConfig, queues: TaskQueues): SessionIdentity {
  const account = cfg.account.address.toLowerCase();
  const strategyName = cfg.session.id ?? cfg.strategy.kind;
  const sessionId = sessionWorkflowId(account, strategyName);
  return { account, strategyName, sessionId, hotPathTaskQueue: hotPathTaskQueue(queues.hotPathPrefix, sessionId) };
}

export function sessionInput(cfg: SessionConfig, queues: TaskQueues): TradingSessionInput {
  const id = sessionIdentity(cfg, queues);
  return {
    account: id.account,
    strategyName: id.strategyName,
    sessionId: id.sessionId,
    markets: [...cfg.markets],
    hotPathTaskQueue: id.hotPathTaskQueue,
    stop: stopOptionsFrom(cfg, queues),
    stopWorkflowTaskQueue: queues.stop,
    // stop (#10): the stop acts on the vault when one is traded for, and alerts the session's sinks
    ...(cfg.venue.vaultAddress ? { vaultAddress: cfg.venue.vaultAddress.toLowerCase() } : {}),
    ...(cfg.alerts.sinks.length ? { alertSinks: cfg.alerts.sinks } : {}),
  };
}

/** stop (#10): the session config's `stop:` and `alerts:` sections as the stop workflow's options. */
export function stopOptionsFrom(cfg: SessionConfig, queues: TaskQueues): NonNullable<TradingSessionInput['stop']> {
  const s = cfg.stop;
  return {
    stopTaskQueue: queues.stop,
    fastRounds: s.fastRounds,
    backoffInitialMs: s.backoffInitialMs,
    backoffMaxMs: s.backoffMaxMs,
    slowRoundMs: s.slowRoundMs,
    aggressionBps: s.aggressionBps,
    maxSlippageBps: s.maxSlippageBps,
    maxOrderNotionalUsd: s.maxOrderNotionalUsd,
    latchTimeoutMs: s.latchTimeoutMs,
    workerWaitMs: s.workerWaitMs,
    maxOrdersPerAction: cfg.executor.maxOrdersPerAction,
    maxCancelsPerAction: cfg.executor.maxCancelsPerAction,
    hotPathExpiresAfterMs: cfg.executor.expiresAfterMs,
    alertMinIntervalMs: cfg.alerts.minIntervalMs,
  };
}

export interface TemporalHandles {
  settings: TemporalConnectionSettings;
  yaml: TemporalYaml;
  queues: TaskQueues;
  client: Client;
  connection: Connection;
  /** only when asked for (workers need it; CLI commands do not) */
  nativeConnection?: NativeConnection;
  close(): Promise<void>;
}

export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

/** Connects a client (and a worker connection when `native`); a failure names the address. */
export async function connectTemporal(opts: { native?: boolean; yaml?: TemporalYaml; connectTimeoutMs?: number } = {}): Promise<TemporalHandles> {
  const yaml = opts.yaml ?? loadTemporalYaml();
  const settings = resolveTemporalConnection(yaml);
  const co = settings.connectionOptions;
  let connection: Connection;
  let nativeConnection: NativeConnection | undefined;
  try {
    connection = await connectClosable({ ...co, connectTimeout: opts.connectTimeoutMs ?? 5_000 });
    if (opts.native) nativeConnection = await NativeConnection.connect(co);
  } catch (e) {
    throw new TemporalUnreachableError(`cannot reach Temporal at ${settings.address} (${settings.source}, ${settings.auth === 'none' ? 'plaintext' : settings.auth}): ${(e as Error).message}`);
  }
  const client = new Client({ connection, namespace: settings.namespace });
  return {
    settings,
    yaml,
    queues: taskQueuesFrom(yaml),
    client,
    connection,
    nativeConnection,
    async close() {
      await connection.close().catch(() => {});
      await nativeConnection?.close().catch(() => {});
    },
  };
}
