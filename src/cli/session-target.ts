/**
 * Which session an operator command talks to (`--session-id ID`, or `--config FILE` from which
 * the id is derived, or HLX_SESSION_CONFIG), and the status snapshot the view and `report` show:
 * the session workflow's `state` query, plus the hot path's own status when its worker is alive
 * on this machine (it writes `.run/status/<sessionId>.json` every second).
 */
import { readEnv } from '../config/env';
import { readSessionConfig, SessionConfigError, type SessionConfig } from '../config/session';
import type { HotPathStatusJson } from '../../activities/hotpath';
import type { SessionState } from '../../workflows/messages';
import { connectTemporal, sessionIdentity, sessionInput, TemporalUnreachableError, type TaskQueues, type TemporalHandles } from '../../workers/session-client';
import { CliError } from './errors';
import { describeEvent, type StatusSnapshot } from './status-view';

export interface SessionTarget {
  sessionId: string;
  config?: SessionConfig;
}

export function resolveTarget(o: { sessionId?: string; config?: string }, queues: TaskQueues): SessionTarget {
  if (o.sessionId && o.config) throw new CliError('--session-id and --config: give one of them, not both');
  if (o.sessionId) return { sessionId: o.sessionId };
  const file = o.config ?? readEnv('HLX_SESSION_CONFIG');
  if (!file) throw new CliError('--session-id or --config: one is required (or set HLX_SESSION_CONFIG)');
  let cfg: SessionConfig;
  try {
    // the session's id only: never the strategy's code (a broken module must not block a HardStop)
    cfg = readSessionConfig(file);
  } catch (e) {
    if (e instanceof SessionConfigError) throw new CliError(`--config: ${e.message}`);
    throw e;
  }
  return { sessionId: sessionIdentity(cfg, queues).sessionId, config: cfg };
}

export { sessionInput };

/** Temporal for an operator command: unreachable is a one-line error and exit 1, not a stack trace. */
export async function connectForCli(): Promise<TemporalHandles> {
  try {
    return await connectTemporal();
  } catch (e) {
    if (e instanceof TemporalUnreachableError) throw new CliError(e.message, 1);
    throw e;
  }
}

export { statusDir, statusFilePath, writeStatusFile, readStatusFile } from '../state/status-file';

/** Merge the workflow's view and the hot path's view into what the status view shows. */
export function buildSnapshot(sessionId: string, state: SessionState | null, hot: HotPathStatusJson | null, notes: string[] = [], now = Date.now()): StatusSnapshot {
  const events = (hot?.lastEvents ?? []).map((e) => ({ at: e.at, text: describeEvent(e) }));
  if (state) {
    for (const s of state.stops.slice(-3)) {
      events.push({ at: s.startedAt, text: `stop ${s.n} started (${s.reason})` });
      if (s.endedAt) events.push({ at: s.endedAt, text: `stop ${s.n} ended: ${s.outcome ?? '?'}${s.attempts ? ` after ${s.attempts} attempt(s)` : ''}` });
    }
    if (state.hardStop) events.push({ at: state.hardStop.at, text: `HardStop ${state.hardStop.reason} from ${state.hardStop.source}` });
    for (const r of state.resumes.slice(-3)) events.push({ at: r.at, text: `resumed by ${r.operator ?? 'operator'}: ${r.note}` });
  }
  events.sort((a, b) => a.at - b.at);
  const snapNotes = [...notes];
  if (!state) snapNotes.push('session workflow not reachable (not started, or Temporal down)');
  if (!hot) snapNotes.push('hot-path worker not running on this machine (positions from the workflow)');
  snapNotes.push(...durabilityNotes(state, hot, now));
  if (state && state.stepsDone.length && state.phase !== 'READY_TRADING') snapNotes.push(`stop steps: ${state.stepsDone.slice(-4).join(' → ')}`);
  const verdicts = (state?.checkpoints.length ? state.checkpoints.map((c) => ({ checkpoint: c.checkpoint, verdict: c.effectiveVerdict, figures: c.figures })) : undefined) ??
    hot?.risk.verdicts.map((v) => ({ checkpoint: v.checkpoint, verdict: v.verdict, figures: v.figures }));
  return {
    at: now,
    sessionId,
    phase: state?.phase ?? 'UNKNOWN',
    hotPathPhase: hot?.phase,
    hardStop: state?.hardStop ?? hot?.hardStop ?? null,
    positions: hot?.positions ?? state?.positions ?? [],
    pnlUsd: hot?.risk.pnlCumulativeUsd,
    closedTrades: hot?.risk.closedTrades,
    consecutiveLosses: hot?.risk.consecutiveLosses,
    exposureUsd: hot?.exposure.totalUsd,
    gateCounts: hot?.gateCounts,
    verdicts,
    lastEvents: events,
    notes: snapNotes,
  };
}

/** #11: the session's lease on the hot path and the venue's scheduled cancel, in words. */
export function durabilityNotes(state: SessionState | null, hot: HotPathStatusJson | null, now = Date.now()): string[] {
  const out: string[] = [];
  const l = state?.lease;
  if (l) out.push(`lease on the hot path (${l.hostId}, ${l.leaseMs} ms): ${l.status}${l.why ? ` — ${l.why}` : ''}`);
  const dm = hot?.deadMan;
  if (dm) {
    out.push(
      dm.armed
        ? `venue scheduled cancel: ARMED, fires in ${Math.max(0, Math.round(((dm.until ?? now) - now) / 1000))} s unless renewed (${dm.triggersToday}/10 triggers today)`
        : `venue scheduled cancel: not armed — ${dm.why ?? 'unknown'} (${dm.triggersToday}/10 triggers today)`,
    );
  }
  return out;
}
