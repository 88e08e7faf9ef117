/**
 * HardStopLatch (SPEC §4): a one-way latch. `trigger()` is synchronous and idempotent; the first
 * reason, source and time are kept. Once it returns, every later read sees `triggered === true`,
 * which is what the gates, the scheduler and the pre-send guard rely on.
 */
import type { HardStopReason, HardStopRecord, HardStopSource } from '../risk/reasons';
import { chaosInject } from '../chaos/inject';

export type LatchListener = (rec: HardStopRecord) => void;

export class HardStopLatch {
  private rec: HardStopRecord | null = null;
  private readonly listeners: LatchListener[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  /** True when this call fired the latch; false when it had already fired (the first record stays). */
  trigger(reason: HardStopReason, source: HardStopSource = 'unknown'): boolean {
    if (this.rec !== null) return false;
    this.rec = { reason, source, at: this.clock() };
    // Listeners run after the state is set, so a listener that reads the latch sees it fired.
    for (const l of this.listeners) {
      try {
        l(this.rec);
      } catch {
        /* a listener's failure must not un-fire or block the latch */
      }
    }
    return true;
  }

  isTriggered(): boolean {
    if (chaosInject('latch-check-removed')) return false; // TEST-ONLY switch (src/chaos/inject.ts)
    return this.rec !== null;
  }

  /** The first trigger, or null. */
  record(): HardStopRecord | null {
    return this.rec;
  }

  /** Observe the (single) firing, e.g. for logging. Not part of the stop path itself. */
  onTrigger(l: LatchListener): void {
    this.listeners.push(l);
  }
}
