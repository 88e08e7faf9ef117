/**
 * The hot path currently in charge of the session. An operator resume after a HardStop replaces
 * it with a fresh one (new latch, new RiskMonitor); every feed, port and activity reaches the
 * hot path through this holder, so none keeps a stale one.
 */
import { createHotPath, type HotPath, type HotPathDeps } from '../../src/executor/hot-path';

/**
 * The executor loop sends on its tick (every executor.tickIntervalMs); a HardStop must not wait
 * for it. Once trigger() and onHardStop() have run (same call chain), a microtask runs one loop
 * tick so the cancels go on the wire at once.
 */
export function kickOnHardStop(h: Pick<HotPath, 'latch' | 'loop'>): void {
  h.latch.onTrigger(() => queueMicrotask(() => h.loop.tick()));
}

export class HotPathHolder {
  private hp: HotPath;
  /** `onBuilt` runs on every hot path built here, before anything can trigger it (the journal's latch listener) */
  constructor(
    private readonly deps: () => HotPathDeps,
    private readonly onBuilt?: (h: HotPath) => void,
  ) {
    this.hp = this.build();
  }

  get current(): HotPath {
    return this.hp;
  }

  /** Stops the current hot path and starts a fresh one (after an operator resume). */
  rebuild(): HotPath {
    this.hp.stop();
    this.hp = this.build();
    return this.hp;
  }

  private build(): HotPath {
    const h = createHotPath(this.deps());
    this.onBuilt?.(h);
    kickOnHardStop(h);
    return h;
  }
}
