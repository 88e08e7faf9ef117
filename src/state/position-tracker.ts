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
 *
 * Venue state (issue #13): positions are merged by the venue's clock (position-book.ts: a snapshot
 * never erases a newer fill); a fill whose order is not known yet (the venue's WS fills carry no
 * cloid, and the oid is learned only from the post answer, orderUpdates or orderStatus) waits for
 * it in `orphans` and is attached when the oid is learned; open orders the process did not place
 * count as exposure (foreign-orders.ts); an order with an unknown outcome is handed to the
 * resolver (`onUnknown`), whose orderStatus answers come back as `statusAnswer` messages.
 */
import Decimal from 'decimal.js';
import type { FillInput, OrderUpdateInput } from '../executor/events';
import type { ExecutionEvent } from '../risk/execution-events';
import { ExposureBook } from './exposure';
import { parseFixed, parseSignedFixed, formatFixed } from './fixed';
import { ForeignOrders, type ForeignOrder, type VenueOpenOrder } from './foreign-orders';
import { PositionBook, type SnapshotResult } from './position-book';
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
  | { type: 'reconcile'; open: VenueOpenOrder[]; at: number; olderThanMs: number; asOf?: number; applied?: (r: OpenOrdersReport) => void }
  | { type: 'unknownOutcome'; orders: PendingOrder[]; at: number }
  | { type: 'statusAnswer'; order: PendingOrder; answer: OrderStatusAnswer; at: number; boundMs: number }
  | { type: 'sweep'; at: number; orphanWaitMs: number; awaitFillsMs: number }
  | {
      type: 'positions';
      positions: { coin: string; szi: string }[];
      at: number;
      /** the venue's time of the snapshot (clearinghouseState.time); default `at` */
      venueTime?: number;
      applied?: (r: PositionsReport) => void;
    };

/** The venue's orderStatus answer (hyperliquid.md §5), as much of it as the tracker reads. */
export type OrderStatusAnswer =
  | { status: 'order'; order: { order: { oid: number; coin?: string; origSz?: string; sz?: string; cloid?: string | null }; status: string; statusTimestamp: number } }
  | { status: 'unknownOid' };

export interface PositionsReport extends SnapshotResult {
  /** Σ |Δposition| · mark over the changed coins, 10^-16 USD (coins without a mark: in `unpriced`) */
  driftNotional: bigint;
  unpriced: string[];
}

export interface OpenOrdersReport {
  /** our orders the venue does not list (handed to the resolver, or settled without one) */
  missingOwn: string[];
  foreignAdded: ForeignOrder[];
  foreignRemoved: number[];
  foreignTotal: number;
  /** Σ remaining·mark of the foreign orders added / removed, 10^-16 USD */
  foreignChangeNotional: bigint;
  /** rows without coin/size: cannot be priced (counted, logged by the caller) */
  unpriceable: number;
}

export interface TrackerHooks {
  /** every ExecutionEvent the tracker derives (fills with intended price, trades closed, terminal states) */
  onEvent?: (ev: ExecutionEvent) => void;
  /** an order turned out to be on the book while HardStop holds: the owner enqueues its cancel */
  onLiveWhileStopped?: (order: PendingOrder) => void;
  onError?: (e: unknown) => void;
  /** an order's outcome is unknown (transport error, short statuses, not listed open): resolve it */
  onUnknown?: (order: PendingOrder) => void;
  /** the venue said an order is filled and its fills have not all come: ask the venue for them */
  onAwaitingFills?: (order: PendingOrder) => void;
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
/** ends we inferred rather than heard from the venue: the order may still show up open */
const ASSUMED_END = /^reconciled:|^unknownOutcome:|^fillsNotSeen/;

export class PositionTracker {
  readonly exposure = new ExposureBook();
  private readonly orders = new Map<string, PendingOrder>();
  private readonly byOid = new Map<number, PendingOrder>();
  /** pending markets that are not configured markets (cannot normally happen; kept so nothing is lost) */
  private readonly pendingOther = new Set<string>();
  private readonly book: PositionBook;
  readonly foreign: ForeignOrders;
  /** fills whose order is not known yet, by oid (they wait for the oid to be learned) */
  private readonly orphans = new Map<number, { fill: FillInput; szFx: bigint; at: number }[]>();
  /** cloids cleaned up before their (deferred) registration arrived: never register them */
  private readonly tombstones = new Set<string>();
  private readonly seenFills = new Set<string>();
  private readonly seenFillOrder: string[] = [];
  private readonly trades = new Map<string, OpenTrade>();
  private readonly mailbox: Mailbox<TrackerMsg>;
  /** counters for status() and tests */
  readonly stats = {
    registeredSync: 0,
    registeredDeferred: 0,
    deferredRefused: 0,
    duplicateFills: 0,
    /** fills matched to no order of ours in the end (a foreign order's, or waited out) */
    unknownFills: 0,
    /** fills that arrived before their order's oid was known */
    orphanFills: 0,
    /** of those, attached to their order later */
    orphansMatched: 0,
    foreignFills: 0,
    resolvedByStatus: 0,
    neverPlaced: 0,
    fillsNotSeen: 0,
  };

