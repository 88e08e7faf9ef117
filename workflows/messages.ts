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
export const SESSION_PHASES = [
  'STARTING',
  'READY_TRADING',
  'HARD_STOP',
  'FLATTENING',
  'STOPPED_FLAT',
  'STOP_FAILED',
  // ---- stop (#10): the stop never gives up while exposure remains, and says where it is ----
  /** the stop's venue work waits for a stop worker of the session's account to poll its queue */
  'STOP_WAITING_WORKER',
  /** the fast rounds did not get the account flat; the stop goes on at the slow cadence, alerting */
  'STOP_STUCK',
  /** an operator abandoned the stop with a note (exposure may remain: handle it by hand) */
  'STOP_ABANDONED',
] as const;
export type SessionPhase = (typeof SESSION_PHASES)[number];

/** A HardStop request. `reason` is normally a HardStopReason (src/risk/reasons.ts); anything else is kept as given. */
export interface HardStopRequest {
  reason: string;
  source: string;
  details?: Record<string, unknown>;
  /**
   * The id of this request: the hot path's journal entry (#11), or a fleet HardStop sent both
   * directly and as a batch operation. A request delivered twice is acted on once.
   */
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
  /** stop (#10): the last progress report applied (its seq) */
  progressSeq?: number;
}

export type StopOutcome = 'STOPPED_FLAT' | 'STOP_FAILED' | 'STOP_ABANDONED';

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
  /** base of the stop task queues (default taskQueues.stop): activities run on `<this>-<account>` */
  stopTaskQueue?: string;
  // ---- stop (#10) ----
  /** fast rounds (backoff between them) before the stop is STOP_STUCK and goes on at slowRoundMs */
  fastRounds?: number;
  /** the cadence of the rounds after the fast ones, forever until flat or abandoned */
  slowRoundMs?: number;
  /** the widest the flatten IOC may be priced from the mark, bps (the ceiling of the widening) */
  maxSlippageBps?: number;
  /** one flatten order's notional at most (bigger positions are split), USD decimal string */
  maxOrderNotionalUsd?: string;
  /** orders per order action (≤ 40 keeps weight 1) and cancels per cancel action (≤ 200) */
  maxOrdersPerAction?: number;
  maxCancelsPerAction?: number;
  /** schedule-to-start of the venue activities: after this with no stop worker polling, the stop says it waits */
  workerWaitMs?: number;
  /** the longest expiresAfter the hot path may have signed with (its executor.expiresAfterMs) */
  hotPathExpiresAfterMs?: number;
  /** at most one "still not flat" alert per this interval */
  alertMinIntervalMs?: number;
  /** continue-as-new after this many rounds in one run (a stop stuck for days keeps its history small) */
  roundsPerRun?: number;
}

/** stop (#10): where alerts go besides the stop worker's own environment sinks (src/alerts). */
export type AlertSinkSpec =
  | { kind: 'webhook'; url: string; format?: 'json' | 'slack' | 'discord' }
  | { kind: 'telegram'; url: string; chatId: string };

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
  /** stop (#10): the sub-account or vault traded for (the stop acts on it) */
  vaultAddress?: string;
  /** stop (#10): alert sinks from the session config */
  alertSinks?: AlertSinkSpec[];
}

export interface StopSequenceInput {
  sessionId: string;
  account: string;
  n: number;
  reason: string;
  source: string;
  hotPathTaskQueue: string;
  options?: StopOptions;
  /** stop (#10): the vault/sub-account traded for; the stop acts on `vaultAddress ?? account` */
  vaultAddress?: string;
  /** stop (#10): workflow time of the HardStop that started this stop (the expiresAfter clock) */
  triggeredAt?: number;
  alertSinks?: AlertSinkSpec[];
  /** stop (#10): carried over continue-as-new of a long stop */
  carried?: StopCarried;
}

