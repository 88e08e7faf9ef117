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
  executor: { onHardStop(reason: HardStopReason): { cancels: number } };
  status(): HotPathStatus;
  /** a market-scoped stop (src/executor/hot-path.ts haltMarket) */
  haltMarket?(coin: string, why: string): { purged: number; cancels: number } | null;
}

export interface EngageLatchInput {
  reason: string;
  source: string;
}

export interface EngageLatchResult {
  engaged: boolean;
  /** false when the latch had already fired here (the RiskMonitor or Ctrl+C came first) */
  firstTrigger: boolean;
  cancelsEnqueued: number;
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
      const { cancels } = hp.executor.onHardStop(reason);
      return { engaged: hp.latch.isTriggered(), firstTrigger, cancelsEnqueued: cancels };
    },

    /** A market-scoped stop in memory: that market reduce-only, its queue purged, its open orders cancelled. */
    async haltHotPathMarket(input: { coin: string; reason: string; source: string }): Promise<{ halted: boolean; purged: number; cancelsEnqueued: number }> {
      const hp = getHotPath();
      const r = hp.haltMarket?.(input.coin, `${input.reason} from ${input.source}`) ?? null;
      return { halted: r !== null, purged: r?.purged ?? 0, cancelsEnqueued: r?.cancels ?? 0 };
    },

    async hotPathStatus(): Promise<HotPathStatusJson> {
      const s = getHotPath().status();
      return JSON.parse(JSON.stringify({ ...s, sessionId, pid: process.pid, at: Date.now() })) as HotPathStatusJson;
    },
  };
}

export type HotPathActivities = ReturnType<typeof createHotPathActivities>;
