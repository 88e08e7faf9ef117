/**
 * One account's private feed, adapted to the hot path's input events (src/executor/events.ts)
 * and reconciled across reconnects so that every fill and order update arrives exactly once.
 *
 * Why: `orderUpdates` and `userEvents` do not replay on re-subscribe, and `userFills` replays only
 * a bounded snapshot (hyperliquid.md §1.1, §8.2 #4). So after every reconnect we ask the info
 * endpoint for what we may have missed — fills since the last one seen, the open orders, the
 * status of orders we believed open — and push it through the same de-duplication as the live
 * stream: fills by (coin, tid), order updates by (oid, status, remaining size).
 *
 * Ordering (the hot path replaces positions wholesale on a snapshot): on every (re)connect the
 * sequence is missed fills → missed order updates → open orders → positions snapshot, so the
 * snapshot, taken last, already contains every fill delivered before it.
 *
 * On the very first connection the `userFills` snapshot is history from before this session: it
 * is recorded as seen (so it is never delivered later) but not delivered; the positions snapshot
 * accounts for it.
 */
import { createLogger, type Logger } from '../../util/log';
import { chaosInject } from '../../chaos/inject';
import type {
  FillInput,
  MarkUpdate,
  MidsUpdate,
  OrderUpdateInput,
  PositionsSnapshot,
  SocketState,
} from '../../executor/events';
import type { ClearinghouseState, Fill, OpenOrder, OrderStatusResponse } from './schemas/info';
import type { VenueOpenOrder } from '../../state/foreign-orders';
import type { Subscription, UserEventsData, WsOrder } from './schemas/ws';
import type { SubscriptionHandle, SubscriptionHandler, WsState } from './ws-client';

/** What the feed needs from the transports (VenueClient provides it; tests pass fakes). */
export interface FeedSource {
  subscribe<S extends Subscription>(sub: S, handler: SubscriptionHandler<S>): SubscriptionHandle;
  /** returns an unsubscribe function */
  onSocketState(cb: (s: WsState & { reconnect?: boolean }) => void): () => void;
  socketState(): WsState;
  openOrders(user: string): Promise<OpenOrder[]>;
  userFillsByTime(user: string, startTime: number, endTime?: number): Promise<Fill[]>;
  clearinghouseState(user: string): Promise<ClearinghouseState>;
  orderStatus(user: string, oidOrCloid: number | string): Promise<OrderStatusResponse>;
}

export interface UserFeedHandlers {
  onFill(f: FillInput): void;
  onOrderUpdate(u: OrderUpdateInput): void;
  onPositions(s: PositionsSnapshot): void;
  /** the venue's open orders after each sync (hot path: onOpenOrders), after missed fills were delivered */
  onOpenOrders?(s: { orders: VenueOpenOrder[]; at: number; asOf: number }): void;
  onSocketState?(s: SocketState): void;
  /** activeAssetCtx of the coins given in opts.coins */
  onMark?(m: MarkUpdate): void;
  /** allMids (subscribed only when this handler is given) */
  onMids?(m: MidsUpdate): void;
  /** every clearinghouseState push (margin, account value); positions go through onPositions */
  onClearinghouseState?(s: ClearinghouseState): void;
  /** after each completed sync */
  onSynced?(r: SyncReport): void;
  onError?(where: string, e: unknown): void;
}

export interface UserFeedOpts {
  /** markets whose activeAssetCtx is delivered as MarkUpdate */
  coins?: string[];
  /** re-ask fills from this long before the last one seen (clock skew, same-ms fills); default 5 s */
  fillLookbackMs?: number;
  /** userFillsByTime returns at most this many rows per call; default 2000 (the venue's page) */
  fillPageSize?: number;
  clock?: () => number;
  logger?: Logger;
  /** retry delay after a failed sync, ms; default 500 (doubling, ≤ 5 s) */
  retryMs?: number;
  /** called once by stop() */
  onStop?: () => void;
}

export interface SyncReport {
  reconnect: boolean;
  /** fills first seen in the reconnect's userFills snapshot or in the userFillsByTime answer */
  missedFills: number;
  missedOrderUpdates: number;
  openOrders: number;
  at: number;
}

export interface UserFeedStats {
  fillsDelivered: number;
  fillDuplicatesDropped: number;
  orderUpdatesDelivered: number;
  orderUpdateDuplicatesDropped: number;
  syncs: number;
  syncFailures: number;
  missedFillsRecovered: number;
  missedOrderUpdatesRecovered: number;
  lastFillTime: number;
}

const TERMINAL_MEMORY = 20_000;