/** stop (#10): what a long-running stop carries into its next run. */
export interface StopCarried {
  round: number;
  steps: string[];
  cancelled: number;
  ordersSent: number;
  latch: LatchOutcome;
  lastAlertAt: number;
  stuckReported: boolean;
  runs: number;
}

/** stop (#10): how the hot-path latch call ended. */
export interface LatchOutcome {
  latch: 'engaged' | 'host-gone';
  /** the hot path answered that every post it signed before the trigger has been answered */
  inFlightAnswered: boolean;
  /** workflow time the answer (or the timeout) came */
  at: number;
  detail: string;
}

/** stop (#10): the stop child tells the session where it is (phase + a line for the UI). */
export interface StopProgress {
  n: number;
  /** increasing within a stop (signals between workflows may arrive out of order: older ones are ignored) */
  seq?: number;
  phase: 'FLATTENING' | 'STOP_WAITING_WORKER' | 'STOP_STUCK';
  note: string;
  positions?: PositionView[];
}

export interface AbandonRequest {
  note: string;
  operator?: string;
}

/** What a stop of the session and a stop of one market both end with. */
interface StopEnd {
  outcome: StopOutcome;
  attempts: number;
  latch: 'engaged' | 'host-gone';
  cancelled: number;
  ordersSent: number;
  /** the positions left (empty when flat) */
  remaining: PositionView[];
  openOrdersLeft: number;
  steps: string[];
  /** workflow time at which the venue confirmed flat (before the alert) */
  flatConfirmedAt?: number;
  error?: string;
}

export interface StopSequenceResult extends StopEnd {
  /** stop (#10): the hot path's in-flight posts were answered (else flat waited for expiresAfter) */
  inFlightAnswered?: boolean;
}

/** Activities of the hot-path host (activities/hotpath.ts, OPERATOR), on hotPathTaskQueue(prefix, sessionId). */
export interface HotPathActivities {
  engageHotPathLatch(req: { reason: string; source: string; inFlightWaitMs?: number }): Promise<{ engaged: boolean; cancelsEnqueued: number; inFlightAnswered?: boolean; flattenOrders?: number }>;
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
  /** the vault/sub-account traded for (the stop acts on it, on that account's stop queue) */
  vaultAddress?: string;
  coin: string;
  n: number;
  reason: string;
  source: string;
  hotPathTaskQueue: string;
  options?: StopOptions;
  /** carried over continue-as-new of a long market stop */
  carried?: MarketStopCarried;
}

/** The hot path's answer to the market halt (or that it gave none: host gone), workflow time. */
export interface MarketHaltAnswer {
  latch: 'engaged' | 'host-gone';
  inFlightAnswered: boolean;
  at: number;
}

export interface MarketStopCarried {
  attempt: number;
  cancelled: number;
  ordersSent: number;
  runs: number;
  /** workflow time of the market stop's start (what the hot path signed before it may still land) */
  triggeredAt: number;
  latch: MarketHaltAnswer;
  stuckReported: boolean;
  lastAlertAt: number;
  steps: string[];
}

/** `remaining`: the market's position left. */
export type MarketStopResult = StopEnd;

/** Activities of the hot-path host for a market-scoped stop (activities/hotpath.ts). */
export interface HotPathMarketActivities {
  haltHotPathMarket(req: { coin: string; reason: string; source: string; inFlightWaitMs?: number }): Promise<{ halted: boolean; purged: number; cancelsEnqueued: number; inFlightAnswered?: boolean }>;
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

// ---- stop (#10) ----
/** The stop child reports its phase to the session (waiting for a worker, stuck, flattening). */
export const stopProgressSignal = defineSignal<[StopProgress]>('stopProgress');
/**
 * An operator gives a running (or failed) stop up, with a note. Accepted only while a stop is in
 * force; the exposure that may remain is then the operator's to handle. Returns the state.
 */
export const abandonUpdate = defineUpdate<SessionState, [AbandonRequest]>('abandon');
/** The session forwards an accepted abandon to its running stop child. */
export const abandonStopSignal = defineSignal<[AbandonRequest]>('abandonStop');
