/**
 * The trading session's decisions as pure functions over SessionState. The workflow
 * (workflows/trading-session.ts) only feeds them messages and the workflow clock and carries out
 * what they return, so every rule here is unit-tested without Temporal.
 * Pure: no Node built-ins, no I/O, no clock, no randomness.
 */
import DecimalBase from 'decimal.js';
import type { GoNoGoFigures, GoNoGoRule } from '../risk/go-no-go';
import { isHardStopReason } from '../risk/reasons';
import { newerSnapshot, type RiskSnapshot } from '../risk/risk-snapshot';
import type {
  AbandonRequest,
  StopProgress,
  CheckpointReport,
  HardStopEntry,
  HardStopRequest,
  HoldLeaseResult,
  HotPathLease,
  HotPathReadyReport,
  ResumeRequest,
  SessionPhase,
  SessionState,
  StopSequenceResult,
  TradingSessionInput,
} from '../../workflows/messages';

const D = DecimalBase.clone({ precision: 40 });

/** Histories stay small across continue-as-new: keep only the tail of each list. */
export const KEEP_LATER_HARDSTOPS = 20;
export const KEEP_STOPS = 10;
export const KEEP_CHECKPOINTS = 20;
export const KEEP_RESUMES = 10;

/** Phases in which a stop is in force and trading must not happen. */
export const STOPPING_PHASES: readonly SessionPhase[] = ['HARD_STOP', 'FLATTENING', 'STOP_WAITING_WORKER', 'STOP_STUCK'];
export const STOPPED_PHASES: readonly SessionPhase[] = ['STOPPED_FLAT', 'STOP_FAILED', 'STOP_ABANDONED'];

export function mayTrade(phase: SessionPhase): boolean {
  return phase === 'READY_TRADING';
}

export function initialState(input: TradingSessionInput, now: number): SessionState {
  if (input.carried) {
    // Continue-as-new: the state is the previous run's, one generation on.
    return { ...input.carried, generation: input.carried.generation + 1, updatedAt: now };
  }
  return {
    sessionId: input.sessionId,
    account: input.account,
    strategyName: input.strategyName,
    markets: [...input.markets],
    hotPathTaskQueue: input.hotPathTaskQueue,
    phase: 'STARTING',
    hotPath: { ready: false },
    laterHardStops: [],
    stops: [],
    stopCount: 0,
    positions: [],
    checkpoints: [],
    resumes: [],
    stepsDone: [],
    generation: 0,
    updatedAt: now,
  };
}

function tail<T>(xs: T[], n: number): T[] {
  return xs.length > n ? xs.slice(xs.length - n) : xs;
}

/** A reason as given when it is one of ours; otherwise kept verbatim (never dropped: fail closed). */
export function normaliseReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '') return 'Operator';
  if (isHardStopReason(reason)) return reason;
  const known = ['CumulativeLoss', 'ConsecutiveLosses', 'RejectBurst', 'SlippageAnomaly', 'SocketDisconnected', 'NoGo', 'Operator', 'HotPathLost'];
  const hit = known.find((k) => k.toLowerCase() === reason.trim().toLowerCase());
  return hit ?? reason.trim();
}

export interface HardStopDecision {
  state: SessionState;
  /** start a new stop sequence now */
  startStop: boolean;
}

/**
 * The first HardStop wins: it moves the session to HARD_STOP and starts a stop. While a stop is
 * in force, or the session is already STOPPED_FLAT, later ones are only recorded. From
 * STOP_FAILED or STOP_ABANDONED a new HardStop is the operator's way to try the stop again.
 */
