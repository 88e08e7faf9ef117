/**
 * Running exposure sums for MaxPosition (SPEC §2), kept exact (bigint fixed-point) and updated
 * incrementally, so the gate is O(1): it never loops over markets per signal.
 *
 *   market i:  notional_i = (abs(pos_i) + pendingSize_i) × mark_i      (pending excludes reduce-only)
 *   total:     Σ_i notional_i                                           (each market at its own mark)
 *
 * Every market of the account counts (issue #13 §3): traded ones and exposure-only ones (a position
 * or an open order in a market the session does not trade). Every change to a position, a pending
 * size or a mark re-prices that one market and adjusts the total by the difference.
 *
 * The total is only as good as the oldest mark in it: `staleExposed(now)` is true when any market
 * holding exposure has a mark older than the limit. It is amortised O(1): the oldest mark time
 * over exposed markets is cached as a lower bound (marks only get newer; a market entering the
 * exposed set lowers it at once) and recomputed only when that bound looks stale.
 */
import type { MarketRec } from './market-state';

export class ExposureBook {
  /** Σ_i notional_i at 10^-16 USD */
  total = 0n;
  /**
   * Markets that hold exposure but have no mark yet: their notional cannot be computed, so the
   * total is unknown and the total check fails closed while this is > 0.
   */
  unpricedExposed = 0;
  private readonly unpriced = new Set<MarketRec>();
  private readonly exposed = new Set<MarketRec>();
  /** ≤ min(markAt) over exposed markets (+Infinity when none) */
  private oldestMarkAt = Infinity;

  /** Call after changing rec.absPosFx / rec.pendFx / rec.markFx. */
  reprice(rec: MarketRec): void {
    const size = rec.absPosFx + rec.pendFx;
    const next = rec.markFx === null ? 0n : size * rec.markFx;
    this.total += next - rec.notional;
    rec.notional = next;
    const isUnpriced = rec.markFx === null && size > 0n;
    if (isUnpriced !== this.unpriced.has(rec)) {
      if (isUnpriced) this.unpriced.add(rec);
      else this.unpriced.delete(rec);
      this.unpricedExposed = this.unpriced.size;
    }
    // A market that stops holding exposure stays in the set until the next scan (no Set churn on
    // the accept → fill/cleanup cycle of one market); the lower bound is kept on every re-price.
    if (size > 0n) {
      if (rec.markAt < this.oldestMarkAt) this.oldestMarkAt = rec.markAt;
      if (!this.exposed.has(rec)) this.exposed.add(rec);
    }
  }

  /** Some market holding exposure has a mark older than `maxAgeMs` (the total cannot be trusted). */
  staleExposed(now: number, maxAgeMs: number): boolean {
    if (now - this.oldestMarkAt <= maxAgeMs) return false;
    let oldest = Infinity;
    for (const r of this.exposed) {
      if (r.absPosFx + r.pendFx === 0n) this.exposed.delete(r);
      else if (r.markAt < oldest) oldest = r.markAt;
    }
    this.oldestMarkAt = oldest;
    return now - oldest > maxAgeMs;
  }

  /** The exposed markets whose marks are older than `maxAgeMs` (status, logs). */
  staleMarkets(now: number, maxAgeMs: number): string[] {
    const out: string[] = [];
    for (const r of this.exposed) if (r.absPosFx + r.pendFx > 0n && now - r.markAt > maxAgeMs) out.push(r.coin);
    return out;
  }

  setAbsPosition(rec: MarketRec, absFx: bigint): void {
    if (rec.absPosFx === absFx) return;
    rec.absPosFx = absFx;
    this.reprice(rec);
  }

  addPending(rec: MarketRec, sizeFx: bigint): void {
    if (sizeFx === 0n) return;
    rec.pendFx += sizeFx;
    this.reprice(rec);
  }

  subPending(rec: MarketRec, sizeFx: bigint): void {
    if (sizeFx === 0n) return;
    rec.pendFx -= sizeFx;
    if (rec.pendFx < 0n) rec.pendFx = 0n; // cannot happen when every release is paired; never go negative
    this.reprice(rec);
  }
}
