/**
 * The messages of the trading-session workflow and the types every scope codes against:
 * the CLI and the hot-path worker send these, the workflows handle them.
 * Deterministic-safe: only @temporalio/workflow definitions and pure types.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GoNoGoFigures, GoNoGoRule, GoNoGoRuleName } from '../src/risk/go-no-go';
import type { RiskSnapshot } from '../src/risk/risk-snapshot';

export { sessionWorkflowId, stopWorkflowId, hotPathTaskQueue, SESSION_WORKFLOW_TYPE, STOP_WORKFLOW_TYPE } from '../src/orchestration/ids';

/** The session's phase as Temporal records it (also the TradingPhase search attribute). */
export const SESSION_PHASES = ['STARTING', 'READY_TRADING', 'HARD_STOP', 'FLATTENING', 'STOPPED_FLAT', 'STOP_FAILED'] as const;
export type SessionPhase = (typeof SESSION_PHASES)[number];

/** A HardStop request. `reason` is normally a HardStopReason (src/risk/reasons.ts); anything else is kept as given. */
export interface HardStopRequest {
  reason: string;
  source: string;
  details?: Record<string, unknown>;
  /** the hot path's journal entry (#11): a re-delivered entry is recognised and not acted on twice */
  journalId?: string;
}

/**
 * A Go/No-Go checkpoint report (the RiskMonitor's GoNoGoVerdict). When `rule` is given the
 * workflow re-derives the verdict from the figures too, and NO-GO wins if either says so.
 */
export interface CheckpointReport {
  checkpoint: number;
  verdict: 'GO' | 'NO_GO';
  figures: GoNoGoFigures;
  failed?: { rule: GoNoGoRuleName; actual: string; threshold: string }[];
  rule?: GoNoGoRule;
}

export interface ResumeRequest {
  note: string;
  operator?: string;
  /** #11: the operator explicitly resets the losing streak (cumulative loss never resets in a session) */
  resetStreak?: boolean;
}

/** Sent by the hot-path worker once its socket, marks and positions are ready. */
export interface HotPathReadyReport {
  /** free text naming the host/process (for the UI) */
  hostId: string;
  /** the queue its activities poll (normally hotPathTaskQueue(prefix, sessionId)) */
  taskQueue?: string;
  positions?: { coin: string; szi: string }[];
  /** #11: the hot path asks the session to hold a lease on it with this heartbeat timeout (risk.hotPathLeaseMs) */
  leaseMs?: number;
}

export interface PositionView {
  coin: string;
  szi: string;
}

export interface HardStopEntry {
  reason: string;
  source: string;
  /** workflow time, ms since epoch */
  at: number;
  details?: Record<string, unknown>;
}

export interface StopRecord {
  n: number;
  workflowId: string;
  reason: string;
  startedAt: number;
  endedAt?: number;
  outcome?: StopOutcome;
  attempts?: number;
  remaining?: PositionView[];
  openOrdersLeft?: number;
  /** workflow time at which the stop saw flat confirmed by the venue */
  flatConfirmedAt?: number;
  error?: string;
}

export type StopOutcome = 'STOPPED_FLAT' | 'STOP_FAILED';

/** What `state` returns and `resume` / `hotPathReady` answer with. */
export interface SessionState {
  sessionId: string;
  account: string;
  strategyName: string;
  markets: string[];
  hotPathTaskQueue: string;
  phase: SessionPhase;
  /** the hot path reported ready (and not since stopped) */
  hotPath: { ready: boolean; hostId?: string; reportedAt?: number };
  /** the first HardStop of the current stop; cleared by a resume */
  hardStop?: HardStopEntry;
  /** HardStops that arrived while one was already in force (recorded, not acted on); capped */
  laterHardStops: HardStopEntry[];
  /** stop sequences of this session (capped to the last few) */
  stops: StopRecord[];
  /** how many stop sequences were ever started (ids are `<sessionId>-stop-<n>`) */
  stopCount: number;
  /** last positions the workflow saw (from the stop sequence or the hot path's ready report) */
  positions: PositionView[];
  checkpoints: (CheckpointReport & { at: number; effectiveVerdict: 'GO' | 'NO_GO' })[];
  goNoGo?: 'GO' | 'NO_GO';
  resumes: { note: string; operator?: string; at: number }[];
  /** human steps of the current/last stop, for the UI */
  stepsDone: string[];
  /** how many times this session continued-as-new */
  generation: number;
  /** market-scoped stops (`hlx hardstop --market`): a market is reduce-only while its entry has no resumedAt; capped */
  marketStops?: MarketStopEntry[];
  /** how many market stops were ever started (ids are `<sessionId>-market-<coin>-<n>`) */
  marketStopCount?: number;
  updatedAt: number;
  // ---- #11 durability ----
  /** ids of the hot path's journalled HardStops already received (capped) */
  journalIds?: string[];
  /** the RiskMonitor's counters as last checkpointed by the hot path (the newest copy) */
  risk?: RiskSnapshot;
  /** how many times an operator reset the losing streak (`hlx resume --reset-streak`) */
  riskStreakResets?: number;
  /** the dead-man lease on the live hot path */
  lease?: HotPathLease;
}

/**
 * The session's lease on the live hot path (#11): a long-running activity on the hot path's task
 * queue that heartbeats; when it runs out the session starts HardStop(HotPathLost) on its own.
 */
export interface HotPathLease {
  hostId: string;
  leaseMs: number;
  /** workflow time of the ready report that asked for it */
  since: number;
  /** the session wants the lease held (a hot path reported ready and no stop is in force) */
  want: boolean;
  status: 'wanted' | 'held' | 'released' | 'lost';
  /** workflow time of the last status change */
  at: number;
  /** why it was released or lost */
  why?: string;
}

