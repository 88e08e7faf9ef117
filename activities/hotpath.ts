/**
 * Activities that need the hot path's memory. They run inside the hot-path worker process, on its
 * own task queue `<taskQueues.hotPathPrefix>-<sessionId>`, so the stop sequence can reach the
 * latch of exactly the process that trades. Built by a factory closing over the HotPath.
 *
 * The stop sequence calls `engageHotPathLatch` with a short schedule-to-close: if this process is
 * gone, nothing else can ever pick the task, and the workflow goes on over HTTP without it.
 */
import { CancelledFailure, Context } from '@temporalio/activity';
import { isHardStopReason, type HardStopReason } from '../src/risk/reasons';
import type { HotPathStatus } from '../src/executor/hot-path';

/** The part of the HotPath these activities use (tests pass the real one). */
export interface HotPathHandle {
  latch: { trigger(reason: HardStopReason, source: string): boolean; isTriggered(): boolean };
  executor: { onHardStop(reason: HardStopReason): { cancels: number; flattenOrders?: number } };
  status(): HotPathStatus;
  /** a market-scoped stop (src/executor/hot-path.ts haltMarket) */
  haltMarket?(coin: string, why: string): { purged: number; cancels: number } | null;
  /** stop (#10): waits (bounded) until no post it signed is unanswered; true when reached */
  waitInFlightSettled?(boundMs: number): Promise<boolean>;
}

export interface EngageLatchInput {
  reason: string;
  source: string;
  /** stop (#10): how long to wait for the in-flight posts to be answered (within the call's timeout) */
  inFlightWaitMs?: number;
}

export interface EngageLatchResult {
  engaged: boolean;
  /** false when the latch had already fired here (the RiskMonitor or Ctrl+C came first) */
  firstTrigger: boolean;
  cancelsEnqueued: number;
  /** stop (#10): reduce-only IOC orders sent from memory to close the positions this hot path holds */
  flattenOrders: number;
  /** stop (#10): every post signed before the trigger (and since) has been answered by the venue */
  inFlightAnswered: boolean;
}

/** A JSON-only copy of the status (no class instances, no bigint): what crosses Temporal. */
export type HotPathStatusJson = HotPathStatus & {
  sessionId: string;
  pid: number;
  at: number;
  /** #11 written by the hot-path process into its status file */
  lease?: { held: boolean; leaseMs?: number; renewedAgoMs?: number };
  deadMan?: { armed: boolean; until?: number; why?: string; triggersToday: number } | null;
};

/** The hot-path worker's side of the dead-man lease (#11, workers/hotpath/lease.ts). */
export interface LeasePort {
  /** the session holds the lease from now on (its activity id, for the renewal check) */
  held(info: { activityId: string; workflowId: string; leaseMs: number }): void;
  /** resolves when this process lets the lease go on purpose (a planned shutdown) */
  released(): Promise<string>;
  /** the server says the lease is gone (timed out, not found): latch */
  lost(why: string): void;
  ended(): void;
}

export interface HotPathActivityOptions {
  lease?: LeasePort;
  /**
   * Runs a latch trigger that came from the workflow: it is durable in Temporal already, so the
   * hot path's HardStop journal must not keep it as owed (workers/hotpath/session-ports.ts).
   */
  fromWorkflow?: (trigger: () => void) => void;
}

