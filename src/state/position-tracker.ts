/**
 * PositionTracker (SPEC §2, seed review round 3 #3 option A): a single consumer of an ordered
 * message queue (the actor) that applies venue-originated updates, plus a synchronous read-only
 * snapshot the gates and the HardStop path read: has position, notional of one market at its own
 * mark, pending notional excluding reduce-only, all positions, markets with pending orders, all
 * pending cloids.
 *
 * Registration (seed round 4 #1): `registerOrder` registers synchronously; when it is called
 * re-entrantly from inside the actor's own handler it falls back to a queued `register` message,
 * and that message checks the HardStop latch (and the tombstones of orders already cleaned up)
 * and never registers while HardStop holds.
 */
import Decimal from 'decimal.js';
import type { FillInput, OrderUpdateInput } from '../executor/events';
import type { ExecutionEvent } from '../risk/execution-events';
import { ExposureBook } from './exposure';
import { parseFixed, parseSignedFixed, formatFixed } from './fixed';
import { Mailbox, type Schedule, microtaskSchedule } from './mailbox';
import type { MarketRec, MarketStateCache } from './market-state';
import type { PendingOrder } from './order';
import { chaosInject } from '../chaos/inject';

export type TrackerMsg =
  | { type: 'register'; order: PendingOrder }
  | { type: 'fill'; fill: FillInput }
  | { type: 'orderUpdate'; u: OrderUpdateInput }
  | { type: 'resting'; order: PendingOrder; oid: number; at: number }
  | { type: 'filledAck'; order: PendingOrder; oid: number; totalSz: string; at: number }
  | { type: 'rejected'; order: PendingOrder; reason: string; at: number }
  | { type: 'cancelAck'; cloid: string; order?: PendingOrder; ok: boolean; at: number; error?: string }
  | { type: 'reconcile'; open: { oid: number; cloid?: string | null }[]; at: number; olderThanMs: number }
  | { type: 'unknownOutcome'; orders: PendingOrder[]; at: number }
  | { type: 'positions'; positions: { coin: string; szi: string }[]; at: number; applied?: () => void };

export interface TrackerHooks {
  /** every ExecutionEvent the tracker derives (fills with intended price, trades closed, terminal states) */
  onEvent?: (ev: ExecutionEvent) => void;
  /** an order turned out to be on the book while HardStop holds: the owner enqueues its cancel */
  onLiveWhileStopped?: (order: PendingOrder) => void;
  onError?: (e: unknown) => void;
}

interface Position {
  sziFx: bigint;
  szi: string;
}

interface OpenTrade {
  id: string;
  entryNotional: Decimal;
  realized: Decimal;
  fees: Decimal;
}

const TERMINAL_CANCEL = /canceled$|Canceled$|^scheduledCancel$/;
const TERMINAL_REJECT = /^rejected$|Rejected$/;
const FILL_MEMORY = 100_000;

export class PositionTracker {
  readonly exposure = new ExposureBook();
  private readonly orders = new Map<string, PendingOrder>();
  private readonly byOid = new Map<number, PendingOrder>();
  /** pending markets that are not configured markets (cannot normally happen; kept so nothing is lost) */
  private readonly pendingOther = new Set<string>();
  private readonly positions = new Map<string, Position>();
  /** cloids cleaned up before their (deferred) registration arrived: never register them */
  private readonly tombstones = new Set<string>();
  private readonly seenFills = new Set<string>();
  private readonly seenFillOrder: string[] = [];
  private readonly trades = new Map<string, OpenTrade>();
  private readonly mailbox: Mailbox<TrackerMsg>;
  /** counters for status() and tests */
  readonly stats = { registeredSync: 0, registeredDeferred: 0, deferredRefused: 0, duplicateFills: 0, unknownFills: 0 };

  constructor(
    private readonly markets: MarketStateCache,
    private readonly latch: { isTriggered(): boolean },
    private readonly hooks: TrackerHooks = {},
    schedule: Schedule = microtaskSchedule,
  ) {
    this.mailbox = new Mailbox<TrackerMsg>((m) => this.handle(m), schedule, (e) => hooks.onError?.(e));
    markets.setMarkListener((rec) => this.exposure.reprice(rec));
  }

