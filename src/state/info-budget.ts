/**
 * The share of the venue's info weight (IP budget 1200/min, hyperliquid.md §7) that keeping state
 * in line with the venue may use: orderStatus (2), clearinghouseState (2), openOrders (20). A token
 * bucket refilled continuously from the injected clock; callers skip a turn when it is empty, so
 * reconciliation can never starve the order path or trip the venue's 429.
 */
export const INFO_WEIGHT = { orderStatus: 2, clearinghouseState: 2, openOrders: 20 } as const;

export class InfoBudget {
  private tokens: number;
  private last: number;
  readonly stats = { taken: 0, refused: 0 };

  constructor(
    private readonly perMinute: number,
    now: number,
  ) {
    this.tokens = perMinute;
    this.last = now;
  }

  tryTake(now: number, weight: number): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
      this.last = now;
    }
    if (this.tokens < weight) {
      this.stats.refused++;
      return false;
    }
    this.tokens -= weight;
    this.stats.taken += weight;
    return true;
  }
}