export function onHardStop(state: SessionState, req: HardStopRequest, now: number): HardStopDecision {
  // #11: a journal entry delivered twice (the process died between Temporal's ack and the journal's) counts once
  if (isRedelivered(state, req)) return { state, startStop: false };
  state = rememberJournalId(state, req);
  const entry: HardStopEntry = {
    reason: normaliseReason(req?.reason),
    source: typeof req?.source === 'string' && req.source !== '' ? req.source : 'unknown',
    at: now,
    ...(req?.details && typeof req.details === 'object' ? { details: req.details } : {}),
  };
  if (state.phase === 'STARTING' || state.phase === 'READY_TRADING' || state.phase === 'STOP_FAILED' || state.phase === 'STOP_ABANDONED') {
    return {
      state: { ...state, phase: 'HARD_STOP', hardStop: entry, stepsDone: [`HardStop ${entry.reason} from ${entry.source}`], updatedAt: now },
      startStop: true,
    };
  }
  return {
    state: { ...state, laterHardStops: tail([...state.laterHardStops, entry], KEEP_LATER_HARDSTOPS), updatedAt: now },
    startStop: false,
  };
}

/** The verdict of a rule row applied to reported figures (the same comparisons as src/risk/go-no-go.ts). */
export function verdictFromFigures(figures: GoNoGoFigures, rule: GoNoGoRule): 'GO' | 'NO_GO' {
  const ok =
    new D(figures.meanEdgeBps).gte(rule.minMeanEdgeBps) &&
    new D(figures.meanSlippageBps).lte(rule.maxMeanSlippageBps) &&
    new D(figures.pnlCumulativeUsd).gte(rule.minPnlCumulativeUsd);
  return ok ? 'GO' : 'NO_GO';
}

/** NO-GO if the report says so, if its own rule says so, or if the report is unreadable (fail closed). */
export function effectiveVerdict(report: CheckpointReport): 'GO' | 'NO_GO' {
  if (!report || report.verdict !== 'GO') return 'NO_GO';
  if (report.rule) {
    try {
      return verdictFromFigures(report.figures, report.rule);
    } catch {
      return 'NO_GO';
    }
  }
  return 'GO';
}

export interface CheckpointDecision {
  state: SessionState;
  /** a NO-GO: the workflow treats it as a HardStop with reason NoGo */
  hardStop?: HardStopRequest;
}

export function onCheckpoint(state: SessionState, report: CheckpointReport, now: number): CheckpointDecision {
  const verdict = effectiveVerdict(report);
  const next: SessionState = {
    ...state,
    checkpoints: tail([...state.checkpoints, { ...report, at: now, effectiveVerdict: verdict }], KEEP_CHECKPOINTS),
    goNoGo: verdict,
    updatedAt: now,
  };
  if (verdict === 'NO_GO') {
    return {
      state: next,
      hardStop: { reason: 'NoGo', source: 'go-no-go', details: { checkpoint: report?.checkpoint, failed: report?.failed ?? [] } },
    };
  }
  return { state: next };
}

/** The resume validator: a reason to reject, or null to accept. */
export function resumeRejection(state: SessionState, req: ResumeRequest): string | null {
  if (state.phase !== 'STOPPED_FLAT') {
    return `resume is only accepted in STOPPED_FLAT; the session is ${state.phase}`;
  }
  if (!req || typeof req.note !== 'string' || req.note.trim() === '') {
    return 'resume needs a non-empty operator note';
  }
  return null;
}

export function onResume(state: SessionState, req: ResumeRequest, now: number): SessionState {
  const rejection = resumeRejection(state, req);
  if (rejection) throw new Error(rejection);
  return {
    ...state,
    phase: 'READY_TRADING',
    hardStop: undefined,
    resumes: tail([...state.resumes, { note: req.note.trim(), ...(req.operator ? { operator: req.operator } : {}), at: now }], KEEP_RESUMES),
    stepsDone: [`resumed: ${req.note.trim()}`],
    updatedAt: now,
  };
}

/** The hot path is ready: STARTING becomes READY_TRADING; a stopping or stopped session stays as it is. */
export function onHotPathReady(state: SessionState, report: HotPathReadyReport, now: number): SessionState {
  const phase: SessionPhase = state.phase === 'STARTING' ? 'READY_TRADING' : state.phase;
  return {
    ...state,
    phase,
    hotPath: { ready: true, hostId: report?.hostId, reportedAt: now },
    positions: Array.isArray(report?.positions) ? report.positions.map((p) => ({ coin: p.coin, szi: p.szi })) : state.positions,
    updatedAt: now,
  };
}