  // ------------------------------------------------------------------ actor input
  post(m: TrackerMsg): void {
    this.mailbox.post(m);
  }
  /** tests/benchmarks: step the actor by hand */
  processOne(): boolean {
    return this.mailbox.processOne();
  }
  drain(): void {
    this.mailbox.drain();
  }
  get queued(): number {
    return this.mailbox.size;
  }
  /** queued messages, oldest first (tests) */
  queuedMessages(): TrackerMsg[] {
    return this.mailbox.peek();
  }

  // ------------------------------------------------------------------ synchronous snapshot (reads)
  /** has_position for a configured market, one field read (abs size is kept on the market record) */
  hasPositionIn(rec: MarketRec): boolean {
    return rec.absPosFx !== 0n;
  }
  hasPosition(coin: string): boolean {
    const p = this.positions.get(coin);
    return p !== undefined && p.sziFx !== 0n;
  }
  /** abs(pos)·mark of one market at its own mark, 10^-16 USD (0 without a mark). */
  positionNotional(rec: MarketRec): bigint {
    return rec.markFx === null ? 0n : rec.absPosFx * rec.markFx;
  }
  /** Σ size·mark over the market's pending NOT-reduce-only orders, 10^-16 USD. */
  pendingNotional(rec: MarketRec): bigint {
    return rec.markFx === null ? 0n : rec.pendFx * rec.markFx;
  }
  /** Σ over all markets of position + pending notional, each at its own mark, 10^-16 USD. */
  totalNotional(): bigint {
    return this.exposure.total;
  }
  allPositions(): { coin: string; szi: string }[] {
    const out: { coin: string; szi: string }[] = [];
    for (const [coin, p] of this.positions) if (p.sziFx !== 0n) out.push({ coin, szi: p.szi });
    return out;
  }
  marketsWithPendingOrders(): string[] {
    const out: string[] = [];
    for (const rec of this.markets.all()) if (rec.pending) out.push(rec.coin);
    return out.concat([...this.pendingOther]);
  }
  isMarketPending(coin: string): boolean {
    const rec = this.markets.get(coin);
    return rec ? rec.pending : this.pendingOther.has(coin);
  }
  allPendingCloids(): string[] {
    return [...this.orders.keys()];
  }
  getOrder(cloid: string): PendingOrder | undefined {
    return this.orders.get(cloid);
  }
  /** registered orders that may be on the venue's book (everything past the scheduler) */
  ordersPossiblyLive(): PendingOrder[] {
    const out: PendingOrder[] = [];
    for (const o of this.orders.values()) if (o.state !== 'queued') out.push(o);
    return out;
  }
  get orderCount(): number {
    return this.orders.size;
  }

  // ------------------------------------------------------------------ synchronous mutations (hot path)
  /** The pending-markets cache lives on each market's record: the gate reads one field. */
  markPending(coin: string): void {
    const rec = this.markets.get(coin);
    if (rec) rec.pending = true;
    else this.pendingOther.add(coin);
  }
  unmarkPending(coin: string): void {
    const rec = this.markets.get(coin);
    if (rec) rec.pending = false;
    else this.pendingOther.delete(coin);
  }

  /** Hold the order's pending size in the exposure book (non-reduce-only only), synchronously at acceptance. */
  holdExposure(order: PendingOrder): void {
    if (order.reduceOnly || order.heldFx !== 0n) return;
    order.heldFx = order.sizeFx - order.filledFx;
    this.exposure.addPending(order.rec, order.heldFx);
  }

  /** Release whatever the order still holds; idempotent and needs nothing but the order itself. */
  releaseExposure(order: PendingOrder): void {
    if (order.heldFx === 0n) return;
    this.exposure.subPending(order.rec, order.heldFx);
    order.heldFx = 0n;
  }

