/**
 * Fire-and-forget calls to Temporal from the hot-path worker (signals, the ready report): each is
 * tracked so shutdown can wait for them, bounded — an unreachable Temporal must not hold the
 * process up — and a failure is logged, never thrown into the hot path.
 */
import type { Logger } from '../../src/util/log';

export class PendingCalls {
  private readonly calls = new Set<Promise<unknown>>();
  constructor(private readonly log: Logger) {}

  track(p: Promise<unknown>): void {
    const q = p.catch((e) => this.log.debug('session call failed', { error: (e as Error).message })).finally(() => this.calls.delete(q));
    this.calls.add(q);
  }

  /** Waits for every tracked call, or `ms`, whichever comes first. */
  async drain(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all([...this.calls]), new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }
}
