/**
 * The ports through which the hot path reaches its session workflow: the HardStop signal (durable
 * via signalWithStart, journalled on disk first and retried until Temporal acknowledges), the
 * Go/No-Go checkpoint report, and the alert sink (the worker's log).
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { SessionConfig } from '../../src/config/session';
import { SESSION_WORKFLOW_TYPE } from '../../src/orchestration/ids';
import type { GoNoGoVerdict } from '../../src/risk/go-no-go';
import type { HardStopJournal, JournalEntry } from '../../src/state/hardstop-journal';
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

/** Starts the session workflow, or finds the one running (USE_EXISTING). */
export function startSessionWorkflow(s: SessionLink) {
  return s.client.workflow.start(SESSION_WORKFLOW_TYPE, {
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
  /** true once the worker shuts down: retries of a signal stop (the journal keeps what is owed) */
  closed: () => boolean;
  /** where every HardStop is written before anything else, until Temporal acknowledges it */
  journal: HardStopJournal;
}

/**
 * The journal side of the HardStop port. `onLatched` runs inside latch.trigger() (a latch
 * listener), so the HardStop is on disk before the cancels are enqueued and before any signal;
 * `deliver` sends one entry until Temporal acknowledges it and only then removes it.
 */
export function createHardStopDelivery(d: SessionPortsDeps) {
  const { client, sessionId, queues, input, log, journal } = d;
  // entries journalled by the latch listener, not yet claimed by a signalHardStop call
  const unclaimed: JournalEntry[] = [];
  let replaying = false;
  const deliver = async (entry: JournalEntry): Promise<boolean> => {
    const send = () =>
      client.workflow
        .signalWithStart(SESSION_WORKFLOW_TYPE, {
          workflowId: sessionId,
          taskQueue: queues.session,
          args: [input],
          signal: hardStopSignal,
          signalArgs: [{ reason: entry.reason, source: entry.source, ...(entry.details ? { details: entry.details } : {}), journalId: entry.id }],
        })
        .then(() => undefined);
    const ok = await deliverUntilAcked(send, { what: `HardStop(${entry.reason}) signal`, log, cancelled: d.closed });
    if (ok) {
      try {
        journal.ack(entry.id);
      } catch (e) {
        // still owed on disk: the next start delivers it again (a repeated hardStop is only recorded)
        log.error('HardStop delivered but the journal could not be updated', { journal: journal.file, error: (e as Error).message });
      }
    } else {
      log.error(`HardStop(${entry.reason}) NOT delivered to Temporal before shutdown: it stays in the journal and is delivered at the next start`, {
        journal: journal.file,
        id: entry.id,
      });
    }
    return ok;
  };
  return {
    /** A latch listener: journals the trigger, fsync'd, before anything else happens. */
    onLatched(rec: { reason: string; source: string; at: number }): void {
      if (replaying) return;
      try {
        unclaimed.push(journal.record({ reason: rec.reason, source: rec.source, at: rec.at }));
      } catch (e) {
        log.error('HardStop NOT journalled (disk?): it is durable only once Temporal acknowledges the signal', { journal: journal.file, error: (e as Error).message });
      }
    },
    /** The entry for a signal: the one the latch journalled, or a new one (a later HardStop). */
    claim(reason: string, source: string, details: Record<string, unknown> | undefined, at: number): JournalEntry {
      const i = unclaimed.findIndex((e) => e.reason === reason && e.source === source);
      if (i >= 0) {
        const [e] = unclaimed.splice(i, 1);
        return details ? { ...e, details } : e;
      }
      try {
        return journal.record({ reason, source, at, ...(details ? { details } : {}) });
      } catch (e) {
        log.error('HardStop NOT journalled (disk?)', { journal: journal.file, error: (e as Error).message });
        return { id: `unjournalled-${at}`, reason, source, at, ...(details ? { details } : {}) };
      }
    },
    deliver,
    /** Runs `fn` (a latch trigger replaying the journal) without journalling it a second time. */
    alreadyJournalled(fn: () => void): void {
      replaying = true;
      try {
        fn();
      } finally {
        replaying = false;
      }
    },
  };
}

export function createSessionPorts(d: SessionPortsDeps) {
  const { client, sessionId, queues, input, log } = d;
  const delivery = createHardStopDelivery(d);
  const hardStopPort = {
    async signalHardStop(reason: string, source: string, details?: object): Promise<void> {
      // signalWithStart: durable even when the session workflow is not running yet; retried until
      // Temporal acknowledges (the latch and the cancels have already happened in memory), and
      // journalled until then, so a process that dies first delivers it at its next start
      const entry = delivery.claim(reason, source, details ? jsonSafe(details) : undefined, Date.now());
      const delivered = delivery.deliver(entry);
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
  return { hardStopPort, checkpointPort, alert, delivery };
}