/** A set that forgets its oldest entries past a bound (the process runs for days). */
class BoundedSet {
  private readonly set = new Set<string>();
  constructor(private readonly cap: number) {}
  has(k: string): boolean {
    return this.set.has(k);
  }
  add(k: string): void {
    if (this.set.has(k)) return;
    this.set.add(k);
    if (this.set.size > this.cap) this.set.delete(this.set.values().next().value as string);
  }
}

export function fillToInput(f: Fill): FillInput {
  return {
    coin: f.coin,
    px: f.px,
    sz: f.sz,
    side: f.side,
    tid: f.tid,
    oid: f.oid,
    cloid: f.cloid ?? null,
    fee: f.fee,
    closedPnl: f.closedPnl,
    time: f.time,
    startPosition: f.startPosition,
  };
}

export function wsOrderToInput(o: WsOrder): OrderUpdateInput {
  return {
    coin: o.order.coin,
    oid: o.order.oid,
    cloid: o.order.cloid ?? null,
    status: o.status,
    origSz: o.order.origSz,
    sz: o.order.sz,
    time: o.statusTimestamp,
  };
}

export function positionsFrom(ch: ClearinghouseState, at: number): PositionsSnapshot {
  return {
    positions: ch.assetPositions.map((p) => ({ coin: p.position.coin, szi: p.position.szi })),
    at,
    ...(ch.time !== undefined ? { venueTime: ch.time } : {}),
  };
}

interface KnownOpen {
  coin: string;
  cloid: string | null;
  sz: string;
  origSz?: string;
}

export class UserFeed {
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly lookbackMs: number;
  private readonly pageSize: number;
  private readonly retryMs: number;
  private readonly seenFills = new BoundedSet(TERMINAL_MEMORY);
  private readonly terminal = new BoundedSet(TERMINAL_MEMORY);
  /** last delivered remaining size per order believed open */
  private readonly knownOpen = new Map<number, KnownOpen>();
  private readonly handles: SubscriptionHandle[] = [];
  private offState: (() => void) | null = null;
  private generation = 0;
  private firstSyncDone = false;
  private connectedOnce = false;
  /** last fill time seen before the link went down (null = no gap to recover) */
  private gapFrom: number | null = null;
  /** fills first delivered by this connection's userFills snapshot (missed while down) */
  private fromSnapshot = 0;
  /** connections seen up (1 = the first one) */
  private connections = 0;
  private stopped = false;
  private syncing: Promise<void> | null = null;
  private readonly counters: UserFeedStats;
  private readonly onStop: (() => void) | undefined;

  constructor(
    private readonly source: FeedSource,
    readonly user: string,
    private readonly h: UserFeedHandlers,
    opts: UserFeedOpts = {},
  ) {
    this.clock = opts.clock ?? Date.now;
    this.log = opts.logger ?? createLogger('user-feed');
    this.lookbackMs = opts.fillLookbackMs ?? 5_000;
    this.pageSize = opts.fillPageSize ?? 2_000;
    this.retryMs = opts.retryMs ?? 500;
    this.onStop = opts.onStop;
    this.counters = {
      fillsDelivered: 0,
      fillDuplicatesDropped: 0,
      orderUpdatesDelivered: 0,
      orderUpdateDuplicatesDropped: 0,
      syncs: 0,
      syncFailures: 0,
      missedFillsRecovered: 0,
      missedOrderUpdatesRecovered: 0,
      lastFillTime: this.clock(),
    };
    const s = source;
    const u = user;
    this.handles.push(
      s.subscribe({ type: 'userFills', user: u }, (d) => this.onUserFills(d.fills, d.isSnapshot === true)),
      s.subscribe({ type: 'userEvents', user: u }, (d) => this.onUserEvents(d)),
      s.subscribe({ type: 'orderUpdates', user: u }, (d) => {
        for (const o of d) this.emitOrderUpdate(wsOrderToInput(o));
      }),
      s.subscribe({ type: 'clearinghouseState', user: u }, (d) => this.guard('onClearinghouseState', () => this.h.onClearinghouseState?.(d.clearinghouseState))),
    );
    for (const coin of opts.coins ?? []) {
      this.handles.push(
        s.subscribe({ type: 'activeAssetCtx', coin }, (d) =>
          this.guard('onMark', () => this.h.onMark?.({ coin: d.coin, markPx: d.ctx.markPx, oraclePx: d.ctx.oraclePx, midPx: d.ctx.midPx ?? null, at: this.clock() })),
        ),
      );
    }
    if (this.h.onMids) {
      this.handles.push(s.subscribe({ type: 'allMids' }, (d) => this.guard('onMids', () => this.h.onMids?.({ mids: d.mids, at: this.clock() }))));
    }
    this.offState = s.onSocketState((st) => this.onState(st));
    const now = s.socketState();
    if (now.up) {
      this.connectedOnce = true;
      this.connections = 1;
      this.guard('onSocketState', () => this.h.onSocketState?.({ up: true, at: now.since }));
      void this.startSync(false);
    }
  }