/** The hot path lost readiness: READY_TRADING falls back to STARTING until it reports ready again. */
export function onHotPathNotReady(state: SessionState, now: number): SessionState {
  return {
    ...state,
    phase: state.phase === 'READY_TRADING' ? 'STARTING' : state.phase,
    hotPath: { ...state.hotPath, ready: false },
    updatedAt: now,
  };
}

export function onStopStarted(state: SessionState, workflowId: string, now: number): SessionState {
  const n = state.stopCount + 1;
  return {
    ...state,
    phase: 'FLATTENING',
    stopCount: n,
    stops: tail([...state.stops, { n, workflowId, reason: state.hardStop?.reason ?? 'Operator', startedAt: now }], KEEP_STOPS),
    stepsDone: [...state.stepsDone, `stop sequence ${workflowId} started`],
    updatedAt: now,
  };
}

/** The stop's number and id before it starts (the child's id must be known to start it). */
export function nextStopNumber(state: SessionState): number {
  return state.stopCount + 1;
}

export function onStopFinished(state: SessionState, result: StopSequenceResult, now: number): SessionState {
  const stops = state.stops.map((s, i) =>
    i === state.stops.length - 1
      ? {
          ...s,
          endedAt: now,
          outcome: result.outcome,
          attempts: result.attempts,
          remaining: result.remaining,
          openOrdersLeft: result.openOrdersLeft,
          ...(result.flatConfirmedAt !== undefined ? { flatConfirmedAt: result.flatConfirmedAt } : {}),
          ...(result.error ? { error: result.error } : {}),
        }
      : s,
  );
  return {
    ...state,
    phase: result.outcome,
    stops,
    positions: result.remaining,
    hotPath: { ...state.hotPath, ready: false },
    stepsDone: [...state.stepsDone, ...result.steps, `ended ${result.outcome}`],
    updatedAt: now,
  };
}

/** A stop child that failed as a workflow (not a STOP_FAILED result) is still a failed stop, loudly. */
export function stopCrashedResult(error: string): StopSequenceResult {
  return { outcome: 'STOP_FAILED', attempts: 0, latch: 'host-gone', cancelled: 0, ordersSent: 0, remaining: [], openOrdersLeft: -1, steps: [], error };
}

/** Search attribute values for the state (TradingPhase, HardStopReason, TradingAccount, GoNoGoVerdict). */
export function searchAttributeValues(state: SessionState): {
  TradingPhase: string;
  HardStopReason: string | null;
  TradingAccount: string;
  GoNoGoVerdict: string | null;
} {
  return {
    TradingPhase: state.phase,
    HardStopReason: state.hardStop?.reason ?? null,
    TradingAccount: state.account.toLowerCase(),
    GoNoGoVerdict: state.goNoGo ?? null,
  };
}

/** Continue-as-new only between stops, so a running stop child is never cut off. */
export function mayContinueAsNew(state: SessionState, stopRunning: boolean): boolean {
  return !stopRunning && !STOPPING_PHASES.includes(state.phase);
}

function signed(szi: string): string {
  return szi.startsWith('-') ? `\u2212${szi.slice(1)}` : `+${szi}`;
}

/** The workflow's current details (Temporal UI), markdown. */
export function sessionDetailsMarkdown(state: SessionState): string {
  const lines: string[] = [];
  lines.push(`### ${state.strategyName} on ${state.account}`);
  lines.push(`**Phase:** ${state.phase}` + (state.hardStop ? ` — HardStop **${state.hardStop.reason}** from ${state.hardStop.source}` : ''));
  lines.push(`**Hot path:** ${state.hotPath.ready ? `ready (${state.hotPath.hostId ?? '?'})` : 'not ready'}` + (state.goNoGo ? ` · **Go/No-Go:** ${state.goNoGo}` : ''));
  lines.push('');
  if (state.positions.length === 0) lines.push('Positions: none');
  else {
    lines.push('| coin | size |', '| --- | --- |');
    for (const p of state.positions) lines.push(`| ${p.coin} | ${signed(p.szi)} |`);
  }
  if (state.stepsDone.length > 0) {
    lines.push('', '**Steps done**');
    for (const s of state.stepsDone.slice(-15)) lines.push(`- ${s}`);
  }
  if (state.laterHardStops.length > 0) lines.push('', `Later HardStops recorded: ${state.laterHardStops.length}`);
  return lines.join('\n');
}

