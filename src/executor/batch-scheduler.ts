/**
 * BatchScheduler (SPEC §3): three kinds of work — cancels, reduce-only orders, new orders.
 * `tick()` returns at most one action batch per tick: cancels first, then reduce-only, then new
 * orders; while HardStop holds only cancels and reduce-only orders come out.
 *
 * The latch is a required constructor argument: no setter, no optional (seed round 4 #3 A), so a
 * scheduler without its safety input cannot exist.
 */
import type { PendingOrder } from '../state/order';
import type { HardStopLatch } from './latch';

export interface CloidCancel {
  asset: number;
  cloid: string;
  coin: string;
  /** the order being cancelled, when it is one of ours */
  order?: PendingOrder;
}
export interface OidCancel {
  asset: number;
  oid: number;
  coin: string;
}

export type ActionBatch =
  | { kind: 'cancelByCloid'; cancels: CloidCancel[] }
  | { kind: 'cancel'; cancels: OidCancel[] }
  | { kind: 'orders'; orders: PendingOrder[] };

/** What `dropNewOrders()` hands back: enough to clean up without consulting any snapshot. */
export interface DroppedOrder {
  cloid: string;
  market: string;
  order: PendingOrder;
}

export interface BatchLimits {
  /** ≤ 40 keeps an order action at weight 1 */
  maxOrdersPerAction: number;
  /** the venue refuses signed actions over weight 200 */
  maxCancelsPerAction: number;
}

/** A FIFO with O(1) push/shift. */
class Fifo<T> {
  private a: (T | undefined)[] = [];
  private h = 0;
  get length(): number {
    return this.a.length - this.h;
  }
  push(x: T): void {
    this.a.push(x);
  }
  shift(): T | undefined {
    if (this.h >= this.a.length) return undefined;
    const x = this.a[this.h];
    this.a[this.h++] = undefined;
    if (this.h === this.a.length) {
      this.a = [];
      this.h = 0;
    }
    return x;
  }
  /** Remove one item (O(n): strategy cancels of queued orders are rare next to pushes). */
  remove(x: T): boolean {
    const i = this.a.indexOf(x, this.h);
    if (i < 0) return false;
    this.a.splice(i, 1);
    if (this.h === this.a.length) {
      this.a = [];
      this.h = 0;
    }
    return true;
  }
  drain(): T[] {
    const out = this.a.slice(this.h) as T[];
    this.a = [];
    this.h = 0;
    return out;
  }
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.h; i < this.a.length; i++) yield this.a[i] as T;
  }
}

export class BatchScheduler {
  private readonly cloidCancels = new Fifo<CloidCancel>();
  private readonly oidCancels = new Fifo<OidCancel>();
  private readonly reduceOnly = new Fifo<PendingOrder>();
  private readonly newOrders = new Fifo<PendingOrder>();

  constructor(
    private readonly latch: HardStopLatch,
    private readonly limits: BatchLimits,
  ) {
    if (!latch || typeof latch.isTriggered !== 'function') throw new TypeError('BatchScheduler needs a HardStopLatch');
  }

  enqueueOrder(o: PendingOrder): void {
    (o.reduceOnly ? this.reduceOnly : this.newOrders).push(o);
  }
  enqueueCancelByCloid(c: CloidCancel): void {
    this.cloidCancels.push(c);
  }
  enqueueCancelByOid(c: OidCancel): void {
    this.oidCancels.push(c);
  }

  /** Remove every queued new (non-reduce-only) order; returns (cloid, market) pairs for cleanup. */
  dropNewOrders(): DroppedOrder[] {
    return this.newOrders.drain().map((order) => ({ cloid: order.cloid, market: order.market, order }));
  }

  /** Take one queued order out (a strategy cancelled it before it was sent); false when it is not queued. */
  removeQueuedOrder(o: PendingOrder): boolean {
    return (o.reduceOnly ? this.reduceOnly : this.newOrders).remove(o);
  }

  /** Remove the queued new orders of one market (a market-scoped stop); the rest keep their order. */
  dropNewOrdersIn(market: string): DroppedOrder[] {
    const all = this.newOrders.drain();
    const out: DroppedOrder[] = [];
    for (const order of all) {
      if (order.market === market) out.push({ cloid: order.cloid, market, order });
      else this.newOrders.push(order);
    }
    return out;
  }

  /** At most one batch: cancels first, then reduce-only, then new orders (none while HardStop holds). */
  tick(): ActionBatch | null {
    if (this.cloidCancels.length > 0) {
      return { kind: 'cancelByCloid', cancels: take(this.cloidCancels, this.limits.maxCancelsPerAction) };
    }
    if (this.oidCancels.length > 0) {
      return { kind: 'cancel', cancels: take(this.oidCancels, this.limits.maxCancelsPerAction) };
    }
    const cap = this.limits.maxOrdersPerAction;
    const orders = take(this.reduceOnly, cap);
    if (!this.latch.isTriggered()) {
      while (orders.length < cap && this.newOrders.length > 0) orders.push(this.newOrders.shift() as PendingOrder);
    }
    return orders.length > 0 ? { kind: 'orders', orders } : null;
  }

  get sizes(): { cancels: number; reduceOnly: number; newOrders: number } {
    return { cancels: this.cloidCancels.length + this.oidCancels.length, reduceOnly: this.reduceOnly.length, newOrders: this.newOrders.length };
  }

  /** Queued cancels by cloid (tests and invariants). */
  queuedCloidCancels(): CloidCancel[] {
    return [...this.cloidCancels];
  }

  /** Queued orders (tests and invariants). */
  queuedOrders(): PendingOrder[] {
    return [...this.reduceOnly, ...this.newOrders];
  }
}

function take<T>(q: Fifo<T>, n: number): T[] {
  const out: T[] = [];
  while (out.length < n && q.length > 0) out.push(q.shift() as T);
  return out;
}