  constructor(
    private readonly markets: MarketStateCache,
    private readonly latch: { isTriggered(): boolean },
    private readonly hooks: TrackerHooks = {},
    schedule: Schedule = microtaskSchedule,
  ) {
    this.mailbox = new Mailbox<TrackerMsg>((m) => this.handle(m), schedule, (e) => hooks.onError?.(e));
    markets.setMarkListener((rec) => this.exposure.reprice(rec));
    this.book = new PositionBook((coin, absFx) => this.exposure.setAbsPosition(markets.ensure(coin), absFx));
    this.foreign = new ForeignOrders(this.exposure, (coin) => markets.ensure(coin));
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
    return this.book.get(coin) !== 0n;
  }
  /** signed position at 10^-8 */
  positionFx(coin: string): bigint {
    return this.book.get(coin);
  }
  /** venue time of the last positions snapshot applied */
  get positionsAsOf(): number {
    return this.book.asOf;
  }
  get bookStats(): PositionBook['stats'] {
    return this.book.stats;
  }
  get orphanCount(): number {
    let n = 0;
    for (const l of this.orphans.values()) n += l.length;
    return n;
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
    return this.book.all();
  }
  /** registered orders (tests, the resolver, the reconciler) */
  allOrders(): PendingOrder[] {
    return [...this.orders.values()];
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
        if (o.state === 'inflight' || o.state === 'unknown') o.state = 'resting';
        if (m.oid >= 0 && !this.setOid(o, m.oid)) return;
        this.liveCheck(o);
        return;
      }
      case 'filledAck': {
        const o = this.orders.get(m.order.cloid);
        if (o !== m.order) return;
        const total = parseFixed(m.totalSz, 'down') ?? o.sizeFx;
        o.expectedFillFx = total;
        o.state = 'awaitingFills';
        o.seenAt = m.at;
        if (!this.setOid(o, m.oid)) return;
        this.finishOrAwait(o, m.at);
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
      case 'reconcile': {
        const r = this.onReconcile(m.open, m.at, m.olderThanMs, m.asOf ?? m.at);
        m.applied?.(r);
        return;
      }
      case 'unknownOutcome':
        for (const o of m.orders) {
          if (this.orders.get(o.cloid) !== o || o.state !== 'inflight') continue;
          o.state = 'unknown';
          this.hooks.onUnknown?.(o);
        }
        return;
      case 'statusAnswer':
        return this.onStatusAnswer(m.order, m.answer, m.at, m.boundMs);
      case 'sweep':
        return this.onSweep(m.at, m.orphanWaitMs, m.awaitFillsMs);
      case 'positions': {
        const r = this.onPositions(m.positions, m.venueTime ?? m.at);
        m.applied?.(r);
        return;
      }
    }
  }