  /** Synchronous path; when re-entered from the actor, the deferred fallback. */
  registerOrder(order: PendingOrder): 'registered' | 'deferred' {
    if (this.mailbox.processing) {
      this.mailbox.post({ type: 'register', order });
      return 'deferred';
    }
    this.orders.set(order.cloid, order);
    this.stats.registeredSync++;
    return 'registered';
  }

  /**
   * Cleanup of one order without consulting any snapshot (seed round 4 #1 A): release its
   * exposure, unmark its market, forget it. An order whose deferred registration has not arrived
   * yet leaves a tombstone so it is never registered later (option C, belt and braces).
   */
  removeOrder(order: PendingOrder): void {
    this.releaseExposure(order);
    const cur = this.orders.get(order.cloid);
    if (cur === order) {
      this.orders.delete(order.cloid);
      if (order.oid !== undefined) this.byOid.delete(order.oid);
    } else if (cur === undefined) {
      this.tombstones.add(order.cloid);
    }
    order.rec.pending = false;
  }

  // ------------------------------------------------------------------ the actor's handler
  private handle(m: TrackerMsg): void {
    switch (m.type) {
      case 'register':
        return this.onDeferredRegister(m.order);
      case 'fill':
        return this.onFill(m.fill);
      case 'orderUpdate':
        return this.onOrderUpdate(m.u);
      case 'resting': {
        const o = this.orders.get(m.order.cloid);
        if (o !== m.order) {
          // Not registered (cleaned up, or its deferred registration was refused under HardStop),
          // yet on the book: it must not stay there.
          m.order.oid = m.oid;
          m.order.state = 'resting';
          if (!m.order.reduceOnly && !m.order.cancelQueued && this.latch.isTriggered()) this.hooks.onLiveWhileStopped?.(m.order);
          return;
        }
        this.setOid(o, m.oid);
        if (o.state === 'inflight' || o.state === 'unknown') o.state = 'resting';
        this.liveCheck(o);
        return;
      }
      case 'filledAck': {
        const o = this.orders.get(m.order.cloid);
        if (o !== m.order) return;
        this.setOid(o, m.oid);
        const total = parseFixed(m.totalSz, 'down') ?? o.sizeFx;
        o.expectedFillFx = total;
        o.state = 'awaitingFills';
        if (o.filledFx >= total) this.finish(o, null, m.at);
        return;
      }
      case 'rejected': {
        const o = this.orders.get(m.order.cloid);
        // the loop already emitted the `rejected` event (whether or not the order is registered)
        if (o === m.order) this.finish(o, null, m.at);
        return;
      }
      case 'cancelAck': {
        const o = this.orders.get(m.cloid);
        if (o && m.ok) return this.finish(o, { type: 'cancelled', at: m.at, cloid: o.cloid, coin: o.market, reason: 'cancel' }, m.at);
        const tgt = o ?? m.order;
        if (!m.ok && tgt) {
          // The cancel missed (e.g. it overtook the order's own post). If the order is on the book
          // while HardStop holds, cancel it again (bounded by the executor).
          tgt.cancelQueued = false;
          if (tgt.state === 'resting' && (o !== undefined || tgt.oid !== undefined)) this.liveCheck(tgt);
        }
        return;
      }
      case 'reconcile':
        return this.onReconcile(m.open, m.at, m.olderThanMs);
      case 'unknownOutcome':
        for (const o of m.orders) if (this.orders.get(o.cloid) === o && o.state === 'inflight') o.state = 'unknown';
        return;
      case 'positions':
        this.onPositions(m.positions);
        m.applied?.();
        return;
    }
  }

