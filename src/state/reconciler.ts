/**
 * The drift alarm (issue #13 §5) and the venue sync a (re)built hot path starts from.
 *
 * Every `intervalMs` (when the info budget allows: clearinghouseState 2 + openOrders 20) the
 * venue's positions and open orders are fetched; `graceMs` after the answer (fills older than the
 * snapshot still in transit have landed by then) they are applied through the tracker's actor —
 * positions merged by the venue's clock, open orders reconciled (ours missing → the resolver;
 * others → foreign exposure). Whatever that changed is the drift: logged, counted, corrected (the
 * venue's view is what was just applied), and when one comparison's drift exceeds
 * `driftHardStopUsd` the owner is told to HardStop(StateDrift).
 *
 * `syncNow()` is the same without the grace and without the alarm: the worker calls it when it
 * builds a hot path (start, operator resume) instead of fetching and applying by hand.
 */
import { formatFixed, formatNotional } from './fixed';
import type { VenueOpenOrder } from './foreign-orders';
import { INFO_WEIGHT, type InfoBudget } from './info-budget';
import type { OpenOrdersReport, PositionsReport, PositionTracker } from './position-tracker';

export interface VenueStateSource {
  clearinghouseState(user: string): Promise<{ assetPositions: { position: { coin: string; szi: string } }[]; time?: number }>;
  openOrders(user: string): Promise<VenueOpenOrder[]>;
}

export interface DriftReport {
  at: number;
  /** the venue's time of the positions snapshot compared */
  venueTime: number;
  positions: { coin: string; ours: string; venue: string }[];
  /** positions without a mark (their difference cannot be priced; counted as drift over the threshold) */
  unpriced: string[];
  foreignAdded: { oid: number; coin: string; sz: string }[];
  foreignRemoved: number[];
  missingOwn: string[];
  /** Σ |Δposition|·mark + Σ notional of foreign orders we had not seen, USD */
  driftUsd: string;
  driftNotional: bigint;
}

export interface ReconcilerDeps {
  tracker: PositionTracker;
  source: VenueStateSource;
  user: string;
  budget: InfoBudget;
  clock: () => number;
  intervalMs: number;
  graceMs: number;
  /** at 10^-16 USD */
  driftHardStop: bigint;
  /** our orders out for less than this are not judged missing (≥ expiresAfter) */
  olderThanMs: number;
  /** every comparison that found a difference */
  onDrift?: (r: DriftReport) => void;
  /** a comparison's drift exceeded the threshold */
  onDriftBeyondThreshold?: (r: DriftReport) => void;
  /** the open-orders report of every sync (the hot path applies the foreign-order policy) */
  onOpenOrders?: (r: OpenOrdersReport) => void;
  onError?: (where: string, e: unknown) => void;
}

interface Fetched {
  positions: { coin: string; szi: string }[];
  venueTime: number;
  open: VenueOpenOrder[];
  asked: number;
}

export class Reconciler {
  private nextAt: number;
  private running = false;
  private due: (Fetched & { applyAt: number }) | null = null;
  readonly stats = { runs: 0, comparisons: 0, drifts: 0, driftBeyondThreshold: 0, errors: 0, skippedForBudget: 0 };

  constructor(private readonly d: ReconcilerDeps) {
    this.nextAt = d.clock() + d.intervalMs;
  }

  /** From the hot path's tick. */
  tick(now: number): void {
    if (this.due && now >= this.due.applyAt) {
      const f = this.due;
      this.due = null;
      this.apply(f, true);
    }
    if (this.d.intervalMs <= 0 || this.running || this.due || now < this.nextAt) return;
    if (!this.d.budget.tryTake(now, INFO_WEIGHT.clearinghouseState + INFO_WEIGHT.openOrders)) {
      this.stats.skippedForBudget++;
      return;
    }
    this.nextAt = now + this.d.intervalMs;
    this.running = true;
    this.stats.runs++;
    this.fetch().then(
      (f) => {
        this.running = false;
        this.due = { ...f, applyAt: this.d.clock() + this.d.graceMs };
      },
      (e) => {
        this.running = false;
        this.stats.errors++;
        this.d.onError?.('reconcile', e);
      },
    );
  }

  /** Fetch and apply now (a hot path's first state); resolves once applied by the tracker's actor. */
  async syncNow(): Promise<void> {
    const f = await this.fetch();
    await new Promise<void>((resolve) => this.apply(f, false, resolve));
  }

  private async fetch(): Promise<Fetched> {
    const asked = this.d.clock();
    // open orders first: an order filled between the two answers shows in the positions, not as open
    const open = await this.d.source.openOrders(this.d.user);
    const ch = await this.d.source.clearinghouseState(this.d.user);
    return {
      positions: ch.assetPositions.map((p) => ({ coin: p.position.coin, szi: p.position.szi })),
      venueTime: ch.time ?? asked,
      open,
      asked,
    };
  }

  private apply(f: Fetched, alarm: boolean, done?: () => void): void {
    const at = this.d.clock();
    let pos: PositionsReport | null = null;
    this.d.tracker.post({ type: 'positions', positions: f.positions, at, venueTime: f.venueTime, applied: (r) => (pos = r) });
    this.d.tracker.post({
      type: 'reconcile',
      open: f.open,
      at,
      asOf: f.asked,
      olderThanMs: this.d.olderThanMs,
      applied: (oo) => {
        try {
          this.d.onOpenOrders?.(oo);
          if (alarm && pos) this.judge(pos, oo, f.venueTime, at);
        } finally {
          done?.();
        }
      },
    });
  }

  private judge(p: PositionsReport, oo: OpenOrdersReport, venueTime: number, at: number): void {
    this.stats.comparisons++;
    if (!p.applied) return; // an older snapshot than one already applied: nothing to compare
    const changed = p.changes.length + oo.foreignAdded.length + oo.foreignRemoved.length + oo.missingOwn.length;
    if (changed === 0) return;
    const driftNotional = p.driftNotional + oo.foreignChangeNotional;
    const r: DriftReport = {
      at,
      venueTime,
      positions: p.changes.map((c) => ({ coin: c.coin, ours: formatFixed(c.before), venue: formatFixed(c.after) })),
      unpriced: p.unpriced,
      foreignAdded: oo.foreignAdded.map((x) => ({ oid: x.oid, coin: x.coin, sz: formatFixed(x.remFx) })),
      foreignRemoved: oo.foreignRemoved,
      missingOwn: oo.missingOwn,
      driftUsd: formatNotional(driftNotional),
      driftNotional,
    };
    this.stats.drifts++;
    this.d.onDrift?.(r);
    // a difference that cannot be priced cannot be shown to be small: fail closed
    if (driftNotional > this.d.driftHardStop || p.unpriced.length > 0) {
      this.stats.driftBeyondThreshold++;
      this.d.onDriftBeyondThreshold?.(r);
    }
  }
}