  stats(): UserFeedStats {
    return { ...this.counters };
  }

  /** Resolves when the sync in progress (if any) finished. */
  async settled(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop?.();
    this.generation++;
    for (const h of this.handles.splice(0)) h.unsubscribe();
    this.offState?.();
  }

  // ---------------------------------------------------------------- live stream

  private onState(st: WsState & { reconnect?: boolean }): void {
    if (this.stopped) return;
    this.guard('onSocketState', () => this.h.onSocketState?.({ up: st.up, at: st.since }));
    if (!st.up) {
      this.generation++; // abandon a sync in progress: its answers may predate the gap
      // fills pushed right after the reconnect may be newer than the ones missed: remember where the gap began
      if (this.gapFrom === null) this.gapFrom = this.counters.lastFillTime;
      return;
    }
    const reconnect = this.connectedOnce;
    this.connectedOnce = true;
    this.connections++;
    this.fromSnapshot = 0;
    void this.startSync(reconnect);
  }

  private onUserFills(fills: Fill[], isSnapshot: boolean): void {
    // the first connection's snapshot is history: remember it, do not deliver it
    const history = isSnapshot && this.connections <= 1;
    for (const f of fills) {
      if (history) this.markFillSeen(f);
      else if (this.emitFill(f) && isSnapshot) this.fromSnapshot++;
    }
  }

  private onUserEvents(d: UserEventsData): void {
    if ('fills' in d && Array.isArray(d.fills)) {
      for (const f of d.fills as Fill[]) this.emitFill(f);
    } else if ('nonUserCancel' in d && Array.isArray(d.nonUserCancel)) {
      for (const c of d.nonUserCancel as { coin: string; oid: number }[]) {
        const known = this.knownOpen.get(c.oid);
        this.emitOrderUpdate({ coin: c.coin, oid: c.oid, cloid: known?.cloid ?? null, status: 'canceled', sz: '0', time: this.clock() });
      }
    }
  }

  private markFillSeen(f: Fill): boolean {
    const key = `${f.coin}:${f.tid}`;
    if (f.time > this.counters.lastFillTime) this.counters.lastFillTime = f.time;
    if (this.seenFills.has(key) && !chaosInject('fill-double-count')) return false; // TEST-ONLY switch (src/chaos/inject.ts)
    this.seenFills.add(key);
    return true;
  }

  /** Delivers a fill once; returns whether it was new. */
  private emitFill(f: Fill): boolean {
    if (!this.markFillSeen(f)) {
      this.counters.fillDuplicatesDropped++;
      return false;
    }
    this.counters.fillsDelivered++;
    this.guard('onFill', () => this.h.onFill(fillToInput(f)));
    return true;
  }

  /** Delivers an order update once per (oid, status, remaining size); nothing after a terminal one. */
  private emitOrderUpdate(u: OrderUpdateInput): boolean {
    if (this.terminal.has(String(u.oid))) {
      this.counters.orderUpdateDuplicatesDropped++;
      return false;
    }
    if (u.status === 'open' || u.status === 'triggered') {
      const k = this.knownOpen.get(u.oid);
      if (k && k.sz === (u.sz ?? k.sz) && u.status === 'open') {
        this.counters.orderUpdateDuplicatesDropped++;
        return false;
      }
      this.knownOpen.set(u.oid, { coin: u.coin, cloid: u.cloid ?? null, sz: u.sz ?? k?.sz ?? '', origSz: u.origSz });
    } else {
      this.terminal.add(String(u.oid));
      this.knownOpen.delete(u.oid);
    }
    this.counters.orderUpdatesDelivered++;
    this.guard('onOrderUpdate', () => this.h.onOrderUpdate(u));
    return true;
  }

  // ---------------------------------------------------------------- reconciliation