// ---- #11 durability: the HardStop journal's ids ----

export const KEEP_JOURNAL_IDS = 50;

function isRedelivered(state: SessionState, req: HardStopRequest): boolean {
  return typeof req?.journalId === 'string' && (state.journalIds ?? []).includes(req.journalId);
}

function rememberJournalId(state: SessionState, req: HardStopRequest): SessionState {
  if (typeof req?.journalId !== 'string') return state;
  return { ...state, journalIds: tail([...(state.journalIds ?? []), req.journalId], KEEP_JOURNAL_IDS) };
}

// ---- #11 durability: risk counters ----

/** The hot path's checkpoint: kept when newer than the copy the session holds. */
export function onRiskCheckpoint(state: SessionState, snap: RiskSnapshot, now: number): SessionState {
  const risk = newerSnapshot(state.risk, snap);
  if (!risk || risk === state.risk) return state;
  return { ...state, risk, updatedAt: now };
}

/**
 * What a resume does to the risk counters: nothing, unless the operator asked to reset the losing
 * streak — then the streak is zeroed and the reset counted (the hot path applies each count once).
 * Cumulative pnl, the trade count and the Go/No-Go window are never reset within a session.
 */
export function onResumeRisk(state: SessionState, req: ResumeRequest): SessionState {
  if (req?.resetStreak !== true) return state;
  const n = (state.riskStreakResets ?? 0) + 1;
  return {
    ...state,
    riskStreakResets: n,
    ...(state.risk ? { risk: { ...state.risk, consecutiveLosses: 0, streakResets: n } } : {}),
    stepsDone: [...state.stepsDone, 'losing streak reset by the operator'],
  };
}

// ---- #11 durability: the dead-man lease on the hot path ----

/** A ready report that asks for a lease: held from now on (a new host replaces the old one's). */
export function leaseOnReady(state: SessionState, report: HotPathReadyReport, now: number): SessionState {
  const leaseMs = report?.leaseMs;
  if (typeof leaseMs !== 'number' || !(leaseMs > 0)) return state;
  const cur = state.lease;
  if (cur && cur.want && cur.hostId === report.hostId && cur.leaseMs === leaseMs) return state;
  const lease: HotPathLease = { hostId: report.hostId, leaseMs, since: now, want: true, status: 'wanted', at: now };
  return { ...state, lease, updatedAt: now };
}

/** The lease is wanted while a hot path asked for it and no stop is in force or done. */
export function leaseWanted(state: SessionState): boolean {
  return !!state.lease?.want && (state.phase === 'STARTING' || state.phase === 'READY_TRADING');
}

/** Identifies one lease (a new report from another host, or a re-asked one, is another lease). */
export function leaseKey(state: SessionState): string | null {
  return state.lease ? `${state.lease.hostId}@${state.lease.since}` : null;
}

export function onLeaseHeld(state: SessionState, now: number): SessionState {
  return state.lease ? { ...state, lease: { ...state.lease, status: 'held', at: now } } : state;
}

/** The hot path released it (a planned shutdown), or the session let go of it (a stop, continue-as-new). */
export function onLeaseReleased(state: SessionState, key: string, why: string, now: number): SessionState {
  if (!state.lease || leaseKey(state) !== key) return state;
  return { ...state, lease: { ...state.lease, want: false, status: 'released', at: now, why }, updatedAt: now };
}

export function onLeaseReturned(state: SessionState, key: string, r: HoldLeaseResult, now: number): SessionState {
  return onLeaseReleased(state, key, `released by the hot path: ${r?.released ?? 'unknown'}`, now);
}