  /**
   * Reconciliation against the venue's open orders (after a reconnect, on the drift timer): an
   * order of ours that has been out longer than `olderThanMs` (≥ expiresAfter, so it can no longer
   * land), was not seen after the snapshot was requested (`asOf`: a newer update wins), and is not
   * open on the venue goes to the resolver (orderStatus says how it ended) — or, without one, is
   * settled as gone. Rows that are none of our registered orders are foreign (exposure).
   */
  private onReconcile(open: VenueOpenOrder[], at: number, olderThanMs: number, asOf: number): OpenOrdersReport {
    const oids = new Set(open.map((x) => x.oid));
    const cloids = new Map<string, VenueOpenOrder>();
    for (const x of open) if (x.cloid) cloids.set(x.cloid, x);
    const missingOwn: string[] = [];
    const ownRows = new Set<VenueOpenOrder>();
    for (const o of [...this.orders.values()]) {
      const row = cloids.get(o.cloid);
      if (row) {
        ownRows.add(row);
        if (o.oid === undefined && !this.setOid(o, row.oid)) continue;
      }
      if (o.oid !== undefined && oids.has(o.oid)) {
        for (const x of open) if (x.oid === o.oid) ownRows.add(x);
      }
      if (o.state === 'queued' || o.state === 'inflight') continue;
      if (at - (o.sentAt ?? o.acceptedAt) < olderThanMs) continue;
      if (row || (o.oid !== undefined && oids.has(o.oid))) continue;
      if ((o.seenAt ?? -Infinity) > asOf) continue;
      missingOwn.push(o.cloid);
      if (this.hooks.onUnknown) {
        if (o.state !== 'unknown') {
          o.state = 'unknown';
          this.hooks.onUnknown(o);
        }
      } else this.finish(o, { type: 'cancelled', at, cloid: o.cloid, coin: o.market, reason: 'reconciled:notOpen' }, at);
    }
    const foreignRows = open.filter((x) => !ownRows.has(x) && !(x.oid !== undefined && this.byOid.has(x.oid)));
    const unpriceable = foreignRows.filter((x) => x.coin === undefined || x.sz === undefined).length;
    const { added, removed } = this.foreign.replace(foreignRows, asOf);
    const addedRows = this.foreign.list().filter((f) => added.includes(f.oid));
    let change = 0n;
    for (const f of addedRows) change += f.rec.markFx === null ? 0n : f.remFx * f.rec.markFx;
    return { missingOwn, foreignAdded: addedRows, foreignRemoved: removed, foreignTotal: this.foreign.size, foreignChangeNotional: change, unpriceable };
  }

  /** The venue's answer to orderStatus(cloid) for an order whose outcome was unknown. */
  private onStatusAnswer(o: PendingOrder, a: OrderStatusAnswer, at: number, boundMs: number): void {
    if (this.orders.get(o.cloid) !== o) return;
    if (a.status === 'unknownOid') {
      // Not (yet) known to the venue. Past the bound (≥ expiresAfter) it can no longer land: it was never placed.
      if (o.state === 'unknown' && at - (o.sentAt ?? o.acceptedAt) >= boundMs) {
        this.stats.neverPlaced++;
        this.finish(o, { type: 'cancelled', at, cloid: o.cloid, coin: o.market, reason: 'unknownOutcome:neverPlaced' }, at);
      }
      return;
    }
    const r = a.order;
    this.stats.resolvedByStatus++;
    o.seenAt = r.statusTimestamp;
    const st = r.status;
    if (st === 'filled') {
      const total = r.order.origSz !== undefined ? parseFixed(r.order.origSz, 'down') : null;
      o.expectedFillFx = total ?? o.sizeFx;
      o.state = 'awaitingFills';
      if (!this.setOid(o, r.order.oid)) return;
      this.finishOrAwait(o, at);
      return;
    }
    if (!this.setOid(o, r.order.oid)) return;
    if (st === 'open' || st === 'triggered') {
      if (o.state === 'inflight' || o.state === 'unknown') o.state = 'resting';
      this.liveCheck(o);
    } else if (TERMINAL_CANCEL.test(st)) {
      this.finish(o, { type: 'cancelled', at: r.statusTimestamp, cloid: o.cloid, coin: o.market, reason: st }, at);
    } else if (TERMINAL_REJECT.test(st)) {
      this.finish(o, { type: 'rejected', at: r.statusTimestamp, cloid: o.cloid, coin: o.market, reason: st }, at);
    }
  }

