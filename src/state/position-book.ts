/**
 * Signed positions per coin, merged from two sources by the venue's own clock (issue #13 §1):
 *
 *  - live fills (`time` = block time, `startPosition` = the position before the fill), and
 *  - snapshots (`clearinghouseState.time` = the venue time the snapshot was computed).
 *
 * Why: a snapshot is computed at T and delivered later; fills arriving meanwhile are newer than it
 * (time > T) and a wholesale replace would erase them. So every fill is kept in a short log, and a
 * snapshot sets `position = snapshot + Σ logged fills newer than T` — a fill is never lost (it is
 * re-applied on top) and never doubled (one the snapshot already holds has time ≤ T). A fill whose
 * time equals T is ambiguous by clock alone; its `startPosition` decides (it is newer than the
 * snapshot iff the position it started from is the one the snapshot shows). Without a
 * startPosition such a fill counts as newer: a double count over-states exposure (fail closed), a
 * lost fill under-states it.
 *
 * A snapshot older than the last one applied is stale and ignored. Live fills older than the last
 * snapshot are already in it and do not move the position.
 */
import { formatFixed } from './fixed';

export interface PositionChange {
  coin: string;
  before: bigint;
  after: bigint;
}

export interface SnapshotResult {
  /** false: the snapshot was older than the last one applied (ignored) */
  applied: boolean;
  /** coins whose position the snapshot changed (the difference between our view and the venue's) */
  changes: PositionChange[];
  /** logged fills newer than the snapshot, re-applied on top of it */
  reapplied: number;
}

interface LoggedFill {
  coin: string;
  time: number;
  deltaFx: bigint;
  startFx: bigint | null;
}

interface Position {
  sziFx: bigint;
  szi: string;
}

/** Fills are kept this long (by fill time) for merging late snapshots, and at most this many. */
const LOG_WINDOW_MS = 120_000;
const LOG_CAP = 50_000;

export class PositionBook {
  private readonly pos = new Map<string, Position>();
  private log: LoggedFill[] = [];
  private maxTime = -Infinity;
  /** venue time of the last snapshot applied (-Infinity before the first) */
  asOf = -Infinity;
  readonly stats = { staleSnapshots: 0, fillsInSnapshot: 0, reapplied: 0 };

  /** `onChange(coin, absFx)` after every change of a coin's position */
  constructor(private readonly onChange: (coin: string, absFx: bigint) => void) {}

  get(coin: string): bigint {
    return this.pos.get(coin)?.sziFx ?? 0n;
  }

  all(): { coin: string; szi: string }[] {
    const out: { coin: string; szi: string }[] = [];
    for (const [coin, p] of this.pos) if (p.sziFx !== 0n) out.push({ coin, szi: p.szi });
    return out;
  }

  /**
   * A live fill. Returns whether it moved the position (false: the last snapshot already holds it).
   * Every fill is logged either way: a later snapshot decides again from the venue's clock.
   */
  applyFill(coin: string, time: number, deltaFx: bigint, startFx: bigint | null): boolean {
    this.log.push({ coin, time, deltaFx, startFx });
    if (time > this.maxTime) this.maxTime = time;
    this.prune();
    const cur = this.get(coin);
    const newer = time > this.asOf || (time === this.asOf && (startFx === null || startFx === cur));
    if (!newer) {
      this.stats.fillsInSnapshot++;
      return false;
    }
    this.set(coin, cur + deltaFx);
    return true;
  }

  /** A venue snapshot computed at venue time `T`: markets absent from `list` are flat at T. */
  applySnapshot(list: { coin: string; fx: bigint }[], T: number): SnapshotResult {
    if (T < this.asOf) {
      this.stats.staleSnapshots++;
      return { applied: false, changes: [], reapplied: 0 };
    }
    const next = new Map<string, bigint>();
    for (const p of this.pos.keys()) next.set(p, 0n);
    for (const { coin, fx } of list) next.set(coin, fx);
    let reapplied = 0;
    for (const e of this.log) {
      if (e.time < T) continue;
      const v = next.get(e.coin) ?? 0n;
      if (e.time > T || e.startFx === null || e.startFx === v) {
        next.set(e.coin, v + e.deltaFx);
        reapplied++;
      }
    }
    const changes: PositionChange[] = [];
    for (const [coin, after] of next) {
      const before = this.get(coin);
      if (before === after) continue;
      changes.push({ coin, before, after });
      this.set(coin, after);
    }
    this.asOf = T;
    this.stats.reapplied += reapplied;
    return { applied: true, changes, reapplied };
  }

  private set(coin: string, fx: bigint): void {
    const p = this.pos.get(coin);
    if (p && p.sziFx === fx) return;
    if (p) {
      p.sziFx = fx;
      p.szi = formatFixed(fx);
    } else this.pos.set(coin, { sziFx: fx, szi: formatFixed(fx) });
    this.onChange(coin, fx < 0n ? -fx : fx);
  }

  private prune(): void {
    const cut = this.maxTime - LOG_WINDOW_MS;
    let i = 0;
    while (i < this.log.length && (this.log.length - i > LOG_CAP || this.log[i].time < cut)) i++;
    if (i > 1024 || (i > 0 && i * 2 > this.log.length)) this.log = this.log.slice(i);
  }
}
