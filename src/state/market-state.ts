/**
 * MarketStateCache: markPx / oraclePx / midPx per market from the socket feeds, with the time of
 * the last update. The MaxPosition gate reads each market's own mark from here (SPEC §2); a
 * missing or stale mark fails closed.
 *
 * Each market also carries its running exposure figures (see exposure.ts) so a gate reads
 * everything it needs with one map lookup.
 */
import { parseFixed } from './fixed';

export interface MarketMeta {
  coin: string;
  /** asset index = universe index in `meta` */
  asset: number;
  szDecimals: number;
}

export interface MarketRec extends MarketMeta {
  markPx: string | null;
  /** markPx at 10^-8, rounded up when the feed carries more decimals (conservative for limits) */
  markFx: bigint | null;
  markAt: number;
  oraclePx: string | null;
  midPx: string | null;
  midAt: number;
  /** an order of ours is pending in this market (the PendingOrder gate's cache; owned by PositionTracker) */
  pending: boolean;
  /**
   * a configured market of the session (false: exposure-only — a position or an open order of the
   * account in a market the session does not trade; it counts in the total, it cannot be traded)
   */
  traded: boolean;
  /** open orders on the account in this market that this process did not place (ForeignOrders) */
  foreignOpen: number;
  // ---- running exposure (owned by ExposureBook) ----
  /** abs(position size) at 10^-8 */
  absPosFx: bigint;
  /** Σ remaining size of pending NOT-reduce-only orders at 10^-8 */
  pendFx: bigint;
  /** (absPosFx + pendFx) × markFx at 10^-16, 0 while no mark */
  notional: bigint;
  /** set by a market-scoped stop (`hlx hardstop --market`): only reduce-only orders and cancels here until resumed; the text says why */
  reduceOnlyBy?: string | null;
}

export interface CtxUpdate {
  markPx?: string | null;
  oraclePx?: string | null;
  midPx?: string | null;
}

export type MarkListener = (rec: MarketRec, prevMarkFx: bigint | null) => void;

export type MarkCheck = { ok: true; markFx: bigint } | { ok: false; reason: 'MissingMark' | 'StaleMark' };

export class MarketStateCache {
  private readonly markets = new Map<string, MarketRec>();
  private readonly byAsset = new Map<number, MarketRec>();
  private markListener: MarkListener | null = null;
  private readonly universe = new Map<string, MarketMeta>();
  /** Feed values that could not be parsed (counted, never trusted). */
  malformed = 0;

  /** a mark older than this is stale (limits.markMaxAgeMs) */
  constructor(readonly markMaxAgeMs: number) {}

  define(meta: MarketMeta, traded = true): MarketRec {
    const existing = this.markets.get(meta.coin);
    if (existing) {
      existing.asset = meta.asset;
      existing.szDecimals = meta.szDecimals;
      existing.traded ||= traded;
      this.byAsset.set(meta.asset, existing);
      return existing;
    }
    const rec: MarketRec = {
      ...meta,
      traded,
      foreignOpen: 0,
      markPx: null,
      markFx: null,
      markAt: 0,
      oraclePx: null,
      midPx: null,
      midAt: 0,
      pending: false,
      absPosFx: 0n,
      pendFx: 0n,
      notional: 0n,
    };
    this.markets.set(meta.coin, rec);
    this.byAsset.set(meta.asset, rec);
    return rec;
  }

  /**
   * The venue's whole universe (meta): asset index and szDecimals of markets the session does not
   * trade, so an exposure-only record can be created (and its foreign orders cancelled by oid).
   */
  setUniverse(metas: MarketMeta[]): void {
    for (const m of metas) this.universe.set(m.coin, m);
  }

  /** The record of any coin: configured, or an exposure-only one created on first sight. */
  ensure(coin: string): MarketRec {
    return this.markets.get(coin) ?? this.define(this.universe.get(coin) ?? { coin, asset: -1, szDecimals: 0 }, false);
  }

  /** The exposure book re-prices a market whenever its mark changes. One listener. */
  setMarkListener(l: MarkListener): void {
    this.markListener = l;
  }

  get(coin: string): MarketRec | undefined {
    return this.markets.get(coin);
  }

  byAssetIndex(asset: number): MarketRec | undefined {
    return this.byAsset.get(asset);
  }

  all(): IterableIterator<MarketRec> {
    return this.markets.values();
  }

  /** activeAssetCtx-like update. Unknown coins are ignored (we trade only configured markets). */
  updateCtx(coin: string, u: CtxUpdate, at: number): void {
    const rec = this.markets.get(coin);
    if (!rec) return;
    if (u.markPx != null) this.setMark(rec, u.markPx, at);
    if (u.oraclePx != null) rec.oraclePx = u.oraclePx;
    if (u.midPx != null && parseFixed(u.midPx, 'down') !== null) {
      rec.midPx = u.midPx;
      rec.midAt = at;
    }
  }

  /**
   * allMids-like update. For a traded market a mid is never used as a mark (its activeAssetCtx
   * carries the mark). For an exposure-only market the mid is the price its exposure is valued at
   * (its mark's stand-in: the hot path subscribes activeAssetCtx only for traded markets).
   */
  updateMids(mids: Record<string, string>, at: number): void {
    for (const coin in mids) {
      const rec = this.markets.get(coin);
      if (!rec) continue;
      const px = mids[coin];
      if (typeof px === 'string' && parseFixed(px, 'down') !== null) {
        rec.midPx = px;
        rec.midAt = at;
        if (!rec.traded) this.setMark(rec, px, at);
      } else this.malformed++;
    }
  }

  private setMark(rec: MarketRec, px: string, at: number): void {
    const fx = parseFixed(px, 'up');
    if (fx === null || fx === 0n) {
      this.malformed++;
      return;
    }
    const prev = rec.markFx;
    rec.markPx = px;
    rec.markFx = fx;
    rec.markAt = at;
    if (prev !== fx && this.markListener) this.markListener(rec, prev);
  }

  /** The mark a gate may use now, or why not (fail closed). */
  checkMark(rec: MarketRec, now: number): MarkCheck {
    if (rec.markFx === null) return { ok: false, reason: 'MissingMark' };
    if (now - rec.markAt > this.markMaxAgeMs) return { ok: false, reason: 'StaleMark' };
    return { ok: true, markFx: rec.markFx };
  }

  isMarkFresh(rec: MarketRec, now: number): boolean {
    return rec.markFx !== null && now - rec.markAt <= this.markMaxAgeMs;
  }
}
