/**
 * Activities that need the hot path's memory. They run inside the hot-path worker process, on its
 * own task queue `<taskQueues.hotPathPrefix>-<sessionId>`, so the stop sequence can reach the
 * latch of exactly the process that trades. Built by a factory closing over the HotPath.
 *
 * The stop sequence calls `engageHotPathLatch` with a short schedule-to-close: if this process is
 * gone, nothing else can ever pick the task, and the workflow goes on over HTTP without it.
 */
import { isHardStopReason, type HardStopReason } from '../src/risk/reasons';
import type { HotPathStatus } from '../src/executor/hot-path';

/** The part of the HotPath these activities use (tests pass the real one). */
export interface HotPathHandle {
  latch: { trigger(reason: HardStopReason, source: string): boolean; isTriggered(): boolean };
  executor: { onHardStop(reason: HardStopReason): { cancels: number; flattenOrders?: number } };
  status(): HotPathStatus;
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
export type HotPathStatusJson = HotPathStatus & { sessionId: string; pid: number; at: number };

export function createHotPathActivities(getHotPath: () => HotPathHandle, sessionId: string) {
  return {
    /**
     * The HardStop sequence of SPEC §4 minus the workflow signal (it came from the workflow):
     * latch → purge queued new orders → cancel every open order. Idempotent: a second call
     * enqueues cancels only for orders that have none queued yet.
     */
    async engageHotPathLatch(input: EngageLatchInput): Promise<EngageLatchResult> {
      const hp = getHotPath();
      const reason: HardStopReason = isHardStopReason(input.reason) ? input.reason : 'Operator';
      const firstTrigger = hp.latch.trigger(reason, typeof input.source === 'string' ? input.source : 'workflow');
      const { cancels, flattenOrders } = hp.executor.onHardStop(reason);
      // The stop may declare flat only once nothing signed here can still land (stop #10).
      const wait = typeof input.inFlightWaitMs === 'number' && input.inFlightWaitMs >= 0 ? input.inFlightWaitMs : 500;
      const inFlightAnswered = hp.waitInFlightSettled ? await hp.waitInFlightSettled(wait) : false;
      return { engaged: hp.latch.isTriggered(), firstTrigger, cancelsEnqueued: cancels, flattenOrders: flattenOrders ?? 0, inFlightAnswered };
    },

    async hotPathStatus(): Promise<HotPathStatusJson> {
      const s = getHotPath().status();
      return JSON.parse(JSON.stringify({ ...s, sessionId, pid: process.pid, at: Date.now() })) as HotPathStatusJson;
    },
  };
}

export type HotPathActivities = ReturnType<typeof createHotPathActivities>;
