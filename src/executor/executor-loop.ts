/**
 * ExecutorLoop.tick() (SPEC §3): take at most one batch from the scheduler, and — right before
 * signing — check the latch once more (seed round 4 #2): if HardStop holds keep only reduce-only
 * orders, clean up each dropped one (unmark its market, remove the order), and when nothing is
 * left send nothing: no nonce, no request id. Every order action carries expiresAfter, so an order
 * stuck in flight cannot land long after a stop. Responses become ExecutionEvents and tracker
 * updates.
 */
import type { ExecutionEvent } from '../risk/execution-events';
import type { PendingOrder } from '../state/order';
import type { PositionTracker } from '../state/position-tracker';
import type { ActionBatch, BatchScheduler, CloidCancel } from './batch-scheduler';
import type { Executor } from './executor';
import type { HardStopLatch } from './latch';
import type { ExchangeResponseLike, OrderStatusLike, OrderTransport, WireOrderSpec, WirePort } from './ports';

export interface ExecutorLoopDeps {
  scheduler: BatchScheduler;
  latch: HardStopLatch;
  executor: Executor;
  tracker: PositionTracker;
  wire: WirePort;
  transport: OrderTransport;
  clock: () => number;
  expiresAfterMs: number;
  maxInFlightPosts: number;
  onEvent?: (ev: ExecutionEvent) => void;
  onTransportError?: (e: unknown, batch: ActionBatch) => void;
}

export type TickOutcome =
  | { sent: false; why: 'idle' | 'inFlightCap' | 'nothingLeft' }
  | { sent: true; kind: ActionBatch['kind']; count: number; nonce: number; response: Promise<void> };

