/**
 * Fills the socket never delivered (issue #13 §2; found by `make chaos` seed 1002). The venue says
 * an order of ours is filled — in the post answer, in an order update, or in orderStatus after its
 * outcome was unknown — but its fills have not all arrived on the socket: a stalled socket that
 * dropped frames without closing, a post whose answer was lost. Without them the position, the
 * pairing and the RiskMonitor's pnl and fees are wrong until the next drift comparison.
 *
 * After `graceMs` (fills in transit land by then) the account's fills since the order was sent are
 * asked for with `userFillsByTime` over HTTP, inside the info budget, and every one of them goes
 * through the tracker's ordinary fill path: it drops fills it has seen (by coin and trade id), the
 * position book merges by the venue's clock, so nothing is counted twice. Asked again with backoff
 * while the order still waits; the tracker's sweep ends the wait (`fillsNotSeen`) as before.
 */
import type { PendingOrder } from './order';
import type { FillInput } from '../executor/events';
import type { PositionTracker } from './position-tracker';
import type { InfoBudget } from './info-budget';

/** weight 20 + 1 per 20 rows returned (hyperliquid.md §7); the rows are paid for up front */
const USER_FILLS_WEIGHT = 20;

export interface FillHistorySource {
  /** the account's fills with time ≥ startTime, oldest first (at most one page) */
  fillsSince(user: string, startTime: number): Promise<FillInput[]>;
}

export interface FillBackfillOpts {
  /** wait this long after the venue said filled before asking (fills in transit), ms */
  graceMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** ask from this long before the order was sent (clock skew between us and the venue), ms */
  lookbackMs: number;
  clock: () => number;
  budget: InfoBudget;
  onError?: (o: PendingOrder, e: unknown) => void;
}

interface Watch {
  attempt: number;
  nextAt: number;
  inFlight: boolean;
}

export class FillBackfill {
  private readonly watched = new Map<PendingOrder, Watch>();
  readonly stats = { watched: 0, queries: 0, fillsOffered: 0, errors: 0 };

  constructor(
    private readonly tracker: PositionTracker,
    private readonly source: FillHistorySource,
    private readonly user: string,
    private readonly o: FillBackfillOpts,
  ) {}

  get size(): number {
    return this.watched.size;
  }

  /** Called by the tracker (hook onAwaitingFills): the venue said filled, fills are missing. */
  watch(order: PendingOrder): void {
    if (this.watched.has(order)) return;
    this.stats.watched++;
    this.watched.set(order, { attempt: 0, nextAt: this.o.clock() + this.o.graceMs, inFlight: false });
  }

  /** From the hot path's tick. */
  tick(now: number): void {
    for (const [order, w] of this.watched) {
      if (this.tracker.getOrder(order.cloid) !== order || order.state !== 'awaitingFills') {
        this.watched.delete(order);
        continue;
      }
      if (w.inFlight || now < w.nextAt) continue;
      if (!this.o.budget.tryTake(now, USER_FILLS_WEIGHT)) return; // the rest wait for the budget
      this.ask(order, w);
    }
  }

  private ask(order: PendingOrder, w: Watch): void {
    w.inFlight = true;
    this.stats.queries++;
    const done = (): void => {
      w.inFlight = false;
      w.attempt++;
      w.nextAt = this.o.clock() + Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** (w.attempt - 1));
    };
    const since = (order.sentAt ?? order.acceptedAt) - this.o.lookbackMs;
    let p: Promise<FillInput[]>;
    try {
      p = this.source.fillsSince(this.user, since);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (fills) => {
        done();
        // every fill of the window, not only this order's: a fill dropped with it is recovered too
        for (const fill of fills) {
          this.stats.fillsOffered++;
          this.tracker.post({ type: 'fill', fill });
        }
      },
      (e) => {
        done();
        this.stats.errors++;
        this.o.onError?.(order, e);
      },
    );
  }
}
