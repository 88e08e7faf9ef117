/**
 * Gate 5 (ActionBudget): two token buckets, ours (orders/s with a burst) and the venue's
 * (orders/min we allow ourselves under its per-IP message limit). Integer arithmetic in
 * milli-tokens, O(1) per check.
 */
export interface ActionBudgetLimits {
  ordersPerSecond: number;
  orderBurst: number;
  venueOrdersPerMinute: number;
}

class Bucket {
  private tokens: number; // milli-tokens
  private last: number;
  constructor(
    private readonly capacity: number, // milli-tokens
    private readonly perMs: number, // milli-tokens per ms
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }
  refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + Math.floor((now - this.last) * this.perMs));
      this.last = now;
    }
  }
  has(n: number): boolean {
    return this.tokens >= n;
  }
  take(n: number): void {
    this.tokens -= n;
  }
}

export class ActionBudget {
  private readonly ours: Bucket;
  private readonly venue: Bucket;
  constructor(limits: ActionBudgetLimits, now: number) {
    this.ours = new Bucket(limits.orderBurst * 1000, limits.ordersPerSecond, now);
    this.venue = new Bucket(limits.venueOrdersPerMinute * 1000, limits.venueOrdersPerMinute / 60, now);
  }
  /** True and consumes one order's budget when both buckets have room. */
  tryTake(now: number): boolean {
    this.ours.refill(now);
    this.venue.refill(now);
    if (!this.ours.has(1000) || !this.venue.has(1000)) return false;
    this.ours.take(1000);
    this.venue.take(1000);
    return true;
  }
}