export interface LeaseLostDecision {
  state: SessionState;
  /** the HardStop the session starts on its own */
  hardStop?: HardStopRequest;
}

/** The lease ran out (the hot path died, hangs or is cut off): HardStop(HotPathLost), no person involved. */
export function onLeaseLost(state: SessionState, key: string, error: string, now: number): LeaseLostDecision {
  if (!state.lease || leaseKey(state) !== key) return { state };
  const lease = state.lease;
  return {
    state: { ...state, lease: { ...lease, want: false, status: 'lost', at: now, why: error }, updatedAt: now },
    hardStop: { reason: 'HotPathLost', source: 'lease', details: { hostId: lease.hostId, leaseMs: lease.leaseMs, error } },
  };
}

/** Continue-as-new let the lease go on purpose: the next run takes it again. */
export function leaseForNextRun(state: SessionState): SessionState {
  const l = state.lease;
  if (!l || l.status !== 'released' || l.why !== 'continue-as-new') return state;
  return { ...state, lease: { ...l, want: true, status: 'wanted' } };
}

// ---- stop (#10): progress of the running stop, and the operator's abandon ----

/** The running stop says where it is: waiting for a stop worker, stuck, or flattening again. */
export function onStopProgress(state: SessionState, p: StopProgress, now: number): SessionState {
  const current = state.stops[state.stops.length - 1];
  // Only the running stop of this session moves the phase; a late word from an older one is ignored.
  if (!p || !current || current.n !== p.n || current.endedAt !== undefined) return state;
  if (!STOPPING_PHASES.includes(state.phase) || state.phase === 'HARD_STOP') return state;
  if (p.phase !== 'FLATTENING' && p.phase !== 'STOP_WAITING_WORKER' && p.phase !== 'STOP_STUCK') return state;
  if (typeof p.seq === 'number' && current.progressSeq !== undefined && p.seq <= current.progressSeq) return state;
  return {
    ...state,
    stops: typeof p.seq === 'number' ? state.stops.map((x) => (x === current ? { ...x, progressSeq: p.seq } : x)) : state.stops,
    phase: p.phase,
    ...(Array.isArray(p.positions) ? { positions: p.positions.map((x) => ({ coin: x.coin, szi: x.szi })) } : {}),
    stepsDone: tail([...state.stepsDone, `${p.phase}: ${typeof p.note === 'string' ? p.note : ''}`], 40),
    updatedAt: now,
  };
}

/** The abandon validator: a reason to reject, or null to accept. */
export function abandonRejection(state: SessionState, req: AbandonRequest): string | null {
  if (!STOPPING_PHASES.includes(state.phase) && state.phase !== 'STOP_FAILED') {
    return `abandon is only accepted while a stop is in force or failed; the session is ${state.phase}`;
  }
  if (!req || typeof req.note !== 'string' || req.note.trim() === '') return 'abandon needs a non-empty operator note';
  return null;
}

export interface AbandonDecision {
  state: SessionState;
  /** the running stop child to tell (null: none is running, the session is abandoned at once) */
  signalStop: string | null;
}

/**
 * An accepted abandon: recorded with its note. A running stop is told and ends STOP_ABANDONED at
 * its next round boundary; a failed one (no child running) is abandoned at once.
 */
export function onAbandon(state: SessionState, req: AbandonRequest, now: number, stopRunning: boolean): AbandonDecision {
  const why = abandonRejection(state, req);
  if (why) throw new Error(why);
  const note = req.note.trim();
  const line = `abandon requested by ${req.operator ?? 'an operator'}: ${note}`;
  const current = state.stops[state.stops.length - 1];
  if (stopRunning && current) return { state: { ...state, stepsDone: [...state.stepsDone, line], updatedAt: now }, signalStop: current.workflowId };
  return { state: { ...state, phase: 'STOP_ABANDONED', stepsDone: [...state.stepsDone, line, 'ended STOP_ABANDONED'], updatedAt: now }, signalStop: null };
}