export interface HoldLeaseRequest {
  hostId: string;
  leaseMs: number;
}

export interface HoldLeaseResult {
  released: string;
}

/** Options of the stop sequence; every field has a default (src/orchestration/stop-plan.ts). */
export interface StopOptions {
  /** flatten+confirm rounds before STOP_FAILED */
  maxFlattenAttempts?: number;
  /** backoff between rounds */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  backoffFactor?: number;
  /** schedule-to-close of the latch call on the hot-path host; a timeout means "host gone" */
  latchTimeoutMs?: number;
  /** IOC price offset from the mark, in bps (buy up, sell down) */
  aggressionBps?: number;
  /** start-to-close of each venue activity */
  activityTimeoutMs?: number;
  /** task queue of the stop activities (default taskQueues.stop) */
  stopTaskQueue?: string;
}

export interface TradingSessionInput {
  account: string;
  strategyName: string;
  sessionId: string;
  markets: string[];
  hotPathTaskQueue: string;
  stop?: StopOptions;
  /** the stop workflow's task queue (default: the session's own) */
  stopWorkflowTaskQueue?: string;
  /** state carried over continue-as-new */
  carried?: SessionState;
}

export interface StopSequenceInput {
  sessionId: string;
  account: string;
  n: number;
  reason: string;
  source: string;
  hotPathTaskQueue: string;
  options?: StopOptions;
}

export interface StopSequenceResult {
  outcome: StopOutcome;
  attempts: number;
  latch: 'engaged' | 'host-gone';
  cancelled: number;
  ordersSent: number;
  remaining: PositionView[];
  openOrdersLeft: number;
  steps: string[];
  /** workflow time at which the venue confirmed flat (before the alert) */
  flatConfirmedAt?: number;
  error?: string;
}

/** Activities of the hot-path host (activities/hotpath.ts, OPERATOR), on hotPathTaskQueue(prefix, sessionId). */
export interface HotPathActivities {
  engageHotPathLatch(req: { reason: string; source: string }): Promise<{ engaged: boolean; cancelsEnqueued: number }>;
  hotPathStatus(): Promise<unknown>;
  /** #11: the dead-man lease; heartbeats until released (shutdown) or cancelled by the session */
  holdHotPathLease(req: HoldLeaseRequest): Promise<HoldLeaseResult>;
}

// ---- market-scoped stops (`hlx hardstop --market COIN`): one market reduce-only, cancelled and flattened alone ----

export interface MarketHardStopRequest {
  coin: string;
  reason: string;
  source: string;
  details?: Record<string, unknown>;
}

export interface MarketResumeRequest {
  coin: string;
  note: string;
  operator?: string;
}

export interface MarketStopEntry {
  coin: string;
  n: number;
  workflowId: string;
  reason: string;
  source: string;
  details?: Record<string, unknown>;
  /** workflow time */
  at: number;
  outcome?: StopOutcome;
  endedAt?: number;
  remaining?: PositionView[];
  openOrdersLeft?: number;
  flatConfirmedAt?: number;
  resumedAt?: number;
  resumeNote?: string;
}

export interface MarketStopInput {
  sessionId: string;
  account: string;
  coin: string;
  n: number;
  reason: string;
  source: string;
  hotPathTaskQueue: string;
  options?: StopOptions;
}

export interface MarketStopResult {
  outcome: StopOutcome;
  attempts: number;
  latch: 'engaged' | 'host-gone';
  cancelled: number;
  ordersSent: number;
  /** the market's position left (empty when flat) */
  remaining: PositionView[];
  openOrdersLeft: number;
  steps: string[];
  flatConfirmedAt?: number;
  error?: string;
}

/** Activities of the hot-path host for a market-scoped stop (activities/hotpath.ts). */
export interface HotPathMarketActivities {
  haltHotPathMarket(req: { coin: string; reason: string; source: string }): Promise<{ halted: boolean; purged: number; cancelsEnqueued: number }>;
}

/** One market reduce-only and its stop sequence; the rest of the session keeps trading. */
export const marketHardStopSignal = defineSignal<[MarketHardStopRequest]>('marketHardStop');
/** Lifts a market stop: accepted once that market's stop ended STOPPED_FLAT, with a note. */
export const marketResumeUpdate = defineUpdate<SessionState, [MarketResumeRequest]>('marketResume');

export const hardStopSignal = defineSignal<[HardStopRequest]>('hardStop');
export const checkpointSignal = defineSignal<[CheckpointReport]>('checkpoint');
export const stateQuery = defineQuery<SessionState>('state');
/** Accepted only in STOPPED_FLAT and with a non-empty note; returns the state after the resume. */
export const resumeUpdate = defineUpdate<SessionState, [ResumeRequest]>('resume');
/**
 * The hot path reports ready. Returns the state: a session that is stopping or stopped stays so
 * (phase tells the hot path not to trade) until an operator resumes it.
 */
export const hotPathReadyUpdate = defineUpdate<SessionState, [HotPathReadyReport]>('hotPathReady');
/** The hot path lost readiness (socket down, process shutting down): the session leaves READY_TRADING. */
export const hotPathNotReadySignal = defineSignal<[{ hostId: string; why: string }]>('hotPathNotReady');

// ---- #11 durability ----
/** The RiskMonitor's counters, batched by the hot path (at most one per risk.checkpointIntervalMs). */
export const riskCheckpointSignal = defineSignal<[RiskSnapshot]>('riskCheckpoint');