  private startSync(reconnect: boolean): Promise<void> {
    const gen = ++this.generation;
    const run = async (): Promise<void> => {
      let delay = this.retryMs;
      while (!this.stopped && gen === this.generation) {
        try {
          await this.sync(gen, reconnect);
          return;
        } catch (e) {
          this.counters.syncFailures++;
          this.log.warn('sync failed; retrying', { user: this.user, error: e as Error });
          this.guard('onError', () => this.h.onError?.('sync', e));
          await new Promise((r) => setTimeout(r, delay).unref?.());
          delay = Math.min(5_000, delay * 2);
        }
      }
    };
    const p = (this.syncing ?? Promise.resolve()).then(run);
    const tracked: Promise<void> = p.finally(() => {
      if (this.syncing === tracked) this.syncing = null;
    });
    this.syncing = tracked;
    return tracked;
  }

  private async sync(gen: number, reconnect: boolean): Promise<void> {
    const stale = () => this.stopped || gen !== this.generation;
    let missedFills = 0;
    let missedUpdates = 0;

    if (reconnect) {
      // 1. fills since the last one seen, page by page
      let start = Math.max(0, (this.gapFrom ?? this.counters.lastFillTime) - this.lookbackMs);
      for (;;) {
        const page = await this.source.userFillsByTime(this.user, start);
        if (stale()) return;
        page.sort((a, b) => a.time - b.time || a.tid - b.tid);
        for (const f of page) if (this.emitFill(f)) missedFills++;
        if (page.length < this.pageSize) break;
        const last = page[page.length - 1].time;
        start = last > start ? last : start + 1;
      }
    }

    // 2. open orders: new or changed ones are updates we missed
    const openAsked = this.clock();
    const open = await this.source.openOrders(this.user);
    if (stale()) return;
    const openIds = new Set(open.map((o) => o.oid));
    if (reconnect || this.firstSyncDone) {
      for (const o of open) {
        if (this.emitOrderUpdate({ coin: o.coin, oid: o.oid, cloid: o.cloid ?? null, status: 'open', origSz: o.origSz, sz: o.sz, time: o.timestamp })) missedUpdates++;
      }
      // 3. orders we believed open that are not any more: ask how they ended
      for (const [oid, k] of [...this.knownOpen]) {
        if (openIds.has(oid)) continue;
        const st = await this.source.orderStatus(this.user, oid);
        if (stale()) return;
        if (st.status === 'order') {
          const r = st.order;
          if (r.status === 'open') continue; // raced: it is open after all
          if (this.emitOrderUpdate({ coin: r.order.coin, oid, cloid: r.order.cloid ?? k.cloid, status: r.status, origSz: r.order.origSz, sz: r.order.sz, time: r.statusTimestamp })) missedUpdates++;
        } else {
          this.log.warn('order no longer open and unknown to orderStatus', { oid });
        }
      }
    } else {
      // first sync: pre-existing orders are state, not news
      for (const o of open) this.knownOpen.set(o.oid, { coin: o.coin, cloid: o.cloid ?? null, sz: o.sz, origSz: o.origSz });
    }
    const at = this.clock();
    // every field the hot path needs to count an order it did not place as exposure; `asOf`: an
    // update seen after the question was asked is newer than this answer
    const rows: VenueOpenOrder[] = open.map((o) => ({ oid: o.oid, cloid: o.cloid ?? null, coin: o.coin, side: o.side, limitPx: o.limitPx, sz: o.sz, reduceOnly: o.reduceOnly, timestamp: o.timestamp }));
    this.guard('onOpenOrders', () => this.h.onOpenOrders?.({ orders: rows, at, asOf: openAsked }));

    // 4. positions last: they include every fill delivered above
    const asked = this.clock();
    const ch = await this.source.clearinghouseState(this.user);
    if (stale()) return;
    // merged by the venue's clock (PositionBook): without the venue's time, the time it was asked
    const snap = positionsFrom(ch, this.clock());
    this.guard('onPositions', () => this.h.onPositions({ ...snap, venueTime: snap.venueTime ?? asked }));

    if (reconnect) missedFills += this.fromSnapshot;
    this.fromSnapshot = 0;
    this.firstSyncDone = true;
    this.gapFrom = null;
    this.counters.syncs++;
    this.counters.missedFillsRecovered += missedFills;
    this.counters.missedOrderUpdatesRecovered += missedUpdates;
    const report: SyncReport = { reconnect, missedFills, missedOrderUpdates: missedUpdates, openOrders: open.length, at: this.clock() };
    if (missedFills || missedUpdates) this.log.info('recovered missed events after reconnect', { ...report });
    this.guard('onSynced', () => this.h.onSynced?.(report));
  }

  private guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error('feed handler threw', { where, error: e as Error });
      try {
        this.h.onError?.(where, e);
      } catch {
        /* the error hook itself failed: already logged */
      }
    }
  }
}
