/**
 * The ports through which the hot path reaches its session workflow: the HardStop signal (durable
 * via signalWithStart, retried until Temporal acknowledges), the Go/No-Go checkpoint report, and
 * the alert sink (the worker's log).
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { SessionConfig } from '../../src/config/session';
import { SESSION_WORKFLOW_TYPE } from '../../src/orchestration/ids';
import type { GoNoGoVerdict } from '../../src/risk/go-no-go';
import type { Logger } from '../../src/util/log';
import { checkpointSignal, hardStopSignal, type CheckpointReport, type TradingSessionInput } from '../../workflows/messages';
import { deliverUntilAcked } from '../deliver-until-acked';
import type { TaskQueues } from '../session-client';
import type { PendingCalls } from './pending-calls';

export interface SessionLink {
  client: Client;
  sessionId: string;
  queues: TaskQueues;
  input: TradingSessionInput;
}

/** Starts the session workflow if it is not running (USE_EXISTING), for update-with-start. */
export function startSessionOperation(s: SessionLink) {
  return new WithStartWorkflowOperation(SESSION_WORKFLOW_TYPE, {
    workflowId: s.sessionId,
    taskQueue: s.queues.session,
    args: [s.input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** JSON-only details (no bigint, no class instances) for a workflow payload. */
export function jsonSafe(x: unknown): Record<string, unknown> | undefined {
  if (x === undefined || x === null) return undefined;
  try {
    return JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
  } catch {
    return { unserializable: String(x) };
  }
}

export interface SessionPortsDeps extends SessionLink {
  config: SessionConfig;
  log: Logger;
  pending: PendingCalls;
  /** true once the worker shuts down: retries of a signal stop */
  closed: () => boolean;
}

export function createSessionPorts(d: SessionPortsDeps) {
  const { client, sessionId, queues, input, log } = d;
  const hardStopPort = {
    async signalHardStop(reason: string, source: string, details?: object): Promise<void> {
      // signalWithStart: durable even when the session workflow is not running yet; retried until
      // Temporal acknowledges (the latch and the cancels have already happened in memory)
      const send = () =>
        client.workflow
          .signalWithStart(SESSION_WORKFLOW_TYPE, {
            workflowId: sessionId,
            taskQueue: queues.session,
            args: [input],
            signal: hardStopSignal,
            signalArgs: [{ reason, source, ...(details ? { details: jsonSafe(details) } : {}) }],
          })
          .then(() => undefined);
      const delivered = deliverUntilAcked(send, { what: `HardStop(${reason}) signal`, log, cancelled: d.closed });
      d.pending.track(delivered);
      if (await delivered) log.warn('HardStop signalled to the session workflow', { reason, source, sessionId });
    },
  };
  const checkpointPort = {
    async reportCheckpoint(v: object): Promise<void> {
      const verdict = v as GoNoGoVerdict;
      const rule = d.config.goNoGo.checkpoints.find((r) => r.trades === verdict.checkpoint);
      const report: CheckpointReport = {
        checkpoint: verdict.checkpoint,
        verdict: verdict.verdict,
        figures: verdict.figures,
        failed: verdict.failed,
        ...(rule ? { rule } : {}),
      };
      await client.workflow.signalWithStart(SESSION_WORKFLOW_TYPE, {
        workflowId: sessionId,
        taskQueue: queues.session,
        args: [input],
        signal: checkpointSignal,
        signalArgs: [report],
      });
      log.info('Go/No-Go checkpoint reported', { checkpoint: verdict.checkpoint, verdict: verdict.verdict });
    },
  };
  const alert = {
    alert(level: 'info' | 'warn' | 'critical', message: string, details?: Record<string, unknown>) {
      (level === 'critical' ? log.error : level === 'warn' ? log.warn : log.info)(message, details);
    },
  };
  return { hardStopPort, checkpointPort, alert };
}
