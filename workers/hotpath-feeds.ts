/**
 * Adapters from the venue's feeds to the hot path's plain input events (src/executor/events.ts).
 * Every frame is parsed with zod at this boundary; a frame that does not parse is counted and
 * logged (never a crash), and the hot path never sees it.
 *
 *   activeAssetCtx {coin, ctx:{markPx, oraclePx, midPx?}}   → onMarkUpdate
 *   allMids {mids:{coin: px}}                                → onMids
 *   userFills {isSnapshot?, user, fills: WsFill[]}           → onFill (snapshot ignored: positions
 *                                                               come from clearinghouseState)
 *   orderUpdates WsOrder[]                                   → onOrderUpdate
 *   clearinghouseState.assetPositions                        → onPositions
 *   openOrders                                               → onOpenOrders
 */
import { z } from 'zod';
import type { FillInput, MarkUpdate, MidsUpdate, OrderUpdateInput, PositionsSnapshot } from '../src/executor/events';
import { formatZodError } from '../src/config/zod-error';

const Dec = z.string().regex(/^-?\d+(\.\d+)?$/);
const OptDec = Dec.nullish();

const ActiveAssetCtxData = z.object({
  coin: z.string(),
  ctx: z.object({ markPx: OptDec, oraclePx: OptDec, midPx: OptDec }).passthrough(),
});

const AllMidsData = z.object({ mids: z.record(z.string(), z.string()) });

const WsFill = z
  .object({
    coin: z.string(),
    px: Dec,
    sz: Dec,
    side: z.enum(['B', 'A']),
    time: z.number(),
    oid: z.number(),
    tid: z.number(),
    fee: Dec,
    closedPnl: Dec,
    cloid: z.string().nullish(),
  })
  .passthrough();

const UserFillsData = z.object({ isSnapshot: z.boolean().optional(), user: z.string().optional(), fills: z.array(WsFill) });

const WsOrder = z.object({
  order: z.object({ coin: z.string(), oid: z.number(), cloid: z.string().nullish(), origSz: Dec.optional(), sz: Dec.optional() }).passthrough(),
  status: z.string(),
  statusTimestamp: z.number(),
});
const OrderUpdatesData = z.array(WsOrder);

const AssetPositions = z.object({
  assetPositions: z.array(z.object({ position: z.object({ coin: z.string(), szi: Dec }).passthrough() }).passthrough()),
});

const OpenOrders = z.array(z.object({ oid: z.number(), cloid: z.string().nullish() }).passthrough());

export interface FeedSink {
  onMarkUpdate(u: MarkUpdate): void;
  onMids(u: MidsUpdate): void;
  onFill(f: FillInput): void;
  onOrderUpdate(u: OrderUpdateInput): void;
  onPositions(s: PositionsSnapshot): void;
  onOpenOrders(s: { orders: { oid: number; cloid?: string | null }[]; at: number }): void;
}

export interface FeedStats {
  frames: number;
  malformed: number;
  snapshotFillsIgnored: number;
}

export class FeedAdapter {
  readonly stats: FeedStats = { frames: 0, malformed: 0, snapshotFillsIgnored: 0 };

  constructor(
    private readonly sink: () => FeedSink,
    private readonly onMalformed: (channel: string, error: string) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  private parse<T>(channel: string, schema: z.ZodType<T>, data: unknown): T | undefined {
    this.stats.frames++;
    const r = schema.safeParse(data);
    if (r.success) return r.data;
    this.stats.malformed++;
    this.onMalformed(channel, formatZodError(r.error));
    return undefined;
  }

  activeAssetCtx = (data: unknown): void => {
    const d = this.parse('activeAssetCtx', ActiveAssetCtxData, data);
    if (!d) return;
    this.sink().onMarkUpdate({ coin: d.coin, markPx: d.ctx.markPx, oraclePx: d.ctx.oraclePx, midPx: d.ctx.midPx, at: this.clock() });
  };

  allMids = (data: unknown): void => {
    const d = this.parse('allMids', AllMidsData, data);
    if (d) this.sink().onMids({ mids: d.mids, at: this.clock() });
  };

  userFills = (data: unknown): void => {
    const d = this.parse('userFills', UserFillsData, data);
    if (!d) return;
    // the snapshot is history from before this connection; the position snapshot covers it
    if (d.isSnapshot) {
      this.stats.snapshotFillsIgnored += d.fills.length;
      return;
    }
    const sink = this.sink();
    for (const f of d.fills) {
      sink.onFill({ coin: f.coin, px: f.px, sz: f.sz, side: f.side, tid: f.tid, oid: f.oid, cloid: f.cloid ?? null, fee: f.fee, closedPnl: f.closedPnl, time: f.time });
    }
  };

  orderUpdates = (data: unknown): void => {
    const d = this.parse('orderUpdates', OrderUpdatesData, data);
    if (!d) return;
    const sink = this.sink();
    for (const o of d) {
      sink.onOrderUpdate({ coin: o.order.coin, oid: o.order.oid, cloid: o.order.cloid ?? null, status: o.status, origSz: o.order.origSz, sz: o.order.sz, time: o.statusTimestamp });
    }
  };

  /** clearinghouseState (HTTP or WS) → the positions snapshot; markets absent are flat. */
  positions = (data: unknown): boolean => {
    const d = this.parse('clearinghouseState', AssetPositions, data);
    if (!d) return false;
    this.sink().onPositions({ positions: d.assetPositions.map((p) => ({ coin: p.position.coin, szi: p.position.szi })), at: this.clock() });
    return true;
  };

  openOrders = (data: unknown): boolean => {
    const d = this.parse('openOrders', OpenOrders, data);
    if (!d) return false;
    this.sink().onOpenOrders({ orders: d.map((o) => ({ oid: o.oid, cloid: o.cloid ?? null })), at: this.clock() });
    return true;
  };
}