  /** The venue said filled: done if every fill is here, else the owner asks the venue for the missing ones. */
  private finishOrAwait(o: PendingOrder, at: number): void {
    if (o.filledFx >= (o.expectedFillFx ?? o.sizeFx)) this.finish(o, null, at);
    else this.hooks.onAwaitingFills?.(o);
  }

  /**
   * Timer: fills that waited longer than `orphanWaitMs` for an order of ours are delivered as
   * unmatched; an order the venue said filled whose fills have not all come within `awaitFillsMs`
   * is finished (its position comes from the venue's snapshots, so nothing is lost but the pairing).
   */
  private onSweep(at: number, orphanWaitMs: number, awaitFillsMs: number): void {
    for (const [oid, list] of this.orphans) {
      if (at - list[0].at < orphanWaitMs) continue;
      this.orphans.delete(oid);
      for (const w of list) {
        this.stats.unknownFills++;
        this.emitFill(w.fill, undefined);
      }
    }
    for (const o of [...this.orders.values()]) {
      if (o.state !== 'awaitingFills') continue;
      if (at - (o.seenAt ?? o.sentAt ?? o.acceptedAt) < awaitFillsMs) continue;
      this.stats.fillsNotSeen++;
      this.finish(o, null, at);
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

  /**
   * Learn an order's oid; fills that arrived before it (orphans) are attached now. Returns false
   * when those fills completed the order (it is finished: the caller must not touch it further).
   */
  private setOid(o: PendingOrder, oid: number): boolean {
    if (o.oid !== oid) {
      o.oid = oid;
      this.byOid.set(oid, o);
      // an update without cloid may have filed it as someone else's before its oid was known
      this.foreign.forget(oid);
    }
    const waiting = this.orphans.get(oid);
    if (waiting === undefined) return true;
    this.orphans.delete(oid);
    for (const w of waiting) {
      this.stats.orphansMatched++;
      this.attachFill(o, w.fill, w.szFx);
    }
    return this.orders.get(o.cloid) === o;
  }

  /** An order found on the book while HardStop holds must be cancelled (it may have been in flight at the trigger). */
  private liveCheck(o: PendingOrder): void {
    if (!o.reduceOnly && !o.cancelQueued && this.latch.isTriggered()) this.hooks.onLiveWhileStopped?.(o);
  }

  private finish(o: PendingOrder, ev: ExecutionEvent | null, _at: number): void {
    // the venue's word that it ended (not our inference): an older snapshot listing it is stale
    if (o.oid !== undefined && !(ev?.type === 'cancelled' && ASSUMED_END.test(ev.reason))) this.foreign.markEnded(o.oid);
    this.releaseExposure(o);
    this.orders.delete(o.cloid);
    if (o.oid !== undefined) this.byOid.delete(o.oid);
    o.rec.pending = false;
    if (ev) this.hooks.onEvent?.(ev);
  }

  private onOrderUpdate(u: OrderUpdateInput): void {
    const o = (u.cloid ? this.orders.get(u.cloid) : undefined) ?? this.byOid.get(u.oid);
    if (!o) return this.onForeignUpdate(u);
    o.seenAt = u.time;
    if (u.status === 'filled') {
      o.expectedFillFx = o.sizeFx;
      o.state = 'awaitingFills';
      if (!this.setOid(o, u.oid)) return;
      this.finishOrAwait(o, u.time);
      return;
    }
    if (!this.setOid(o, u.oid)) return;
    if (u.status === 'open') {
      if (o.state === 'inflight' || o.state === 'unknown') o.state = 'resting';
      this.liveCheck(o);
    } else if (TERMINAL_CANCEL.test(u.status)) {
      this.finish(o, { type: 'cancelled', at: u.time, cloid: o.cloid, coin: o.market, reason: u.status }, u.time);
    } else if (TERMINAL_REJECT.test(u.status)) {
      this.finish(o, { type: 'rejected', at: u.time, cloid: o.cloid, coin: o.market, reason: u.status }, u.time);
    }
  }

  /** An update of an order this process did not place: its exposure is tracked as foreign. */
  private onForeignUpdate(u: OrderUpdateInput): void {
    if (u.status === 'open' || u.status === 'triggered') {
      if (this.tombstones.has(u.cloid ?? '')) return;
      this.foreign.upsert({ oid: u.oid, cloid: u.cloid ?? null, coin: u.coin, sz: u.sz ?? u.origSz }, u.time);
    } else this.foreign.remove(u.oid);
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
    // the position moves at once, whatever order the fill belongs to
    this.applyPositionFill(f, szFx);
    const o = (f.cloid ? this.orders.get(f.cloid) : undefined) ?? this.byOid.get(f.oid);
    if (o) return this.attachFill(o, f, szFx);
    if (this.foreign.has(f.oid)) {
      this.stats.foreignFills++;
      this.stats.unknownFills++;
      this.foreign.filled(f.oid, szFx, f.time);
      this.emitFill(f, undefined);
      return;
    }
    // Its order's oid may not be known yet (the fill overtook the post answer / orderUpdates): wait for it.
    this.stats.orphanFills++;
    const list = this.orphans.get(f.oid);
    const w = { fill: f, szFx, at: f.time };
    if (list) list.push(w);
    else this.orphans.set(f.oid, [w]);
  }

  /** A fill of one of our orders: its `filled` event carries the intended price; it may finish the order. */
  private attachFill(o: PendingOrder, f: FillInput, szFx: bigint): void {
    this.emitFill(f, o);
    if (o.oid !== f.oid) {
      o.oid = f.oid;
      this.byOid.set(f.oid, o);
    }
    o.filledFx += szFx;
    o.seenAt = f.time;
    if (o.heldFx !== 0n) {
      const rel = szFx < o.heldFx ? szFx : o.heldFx;
      o.heldFx -= rel;
      this.exposure.subPending(o.rec, rel);
    }
    const target = o.expectedFillFx ?? o.sizeFx;
    if (o.filledFx >= target) this.finish(o, null, f.time);
  }

  private emitFill(f: FillInput, o: PendingOrder | undefined): void {
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
  }

  /** Position (merged by the venue's clock) and per-trade accounting (SPEC §6 figures come from here). */
  private applyPositionFill(f: FillInput, szFx: bigint): void {
    const delta = f.side === 'B' ? szFx : -szFx;
    const startFx = f.startPosition !== undefined ? parseSignedFixed(f.startPosition) : null;
    this.book.applyFill(f.coin, f.time, delta, startFx);
    // Whether it moved the position now or the last snapshot already held it, this fill took the
    // position from (after − delta) to after: the trade accounting follows that.
    const after = this.book.get(f.coin);
    const before = after - delta;

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

  /** A positions snapshot taken by the venue at `venueTime`, merged with newer fills (position-book.ts). */
  private onPositions(list: { coin: string; szi: string }[], venueTime: number): PositionsReport {
    const parsed: { coin: string; fx: bigint }[] = [];
    for (const { coin, szi } of list) {
      const fx = parseSignedFixed(szi);
      if (fx === null) {
        // never trust it, never read it as flat: keep what we hold for that coin
        this.hooks.onError?.(new Error(`positions: malformed szi for ${coin}`));
        parsed.push({ coin, fx: this.book.get(coin) });
        continue;
      }
      parsed.push({ coin, fx });
    }
    const r = this.book.applySnapshot(parsed, venueTime);
    let drift = 0n;
    const unpriced: string[] = [];
    for (const c of r.changes) {
      if (c.after === 0n || (c.before > 0n) !== (c.after > 0n)) this.trades.delete(c.coin);
      const d = c.after > c.before ? c.after - c.before : c.before - c.after;
      const rec = this.markets.ensure(c.coin);
      if (rec.markFx === null) unpriced.push(c.coin);
      else drift += d * rec.markFx;
    }
    return { ...r, driftNotional: drift, unpriced };
  }
}
