/**
 * The hot path's side of the dead-man lease (#11). The session workflow holds the lease as a
 * long-running activity here (activities/hotpath.ts holdHotPathLease) with heartbeat timeout
 * risk.hotPathLeaseMs; when the server stops hearing from this process it times the lease out and
 * the session starts HardStop(HotPathLost) on the stop worker. This side agrees with it: while the
 * lease is held, the server is asked (describe, every quarter lease) whether it still has it; no
 * confirmation for a whole lease = this process is cut off, and it latches HardStop(HotPathLost)
 * itself. A server that says the lease is gone latches at once.
 */
import type { LeasePort } from '../../activities/hotpath';
import type { Logger } from '../../src/util/log';
import type { SessionDescriber } from './session-describer';

export interface HotPathLeaseDeps {
  /** the session's describe, shared with the session gate (an answer up to a quarter lease old will do) */
  describer: SessionDescriber;
  log: Logger;
  clock: () => number;
  /** latch HardStop(HotPathLost) in the current hot path */
  latch: (why: string) => void;
}

export interface LeaseStatus {
  held: boolean;
  leaseMs?: number;
  /** ms since the server last confirmed the lease */
  renewedAgoMs?: number;
}

export class HotPathLeaseHolder implements LeasePort {
  private current: { activityId: string; workflowId: string; leaseMs: number } | null = null;
  private renewedAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private checking = false;
  private releaseNow: ((why: string) => void) | null = null;
  private readonly releasedP: Promise<string>;

  constructor(private readonly d: HotPathLeaseDeps) {
    this.releasedP = new Promise<string>((r) => (this.releaseNow = r));
  }

  held(info: { activityId: string; workflowId: string; leaseMs: number }): void {
    this.current = info;
    this.renewedAt = this.d.clock();
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.check(), Math.max(50, Math.floor(info.leaseMs / 4)));
    this.timer.unref?.();
    this.d.log.info('the session holds its lease on this hot path', { leaseMs: info.leaseMs });
  }

  released(): Promise<string> {
    return this.releasedP;
  }

  lost(why: string): void {
    this.d.log.error(`hot-path lease lost: ${why}; HardStop(HotPathLost)`);
    this.d.latch(why);
  }

  ended(): void {
    clearInterval(this.timer);
    this.current = null;
  }

  /** A planned shutdown: the lease activity returns, so the session knows this was not a death. */
  release(why: string): void {
    this.releaseNow?.(why);
  }

  status(): LeaseStatus {
    if (!this.current) return { held: false };
    return { held: true, leaseMs: this.current.leaseMs, renewedAgoMs: this.d.clock() - this.renewedAt };
  }

  private async check(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    // judged on every tick, even while a renewal question hangs (an unreachable server may take long to fail)
    if (this.expired(cur)) return;
    if (this.checking) return;
    this.checking = true;
    try {
      const { at, d } = await this.d.describer.describe(Math.floor(cur.leaseMs / 4));
      const pending = d.workflowId === cur.workflowId ? (d.raw.pendingActivities ?? []) : [];
      if (pending.some((a) => a.activityId === cur.activityId)) this.renewedAt = Math.max(this.renewedAt, at);
    } catch (e) {
      this.d.log.debug('lease renewal not confirmed', { error: (e as Error).message });
    } finally {
      this.checking = false;
    }
    this.expired(cur);
  }

  private expired(cur: { leaseMs: number }): boolean {
    if (this.current !== cur || this.d.clock() - this.renewedAt <= cur.leaseMs) return false;
    this.ended();
    this.lost(`not renewed for ${cur.leaseMs} ms (cut off from Temporal)`);
    return true;
  }
}
