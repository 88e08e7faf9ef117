/**
 * Unknown outcomes resolved actively (issue #13 §2). An order whose post failed without a clear
 * answer — a WS 429 or timeout, a `statuses` array shorter than the batch, a socket closing
 * mid-post, an order of ours missing from the venue's open orders — is asked about with
 * `orderStatus(user, cloid)` over HTTP, with backoff, inside the info budget, until the venue says
 * what became of it. The answers go to the tracker's actor (`statusAnswer`), which settles the order:
 * open → resting, filled → waits for its fills, canceled/…Rejected → finished (rejections are
 * counted by the RiskMonitor), and `unknownOid` once the bound (≥ expiresAfter) has passed →
 * never placed: the market is released.
 *
 * The bound is kept by asking once more right after it. If the venue cannot be asked at all, the
 * order stays pending (fail closed: it may be on the book) and is reported, once, past the bound.
 */
import type { PendingOrder } from './order';
import type { OrderStatusAnswer, PositionTracker } from './position-tracker';
import { INFO_WEIGHT, type InfoBudget } from './info-budget';

export interface OrderStatusSource {
  orderStatus(user: string, oidOrCloid: number | string): Promise<OrderStatusAnswer>;
}

export interface OutcomeResolverOpts {
  /** resolve within this long of the order's post (reconcile.unknownOutcomeBoundMs) */
  boundMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  clock: () => number;
  budget: InfoBudget;
  /** an order still unresolved past the bound (the venue could not be asked): reported once */
  onPastBound?: (o: PendingOrder, lastError: unknown) => void;
  onError?: (o: PendingOrder, e: unknown) => void;
}

interface Watch {
  attempt: number;
  nextAt: number;
  inFlight: boolean;
  reported: boolean;
  lastError: unknown;
}

export class OutcomeResolver {
  private readonly watched = new Map<PendingOrder, Watch>();
  readonly stats = { watched: 0, queries: 0, answers: 0, errors: 0, pastBound: 0 };

  constructor(
    private readonly tracker: PositionTracker,
    private readonly source: OrderStatusSource,
    private readonly user: string,
    private readonly o: OutcomeResolverOpts,
  ) {}

  get size(): number {
    return this.watched.size;
  }

  /** Called by the tracker (hook onUnknown) when an order's outcome became unknown. */
  watch(order: PendingOrder): void {
    if (this.watched.has(order)) return;
    this.stats.watched++;
    this.watched.set(order, { attempt: 0, nextAt: this.o.clock(), inFlight: false, reported: false, lastError: undefined });
  }

  /** From the hot path's tick: ask about every order that is due, while the budget allows. */
  tick(now: number): void {
    if (this.watched.size === 0) return;
    const asked: PendingOrder[] = [];
    try {
      this.askDue(now, asked);
    } finally {
      // round robin: the ones just asked go to the back, so a short budget starves nobody
      for (const o of asked) {
        const w = this.watched.get(o);
        if (w === undefined) continue;
        this.watched.delete(o);
        this.watched.set(o, w);
      }
    }
  }

  private askDue(now: number, asked: PendingOrder[]): void {
    for (const [order, w] of this.watched) {
      if (this.tracker.getOrder(order.cloid) !== order || order.state !== 'unknown') {
        this.watched.delete(order);
        continue;
      }
      const deadline = (order.sentAt ?? order.acceptedAt) + this.o.boundMs;
      if (!w.reported && now > deadline + this.o.maxBackoffMs && w.attempt > 0) {
        w.reported = true;
        this.stats.pastBound++;
        this.o.onPastBound?.(order, w.lastError);
      }
      if (w.inFlight || now < w.nextAt) continue;
      if (!this.o.budget.tryTake(now, INFO_WEIGHT.orderStatus)) return; // the rest wait for the budget
      asked.push(order);
      this.ask(order, w, deadline);
    }
  }

  private ask(order: PendingOrder, w: Watch, deadline: number): void {
    w.inFlight = true;
    this.stats.queries++;
    const done = (): void => {
      w.inFlight = false;
      w.attempt++;
      const now = this.o.clock();
      let next = now + Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** (w.attempt - 1));
      // one question right after the bound: that is when `unknownOid` means "never placed"
      if (now < deadline && next > deadline) next = deadline;
      w.nextAt = next;
    };
    let p: Promise<OrderStatusAnswer>;
    try {
      p = this.source.orderStatus(this.user, order.cloid);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (answer) => {
        this.stats.answers++;
        done();
        this.tracker.post({ type: 'statusAnswer', order, answer, at: this.o.clock(), boundMs: this.o.boundMs });
      },
      (e) => {
        this.stats.errors++;
        w.lastError = e;
        done();
        this.o.onError?.(order, e);
      },
    );
  }
}