export class ExecutorLoop {
  private inFlight = 0;
  readonly stats = { ticks: 0, posts: 0, guardDropped: 0, formatRejected: 0, transportErrors: 0 };
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly d: ExecutorLoopDeps) {}

  get postsInFlight(): number {
    return this.inFlight;
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref?.();
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick(): TickOutcome {
    const d = this.d;
    this.stats.ticks++;
    if (this.inFlight >= d.maxInFlightPosts) return { sent: false, why: 'inFlightCap' };
    const batch = d.scheduler.tick();
    if (batch === null) return { sent: false, why: 'idle' };
    if (batch.kind === 'orders') return this.sendOrders(batch.orders);
    return this.sendCancels(batch);
  }

  private sendOrders(taken: PendingOrder[]): TickOutcome {
    const d = this.d;
    const specs: WireOrderSpec[] = [];
    let orders: PendingOrder[] = [];
    for (const o of taken) {
      try {
        specs.push({
          asset: o.rec.asset,
          isBuy: o.isBuy,
          // round the limit toward the passive side: never more aggressive than the strategy asked
          px: d.wire.formatPrice(o.limitPx, o.rec.szDecimals, o.isBuy ? 'down' : 'up'),
          sz: d.wire.formatSize(o.size, o.rec.szDecimals),
          reduceOnly: o.reduceOnly,
          tif: o.tif,
          cloid: o.cloid,
        });
        orders.push(o);
      } catch (e) {
        this.stats.formatRejected++;
        d.executor.cleanupDropped(o, 'wireFormat');
        d.onEvent?.({ type: 'rejected', at: d.clock(), cloid: o.cloid, coin: o.market, reason: `wireFormat: ${(e as Error).message}` });
      }
    }
    // ---- pre-send guard: nothing asynchronous happens between here and transport.post() ----
    if (d.latch.isTriggered()) {
      const keptOrders: PendingOrder[] = [];
      const keptSpecs: WireOrderSpec[] = [];
      for (let i = 0; i < orders.length; i++) {
        if (orders[i].reduceOnly) {
          keptOrders.push(orders[i]);
          keptSpecs.push(specs[i]);
        } else {
          this.stats.guardDropped++;
          d.executor.cleanupDropped(orders[i], 'preSendGuard');
        }
      }
      orders = keptOrders;
      specs.length = 0;
      specs.push(...keptSpecs);
    }
    if (orders.length === 0) return { sent: false, why: 'nothingLeft' }; // no nonce, no request id
    const now = d.clock();
    const action = d.wire.orderAction(specs);
    const nonce = d.wire.nextNonce();
    const req = d.wire.sign(action, nonce, now + d.expiresAfterMs);
    for (const o of orders) {
      o.state = 'inflight';
      o.sentAt = now;
    }
    d.onEvent?.({ type: 'posted', at: now, kind: 'order', nonce, count: orders.length, cloids: orders.map((o) => o.cloid) });
    const response = this.post(req, { kind: 'orders', orders }).then(
      (resp) => this.onOrderResponse(orders, resp),
      (e) => this.onOrderTransportError(orders, e),
    );
    return { sent: true, kind: 'orders', count: orders.length, nonce, response };
  }

  private sendCancels(batch: Exclude<ActionBatch, { kind: 'orders' }>): TickOutcome {
    const d = this.d;
    const action =
      batch.kind === 'cancelByCloid'
        ? d.wire.cancelByCloidAction(batch.cancels.map((c) => ({ asset: c.asset, cloid: c.cloid })))
        : d.wire.cancelAction(batch.cancels.map((c) => ({ asset: c.asset, oid: c.oid })));
    const nonce = d.wire.nextNonce();
    // Cancels carry no expiresAfter: a late cancel is harmless, and an expired one costs 5× rate limit.
    const req = d.wire.sign(action, nonce, undefined);
    const now = d.clock();
    d.onEvent?.({
      type: 'posted',
      at: now,
      kind: 'cancel',
      nonce,
      count: batch.cancels.length,
      cloids: batch.kind === 'cancelByCloid' ? batch.cancels.map((c) => c.cloid) : [],
    });
    const response = this.post(req, batch).then(
      (resp) => this.onCancelResponse(batch, resp),
      () => {
        // Outcome unknown: let a later `resting` sighting cancel again; the durable stop sequence
        // also cancels everything from the venue's own list.
        this.stats.transportErrors++;
        if (batch.kind === 'cancelByCloid') {
          for (const c of batch.cancels) this.d.tracker.post({ type: 'cancelAck', cloid: c.cloid, order: c.order, ok: false, at: this.d.clock(), error: 'transport' });
        }
      },
    );
    return { sent: true, kind: batch.kind, count: batch.cancels.length, nonce, response };
  }

  private post(req: Parameters<OrderTransport['post']>[0], batch: ActionBatch): Promise<ExchangeResponseLike> {
    this.inFlight++;
    this.stats.posts++;
    let p: Promise<ExchangeResponseLike>;
    try {
      p = this.d.transport.post(req);
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.finally(() => {
      this.inFlight--;
    }).catch((e) => {
      this.d.onTransportError?.(e, batch);
      throw e;
    });
  }

  private onOrderResponse(orders: PendingOrder[], resp: ExchangeResponseLike): void {
    const d = this.d;
    const at = d.clock();
    if (resp.status !== 'ok') {
      // batch-wide error: fan it out to every order of the batch
      for (const o of orders) this.rejectOrder(o, String(resp.response), at);
      return;
    }
    const statuses = resp.response.data?.statuses ?? [];
    orders.forEach((o, i) => {
      const st: OrderStatusLike | undefined = statuses[i];
      if (st === undefined) {
        d.tracker.post({ type: 'unknownOutcome', orders: [o], at });
      } else if (typeof st === 'string') {
        // waitingForFill / waitingForTrigger: accepted, not yet on the book
        d.tracker.post({ type: 'resting', order: o, oid: o.oid ?? -1, at });
      } else if ('resting' in st) {
        d.tracker.post({ type: 'resting', order: o, oid: st.resting.oid, at });
      } else if ('filled' in st) {
        d.tracker.post({ type: 'filledAck', order: o, oid: st.filled.oid, totalSz: st.filled.totalSz, at });
      } else if ('error' in st) {
        this.rejectOrder(o, st.error, at);
      }
    });
  }

  private rejectOrder(o: PendingOrder, reason: string, at: number): void {
    // the rejected order's market is unmarked (via the tracker's single consumer)
    this.d.tracker.post({ type: 'rejected', order: o, reason, at });
    this.d.onEvent?.({ type: 'rejected', at, cloid: o.cloid, coin: o.market, reason });
  }

  private onOrderTransportError(orders: PendingOrder[], _e: unknown): void {
    this.stats.transportErrors++;
    // The post may or may not have landed: keep the orders pending (their markets stay marked,
    // fail closed) until an order update, a fill or reconciliation by cloid settles them.
    this.d.tracker.post({ type: 'unknownOutcome', orders, at: this.d.clock() });
  }

  private onCancelResponse(batch: Exclude<ActionBatch, { kind: 'orders' }>, resp: ExchangeResponseLike): void {
    if (batch.kind !== 'cancelByCloid') return; // oid cancels settle through order updates
    const at = this.d.clock();
    const statuses = resp.status === 'ok' ? resp.response.data?.statuses ?? [] : [];
    batch.cancels.forEach((c: CloidCancel, i) => {
      const st = statuses[i];
      const ok = st === 'success';
      this.d.tracker.post({ type: 'cancelAck', cloid: c.cloid, order: c.order, ok, at, error: ok ? undefined : resp.status === 'err' ? resp.response : JSON.stringify(st) });
    });
  }
}