export function createHotPathActivities(getHotPath: () => HotPathHandle, sessionId: string, o: HotPathActivityOptions = {}) {
  const lease = o.lease;
  return {
    /**
     * #11 the dead-man lease: runs as long as the session holds it, heartbeating several times per
     * heartbeat timeout. It returns only when this process shuts down on purpose; a cancel from the
     * session (a stop, continue-as-new) ends it quietly; a cancel because the server no longer has it
     * (timed out, not found) means the session has started HardStop(HotPathLost): latch here too.
     */
    async holdHotPathLease(req: { hostId: string; leaseMs: number }): Promise<{ released: string }> {
      const ctx = Context.current();
      if (!lease) throw new Error('this hot-path worker holds no lease');
      const every = Math.max(50, Math.floor(req.leaseMs / 5));
      // No heartbeat at the start: the server counts the start as one, and its first timeout check
      // (at start + lease) re-arms with ~1 s granularity when it finds a heartbeat only ms newer than
      // the start. A death in the lease's first seconds was then seen lease + 1 s later, not lease
      // (bench/hotpath-lost.bench.ts). The first beat, `every` in, is sent at once by the SDK.
      const beat = setInterval(() => ctx.heartbeat(), every);
      lease.held({ activityId: ctx.info.activityId, workflowId: ctx.info.workflowExecution?.workflowId ?? sessionId, leaseMs: req.leaseMs });
      try {
        const why = await Promise.race([lease.released(), ctx.cancelled]);
        return { released: why };
      } catch (e) {
        const d = ctx.cancellationDetails;
        if (e instanceof CancelledFailure && (d?.timedOut || d?.notFound)) lease.lost(d.timedOut ? 'the lease timed out on the server' : 'the server no longer knows the lease');
        throw e;
      } finally {
        clearInterval(beat);
        lease.ended();
      }
    },

    /**
     * The HardStop sequence of SPEC §4 minus the workflow signal (it came from the workflow):
     * latch → purge queued new orders → cancel every open order. Idempotent: a second call
     * enqueues cancels only for orders that have none queued yet.
     */
    async engageHotPathLatch(input: EngageLatchInput): Promise<EngageLatchResult> {
      const hp = getHotPath();
      const reason: HardStopReason = isHardStopReason(input.reason) ? input.reason : 'Operator';
      let firstTrigger = false;
      const trigger = () => void (firstTrigger = hp.latch.trigger(reason, typeof input.source === 'string' ? input.source : 'workflow'));
      if (o.fromWorkflow) o.fromWorkflow(trigger);
      else trigger();
      const { cancels, flattenOrders } = hp.executor.onHardStop(reason);
      // The stop may declare flat only once nothing signed here can still land (stop #10).
      const wait = typeof input.inFlightWaitMs === 'number' && input.inFlightWaitMs >= 0 ? input.inFlightWaitMs : 500;
      const inFlightAnswered = hp.waitInFlightSettled ? await hp.waitInFlightSettled(wait) : false;
      return { engaged: hp.latch.isTriggered(), firstTrigger, cancelsEnqueued: cancels, flattenOrders: flattenOrders ?? 0, inFlightAnswered };
    },

    /** A market-scoped stop in memory: that market reduce-only, its queue purged, its open orders cancelled. */
    async haltHotPathMarket(input: { coin: string; reason: string; source: string; inFlightWaitMs?: number }): Promise<{ halted: boolean; purged: number; cancelsEnqueued: number; inFlightAnswered: boolean }> {
      const hp = getHotPath();
      const r = hp.haltMarket?.(input.coin, `${input.reason} from ${input.source}`) ?? null;
      // as for the session's latch: the market is declared flat only once nothing signed here can still land
      const wait = typeof input.inFlightWaitMs === 'number' && input.inFlightWaitMs >= 0 ? input.inFlightWaitMs : 500;
      const inFlightAnswered = r !== null && hp.waitInFlightSettled ? await hp.waitInFlightSettled(wait) : false;
      return { halted: r !== null, purged: r?.purged ?? 0, cancelsEnqueued: r?.cancels ?? 0, inFlightAnswered };
    },

    async hotPathStatus(): Promise<HotPathStatusJson> {
      const s = getHotPath().status();
      return JSON.parse(JSON.stringify({ ...s, sessionId, pid: process.pid, at: Date.now() })) as HotPathStatusJson;
    },
  };
}

export type HotPathActivities = ReturnType<typeof createHotPathActivities>;
