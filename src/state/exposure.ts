/**
 * Running exposure sums for MaxPosition (SPEC §2), kept exact (bigint fixed-point) and updated
 * incrementally, so the gate is O(1): it never loops over markets per signal.
 *
 *   market i:  notional_i = (abs(pos_i) + pendingSize_i) × mark_i      (pending excludes reduce-only)
 *   total:     Σ_i notional_i                                           (each market at its own mark)
 *
 * Every change to a position, a pending size or a mark re-prices that one market and adjusts the
 * total by the difference.
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