  /**
   * Reconciliation against the venue's open orders (after a reconnect or a post with an unknown
   * outcome): an order of ours that has been out longer than `olderThanMs` (≥ expiresAfter, so it can
   * no longer land) and is not open on the venue is settled as gone. Positions come from the
   * separate positions snapshot.
   */
  private onReconcile(open: { oid: number; cloid?: string | null }[], at: number, olderThanMs: number): void {
    const oids = new Set(open.map((x) => x.oid));
    const cloids = new Set(open.map((x) => x.cloid).filter((c): c is string => !!c));
    for (const o of [...this.orders.values()]) {
      if (o.state === 'queued' || o.state === 'inflight') continue;
      if (at - (o.sentAt ?? o.acceptedAt) < olderThanMs) continue;
      if (cloids.has(o.cloid) || (o.oid !== undefined && oids.has(o.oid))) continue;
      this.finish(o, { type: 'cancelled', at, cloid: o.cloid, coin: o.market, reason: 'reconciled:notOpen' }, at);
    }
  }

  private onDeferredRegister(order: PendingOrder): void {
    // The fallback never registers while HardStop holds, nor an order already cleaned up.
    if (this.tombstones.delete(order.cloid)) {
      // already cleaned up by the purge or the pre-send guard
      this.stats.deferredRefused++;
      return;
    }
    if (this.latch.isTriggered() && !order.reduceOnly) {
      // Reduce-only orders are still registered: HardStop allows them, nothing purges them, and
      // tracking them keeps their market's pending mark honest. A new order is not registered; nothing else cleaned it up yet (it left the queue before the trigger),
      // so release its exposure and unmark its market here. If it still reaches the book, the
      // `resting` path above cancels it.
      this.stats.deferredRefused++;
      this.releaseExposure(order);
      order.rec.pending = false;
      return;
    }
    this.orders.set(order.cloid, order);
    if (order.oid !== undefined) this.byOid.set(order.oid, order);
    this.stats.registeredDeferred++;
  }

  private setOid(o: PendingOrder, oid: number): void {
    if (o.oid === oid) return;
    o.oid = oid;
    this.byOid.set(oid, o);
  }

  /** An order found on the book while HardStop holds must be cancelled (it may have been in flight at the trigger). */
  private liveCheck(o: PendingOrder): void {
    if (!o.reduceOnly && !o.cancelQueued && this.latch.isTriggered()) this.hooks.onLiveWhileStopped?.(o);
  }

  private finish(o: PendingOrder, ev: ExecutionEvent | null, _at: number): void {
    this.releaseExposure(o);
    this.orders.delete(o.cloid);
    if (o.oid !== undefined) this.byOid.delete(o.oid);
    o.rec.pending = false;
    if (ev) this.hooks.onEvent?.(ev);
  }

  private onOrderUpdate(u: OrderUpdateInput): void {
    const o = (u.cloid ? this.orders.get(u.cloid) : undefined) ?? this.byOid.get(u.oid);
    if (!o) return;
    this.setOid(o, u.oid);
    if (u.status === 'open') {
      if (o.state === 'inflight' || o.state === 'unknown') o.state = 'resting';
      this.liveCheck(o);
    } else if (u.status === 'filled') {
      o.expectedFillFx = o.sizeFx;
      o.state = 'awaitingFills';
      if (o.filledFx >= o.sizeFx) this.finish(o, null, u.time);
    } else if (TERMINAL_CANCEL.test(u.status)) {
      this.finish(o, { type: 'cancelled', at: u.time, cloid: o.cloid, coin: o.market, reason: u.status }, u.time);
    } else if (TERMINAL_REJECT.test(u.status)) {
      this.finish(o, { type: 'rejected', at: u.time, cloid: o.cloid, coin: o.market, reason: u.status }, u.time);
    }
  }

