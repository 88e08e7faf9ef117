/**
 * Open orders on the account that this process did not place (issue #13 §3): a crashed
 * predecessor's resting orders (the runbook leaves them), a second bot, a manual order. They add
 * exposure the gates must see: each non-reduce-only one holds its remaining size as pending in its
 * market (MaxPosition, per market and total), and every one counts toward that market's open
 * orders (MaxOpenOrders).
 *
 * Fed by the venue's open-order snapshots (replace, except entries seen live after the snapshot
 * was requested) and by orderUpdates / fills for oids that are not ours.
 */
import type { ExposureBook } from './exposure';
import { parseFixed } from './fixed';
import type { MarketRec } from './market-state';

/** One row of the venue's openOrders (only oid is required; the rest is what the venue sends). */
export interface VenueOpenOrder {
  oid: number;
  cloid?: string | null;
  coin?: string;
  side?: 'B' | 'A';
  limitPx?: string;
  /** remaining size */
  sz?: string;
  reduceOnly?: boolean;
  timestamp?: number;
}

export interface ForeignOrder {
  oid: number;
  cloid: string | null;
  coin: string;
  rec: MarketRec;
  remFx: bigint;
  /** remaining size held in the exposure book (0 for reduce-only) */
  heldFx: bigint;
  reduceOnly: boolean;
  /** local time this entry was last confirmed (snapshot answer or live update) */
  seenAt: number;
}

/** How many ended oids are remembered (an order that ended never reopens: an older snapshot listing it is stale). */
const ENDED_MEMORY = 20_000;

export class ForeignOrders {
  private readonly m = new Map<number, ForeignOrder>();
  private readonly ended = new Set<number>();

  constructor(
    private readonly exposure: ExposureBook,
    private readonly recOf: (coin: string) => MarketRec,
  ) {}

  has(oid: number): boolean {
    return this.m.has(oid);
  }
  get size(): number {
    return this.m.size;
  }
  list(): ForeignOrder[] {
    return [...this.m.values()];
  }

  /** An oid known to have ended (ours or not): a snapshot row listing it is older than that. */
  markEnded(oid: number): void {
    this.ended.add(oid);
    if (this.ended.size > ENDED_MEMORY) this.ended.delete(this.ended.values().next().value as number);
  }
  hasEnded(oid: number): boolean {
    return this.ended.has(oid);
  }

  /** Insert or update from a venue row; false when the row lacks coin/size (cannot be priced). */
  upsert(o: VenueOpenOrder, seenAt: number): boolean {
    if (this.ended.has(o.oid)) return true; // ended: the row is older than what we know
    if (o.coin === undefined || o.sz === undefined) return false;
    const remFx = parseFixed(o.sz, 'up');
    if (remFx === null) return false;
    const prev = this.m.get(o.oid);
    if (remFx === 0n) {
      if (prev) this.remove(o.oid);
      return true;
    }
    if (prev) this.release(prev);
    const rec = prev?.rec ?? this.recOf(o.coin);
    const reduceOnly = o.reduceOnly ?? prev?.reduceOnly ?? false;
    const f: ForeignOrder = { oid: o.oid, cloid: o.cloid ?? prev?.cloid ?? null, coin: o.coin, rec, remFx, heldFx: 0n, reduceOnly, seenAt };
    if (!prev) rec.foreignOpen++;
    if (!reduceOnly) {
      f.heldFx = remFx;
      this.exposure.addPending(rec, remFx);
    }
    this.m.set(o.oid, f);
    return true;
  }

  /** A fill of a foreign order: its remaining size shrinks at once (the update may come later). */
  filled(oid: number, szFx: bigint, seenAt: number): void {
    const f = this.m.get(oid);
    if (!f) return;
    const rem = f.remFx > szFx ? f.remFx - szFx : 0n;
    if (rem === 0n) return this.remove(oid);
    const rel = f.heldFx > rem ? f.heldFx - rem : 0n;
    if (rel > 0n) {
      this.exposure.subPending(f.rec, rel);
      f.heldFx -= rel;
    }
    f.remFx = rem;
    f.seenAt = seenAt;
  }

  remove(oid: number): void {
    this.markEnded(oid);
    this.forget(oid);
  }

  /** It turned out to be one of ours (its oid was learned late): no longer foreign, not ended. */
  forget(oid: number): void {
    const f = this.m.get(oid);
    if (!f) return;
    this.release(f);
    f.rec.foreignOpen--;
    this.m.delete(oid);
  }

  /**
   * Replace from a snapshot requested at `asOf`: entries absent from it are gone, and rows update
   * ours, unless ours was seen live after the request (newer than the snapshot); oids known to
   * have ended are not brought back. Returns the oids added and removed.
   */
  replace(rows: VenueOpenOrder[], asOf: number): { added: number[]; removed: number[] } {
    const inSnap = new Set(rows.map((r) => r.oid));
    const added: number[] = [];
    const removed: number[] = [];
    for (const f of [...this.m.values()]) {
      if (inSnap.has(f.oid) || f.seenAt > asOf) continue;
      this.remove(f.oid);
      removed.push(f.oid);
    }
    for (const r of rows) {
      const cur = this.m.get(r.oid);
      if (cur && cur.seenAt > asOf) continue; // seen live after the question: ours is newer than the row
      if (this.upsert(r, asOf) && !cur && this.m.has(r.oid)) added.push(r.oid);
    }
    return { added, removed };
  }

  private release(f: ForeignOrder): void {
    if (f.heldFx !== 0n) this.exposure.subPending(f.rec, f.heldFx);
    f.heldFx = 0n;
  }
}