  private onFill(f: FillInput): void {
    const key = `${f.coin}:${f.tid}`;
    if (this.seenFills.has(key) && !chaosInject('fill-double-count')) { // TEST-ONLY switch (src/chaos/inject.ts)
      this.stats.duplicateFills++;
      return;
    }
    this.seenFills.add(key);
    this.seenFillOrder.push(key);
    if (this.seenFillOrder.length > FILL_MEMORY) this.seenFills.delete(this.seenFillOrder.shift() as string);

    const szFx = parseFixed(f.sz, 'down');
    if (szFx === null) {
      this.hooks.onError?.(new Error(`fill ${key}: malformed sz ${JSON.stringify(f.sz)}`));
      return;
    }
    const o = (f.cloid ? this.orders.get(f.cloid) : undefined) ?? this.byOid.get(f.oid);
    this.applyPositionFill(f, szFx);
    this.hooks.onEvent?.({
      type: 'filled',
      at: f.time,
      coin: f.coin,
      cloid: o?.cloid ?? f.cloid ?? undefined,
      oid: f.oid,
      tid: f.tid,
      side: f.side,
      px: f.px,
      sz: f.sz,
      fee: f.fee,
      closedPnl: f.closedPnl,
      intendedPx: o?.intendedPx,
    });
    if (!o) {
      this.stats.unknownFills++;
      return;
    }
    this.setOid(o, f.oid);
    o.filledFx += szFx;
    if (o.heldFx !== 0n) {
      const rel = szFx < o.heldFx ? szFx : o.heldFx;
      o.heldFx -= rel;
      this.exposure.subPending(o.rec, rel);
    }
    const target = o.expectedFillFx ?? o.sizeFx;
    if (o.filledFx >= target) this.finish(o, null, f.time);
  }

  /** Position and per-trade accounting (SPEC §6 figures come from here). */
  private applyPositionFill(f: FillInput, szFx: bigint): void {
    const rec = this.markets.get(f.coin);
    const p = this.positions.get(f.coin) ?? { sziFx: 0n, szi: '0' };
    const before = p.sziFx;
    const after = before + (f.side === 'B' ? szFx : -szFx);
    p.sziFx = after;
    p.szi = formatFixed(after);
    this.positions.set(f.coin, p);
    if (rec) this.exposure.setAbsPosition(rec, after < 0n ? -after : after);

    const px = new Decimal(f.px);
    const sz = new Decimal(f.sz);
    let t = this.trades.get(f.coin);
    if (!t && before === 0n) {
      t = { id: `${f.coin}:${f.tid}`, entryNotional: new Decimal(0), realized: new Decimal(0), fees: new Decimal(0) };
      this.trades.set(f.coin, t);
    }
    if (!t) return; // a position we did not see open (synced from the venue): no trade record for it
    const absBefore = before < 0n ? -before : before;
    const absAfter = after < 0n ? -after : after;
    const flipped = (before > 0n && after < 0n) || (before < 0n && after > 0n);
    if (absAfter > absBefore && !flipped) t.entryNotional = t.entryNotional.plus(px.times(sz));
    t.realized = t.realized.plus(f.closedPnl);
    t.fees = t.fees.plus(f.fee);
    if (after === 0n || flipped) {
      this.trades.delete(f.coin);
      this.hooks.onEvent?.({
        type: 'tradeClosed',
        at: f.time,
        tradeId: t.id,
        coin: f.coin,
        entryNotionalUsd: t.entryNotional.toString(),
        realizedPnlUsd: t.realized.toString(),
        feesUsd: t.fees.toString(),
      });
      if (flipped) {
        const rest = new Decimal(formatFixed(absAfter));
        this.trades.set(f.coin, { id: `${f.coin}:${f.tid}:flip`, entryNotional: rest.times(px), realized: new Decimal(0), fees: new Decimal(0) });
      }
    }
  }

  private onPositions(list: { coin: string; szi: string }[]): void {
    const seen = new Set<string>();
    for (const { coin, szi } of list) {
      const fx = parseSignedFixed(szi);
      if (fx === null) {
        this.hooks.onError?.(new Error(`positions: malformed szi for ${coin}`));
        continue;
      }
      seen.add(coin);
      this.positions.set(coin, { sziFx: fx, szi: formatFixed(fx) });
      const rec = this.markets.get(coin);
      if (rec) this.exposure.setAbsPosition(rec, fx < 0n ? -fx : fx);
    }
    for (const [coin, p] of this.positions) {
      if (seen.has(coin) || p.sziFx === 0n) continue;
      p.sziFx = 0n;
      p.szi = '0';
      const rec = this.markets.get(coin);
      if (rec) this.exposure.setAbsPosition(rec, 0n);
      this.trades.delete(coin);
    }
  }
}
