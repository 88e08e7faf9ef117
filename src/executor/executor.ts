/**
 * Executor.onSignal — the six pre-trade gates of SPEC §2, synchronous and O(1), in this order:
 *
 *   0 HardStop       latch not triggered, or reduce-only           else Rejected(HardStop)
 *   1 READY-TRADING  socket up, snapshots, positions, workflow ok   else Skipped(NotReady)
 *   2 MaxPosition    (no mark: Rejected(MissingMark); stale mark: Rejected(StaleMark))
 *                    2a erroneous order (issue #13 §4): limit within the price band through the
 *                       mark (reduce-only: the wider band)        else Rejected(PriceBand)
 *                       size ≤ maxOrderSize[market]             else Rejected(MaxOrderSize)
 *                       size·mark ≤ maxOrderNotionalUsd          else Rejected(MaxOrderNotional)
 *                    2b per market and total over every market of the account (traded or not,
 *                       foreign open orders included), each at its own mark, pending included,
 *                       reduce-only exempt; a stale/missing mark in any exposed market fails the
 *                       total                                     else Rejected(MaxPositionPerMarket | MaxPositionTotal)
 *   3 has_position   no position in that market, or reduce-only     else Skipped(HasPosition)
 *   4 PendingOrder   no pending order in that market                else Skipped(PendingOrder)
 *                    4a open orders on the account in that market < maxOpenOrdersPerMarket
 *                       (reduce-only exempt)                      else Rejected(MaxOpenOrders)
 *   5 ActionBudget   the action-rate budget has room                else Skipped(ActionBudget)
 *
 * The six gates of the plan keep their order; the erroneous-order checks sit where they read what
 * they need (the mark gate 2 has just validated; the open-order count next to the pending cache).
 *
 * Before the gates the signal is parsed (Rejected(InvalidSignal) naming the field) and its market
 * looked up (Rejected(UnknownMarket)). After the gates pass, synchronously: mark the market
 * pending, register the order, enqueue it as a new order.
 *
 * Executor.onHardStop (SPEC §4, seed rounds 3–4): purge queued new orders with a cleanup that needs
 * no snapshot, enqueue cancels for every open order, raise the alert.
 */
import type { ExecutionEvent } from '../risk/execution-events';
import { REJECT_REASONS, SKIP_REASONS, type HardStopReason, type RejectReason, type SkipReason } from '../risk/reasons';
import { decimalsOf, parseFixed, usdToNotional } from '../state/fixed';
import type { MarketStateCache } from '../state/market-state';
import type { PendingOrder } from '../state/order';
import type { PositionTracker } from '../state/position-tracker';
import type { ActionBudget } from './action-budget';
import type { BatchScheduler, DroppedOrder } from './batch-scheduler';
import type { HardStopLatch } from './latch';
import type { Readiness } from './readiness';
import { fastParseSignal, SignalSchema, type Signal } from './signal';
import { emptyCancelCounts, evaluateCancel, type CancelResult, type CancelResultKey } from './cancel';
import { flattenOrderFromMemory } from './flatten-from-memory';

export type ExecutionResult =
  | { status: 'Accepted'; cloid: string }
  | { status: 'Rejected'; reason: RejectReason; field?: string; message?: string }
  | { status: 'Skipped'; reason: SkipReason };

export type ResultKey = 'Accepted' | RejectReason | SkipReason;

export interface AlertPort {
  alert(level: 'info' | 'warn' | 'critical', message: string, details?: Record<string, unknown>): void | Promise<void>;
}

export interface ExecutorDeps {
  /** MaxPosition limits at 10^-16 USD (see fixed.ts usdToNotional), from the validated config */
  maxNotionalPerMarket: bigint;
  maxNotionalTotal: bigint;
  markets: MarketStateCache;
  tracker: PositionTracker;
  scheduler: BatchScheduler;
  latch: HardStopLatch;
  readiness: Readiness;
  budget: ActionBudget;
  clock: () => number;
  /** 16 hex digits that make this process's cloids unique (random per process) */
  cloidPrefix: string;
  alert?: AlertPort;
  onEvent?: (ev: ExecutionEvent) => void;
  /** erroneous-order controls (issue #13 §4); omitted = none (gate-only tests) */
  controls?: OrderControls;
  /** a signal refused by an erroneous-order control (counted in `counts` too): the owner logs it */
  onErroneous?: (reason: RejectReason, s: Signal, count: number) => void;
  // ---- stop (#10): flatten from memory on a HardStop ----
  /** close every position with a reduce-only IOC right after the cancels, at most this far from the reference price */
  flattenOnHardStop?: { maxSlippageBps: number };
  /** called (once per onHardStop) after the stop's cancels and flatten orders are queued: send them now, not at the next tick */
  onStopOrdersQueued?: () => void;
}

/** The erroneous-order limits, pre-scaled from the config so the gate does integer compares only. */
export interface OrderControls {
  /** price band in 10^-6 of the mark (bps × 100) */
  bandPpm: bigint;
  reduceOnlyBandPpm: bigint;
  /** 10^-16 USD; null = no per-order notional cap */
  maxOrderNotional: bigint | null;
  /** per market, 10^-8 coins */
  maxOrderSizeFx: Map<string, bigint>;
  maxOpenOrdersPerMarket: number;
}

const PPM = 1_000_000n;

export function orderControlsFrom(l: {
  priceBandBps: number;
  reduceOnlyPriceBandBps: number;
  maxOrderNotionalUsd?: string;
  maxOrderSize: Record<string, string>;
  maxOpenOrdersPerMarket: number;
}): OrderControls {
  const sizes = new Map<string, bigint>();
  for (const [coin, sz] of Object.entries(l.maxOrderSize)) {
    const fx = parseFixed(sz, 'down');
    if (fx === null) throw new Error(`limits.maxOrderSize.${coin}: not a decimal size`);
    sizes.set(coin, fx);
  }
  return {
    bandPpm: BigInt(Math.round(l.priceBandBps * 100)),
    reduceOnlyBandPpm: BigInt(Math.round(l.reduceOnlyPriceBandBps * 100)),
    maxOrderNotional: l.maxOrderNotionalUsd === undefined ? null : usdToNotional(l.maxOrderNotionalUsd),
    maxOrderSizeFx: sizes,
    maxOpenOrdersPerMarket: l.maxOpenOrdersPerMarket,
  };
}

/** A limit more than `bandPpm` through the mark: a buy above mark·(1+band), a sell below mark·(1−band). */
function outsideBand(isBuy: boolean, limitPx: string, markFx: bigint, bandPpm: bigint): boolean {
  const px = parseFixed(limitPx, isBuy ? 'up' : 'down');
  if (px === null) return true;
  return isBuy ? px * PPM > markFx * (PPM + bandPpm) : px * PPM < markFx * (PPM - bandPpm);
}

const SKIPPED: Record<SkipReason, ExecutionResult> = Object.fromEntries(
  SKIP_REASONS.map((r) => [r, Object.freeze({ status: 'Skipped', reason: r })]),
) as Record<SkipReason, ExecutionResult>;
const REJECTED: Record<RejectReason, ExecutionResult> = Object.fromEntries(
  REJECT_REASONS.map((r) => [r, Object.freeze({ status: 'Rejected', reason: r })]),
) as Record<RejectReason, ExecutionResult>;

const ERRONEOUS: ReadonlySet<string> = new Set<RejectReason>(['PriceBand', 'MaxOrderSize', 'MaxOrderNotional', 'MaxOpenOrders']);

/** A cancel that failed while its order is (still) live is retried up to this many sends in all. */
const MAX_CANCEL_ATTEMPTS = 3;

export class Executor {
  /** every result counted by reason */
  readonly counts: Record<ResultKey, number>;
  /** every strategy cancel (onCancel) counted by result */
  readonly cancelCounts: Record<CancelResultKey, number> = emptyCancelCounts();
  private seq = 0;
  private readonly d: ExecutorDeps;

  constructor(deps: ExecutorDeps) {
    this.d = deps;
    if (!/^[0-9a-f]{16}$/.test(deps.cloidPrefix)) throw new Error('cloidPrefix must be 16 lowercase hex digits');
    this.counts = { Accepted: 0 } as Record<ResultKey, number>;
    for (const r of REJECT_REASONS) this.counts[r] = 0;
    for (const r of SKIP_REASONS) this.counts[r] = 0;
  }

  onSignal(input: unknown): ExecutionResult {
    const r = this.evaluate(input);
    const n = ++this.counts[r.status === 'Accepted' ? 'Accepted' : r.reason];
    if (r.status === 'Rejected' && ERRONEOUS.has(r.reason) && this.d.onErroneous && this.lastSignal) this.d.onErroneous(r.reason, this.lastSignal, n);
    return r;
  }
  /** the signal being evaluated (for the erroneous-order log line) */
  private lastSignal: Signal | null = null;

  private evaluate(input: unknown): ExecutionResult {
    const d = this.d;
    let s: Signal | null = fastParseSignal(input);
    if (s === null) {
      const parsed = SignalSchema.safeParse(input);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        const field = i.path.length ? i.path.map(String).join('.') : '(root)';
        return { status: 'Rejected', reason: 'InvalidSignal', field, message: `${field}: ${i.message}` };
      }
      s = parsed.data;
    }
    const rec = d.markets.get(s.market);
    if (rec === undefined || !rec.traded) return { status: 'Rejected', reason: 'UnknownMarket', field: 'market', message: `market: ${s.market} is not traded in this session` };
    if (decimalsOf(s.size) > rec.szDecimals) {
      return { status: 'Rejected', reason: 'InvalidSignal', field: 'size', message: `size: ${s.market} allows at most ${rec.szDecimals} decimals` };
    }
    const sizeFx = parseFixed(s.size);
    if (sizeFx === null || sizeFx === 0n) return { status: 'Rejected', reason: 'InvalidSignal', field: 'size', message: 'size: must be > 0' };
    if (s.cloid !== undefined && d.tracker.getOrder(s.cloid) !== undefined) {
      return { status: 'Rejected', reason: 'InvalidSignal', field: 'cloid', message: 'cloid: already in use' };
    }
    const ro = s.reduceOnly;
    const c = d.controls;
    this.lastSignal = s;

    // Gate 0: HardStop
    if (!ro && d.latch.isTriggered()) return REJECTED.HardStop;
    // ... and for one market only, after a market-scoped stop
    if (!ro && rec.reduceOnlyBy) return REJECTED.MarketReduceOnly;
    // Gate 1: READY-TRADING
    if (!d.readiness.ready) return SKIPPED.NotReady;
    const now = d.clock();
    // Gate 2: MaxPosition (reduce-only exempt). O(1): running sums, this market at its own mark.
    if (!ro) {
      const markFx = rec.markFx;
      if (markFx === null) return REJECTED.MissingMark;
      if (now - rec.markAt > d.markets.markMaxAgeMs) return REJECTED.StaleMark;
      const newNotional = sizeFx * markFx;
      // 2a: the order itself must be plausible
      if (c !== undefined) {
        if (outsideBand(s.side === 'buy', s.limitPx, markFx, c.bandPpm)) return REJECTED.PriceBand;
        const cap = c.maxOrderSizeFx.get(s.market);
        if (cap !== undefined && sizeFx > cap) return REJECTED.MaxOrderSize;
        if (c.maxOrderNotional !== null && newNotional > c.maxOrderNotional) return REJECTED.MaxOrderNotional;
      }
      // 2b: the account's exposure
      if (rec.notional + newNotional > d.maxNotionalPerMarket) return REJECTED.MaxPositionPerMarket;
      const ex = d.tracker.exposure;
      if (ex.unpricedExposed > 0 || ex.total + newNotional > d.maxNotionalTotal || ex.staleExposed(now, d.markets.markMaxAgeMs)) {
        return REJECTED.MaxPositionTotal;
      }
    } else if (c !== undefined && rec.markFx !== null) {
      // an exit cannot add exposure, but a fat-fingered limit still trades at a price nobody meant;
      // without a mark it is not held up (reduce-only must always be able to leave)
      if (outsideBand(s.side === 'buy', s.limitPx, rec.markFx, c.reduceOnlyBandPpm)) return REJECTED.PriceBand;
    }
    // Gate 3: has_position (one position per market)
    if (!ro && d.tracker.hasPositionIn(rec)) return SKIPPED.HasPosition;
    // Gate 4: PendingOrder
    if (rec.pending) return SKIPPED.PendingOrder;
    // 4a: open orders on the account in this market (others' included)
    if (!ro && c !== undefined && rec.foreignOpen + 1 > c.maxOpenOrdersPerMarket) return REJECTED.MaxOpenOrders;
    // Gate 5: ActionBudget (consumes budget only when everything else passed)
    if (!d.budget.tryTake(now)) return SKIPPED.ActionBudget;

    // Passed: synchronously mark pending, hold exposure + register, enqueue.
    const order: PendingOrder = {
      cloid: s.cloid ?? this.nextCloid(),
      market: s.market,
      rec,
      isBuy: s.side === 'buy',
      size: s.size,
      sizeFx,
      limitPx: s.limitPx,
      tif: s.tif,
      reduceOnly: ro,
      intendedPx: s.intendedPx ?? rec.midPx ?? rec.markPx ?? undefined,
      acceptedAt: now,
      state: 'queued',
      oid: undefined,
      filledFx: 0n,
      expectedFillFx: undefined,
      heldFx: 0n,
      cancelQueued: false,
    };
    rec.pending = true; // = tracker.markPending(market), without the lookup
    d.tracker.holdExposure(order);
    d.tracker.registerOrder(order);
    d.scheduler.enqueueOrder(order);
    return { status: 'Accepted', cloid: order.cloid };
  }

  private nextCloid(): string {
    // a plain number counter: 2^53 orders is far beyond any session
    this.seq++;
    return '0x' + this.d.cloidPrefix + this.seq.toString(16).padStart(16, '0');
  }

  /**
   * Clean up one order that will never be sent (purge or pre-send guard): release its exposure,
   * unmark its market, remove it — from the order itself, no snapshot needed.
   */
  cleanupDropped(order: PendingOrder, why: string): void {
    this.d.tracker.removeOrder(order);
    this.d.onEvent?.({ type: 'cancelled', at: this.d.clock(), cloid: order.cloid, coin: order.market, reason: why });
  }

  /** Enqueue a cancel-by-cloid for an order that may be on the book (once per order). */
  enqueueCancel(order: PendingOrder): void {
    if (order.cancelQueued || (order.cancelAttempts ?? 0) >= MAX_CANCEL_ATTEMPTS) return;
    order.cancelQueued = true;
    order.cancelAttempts = (order.cancelAttempts ?? 0) + 1;
    this.d.scheduler.enqueueCancelByCloid({ asset: order.rec.asset, cloid: order.cloid, coin: order.market, order });
  }

  /**
   * A strategy cancels one of its own orders by cloid (./cancel.ts). Not gated: allowed in every
   * phase, also under HardStop; counted in cancelCounts.
   */
  onCancel(input: unknown): CancelResult {
    const r = evaluateCancel(input, {
      getOrder: (c) => this.d.tracker.getOrder(c),
      removeQueued: (o) => this.d.scheduler.removeQueuedOrder(o),
      cleanupDropped: (o, why) => this.cleanupDropped(o, why),
      // enqueueCancel sets cancelQueued when it enqueued one (it declines once the retries are spent)
      enqueueCancel: (o) => {
        this.enqueueCancel(o);
        return o.cancelQueued;
      },
    });
    this.cancelCounts[r.status === 'Accepted' ? 'Accepted' : r.reason]++;
    return r;
  }

  /**
   * A market-scoped stop, the hot-path half: the market takes reduce-only orders and cancels
   * only (gate 0), its queued new orders are purged, cancels enqueued for its open orders.
   * Idempotent; the other markets are untouched.
   */
  onMarketReduceOnly(coin: string, why: string): { purged: number; cancels: number } | null {
    const rec = this.d.markets.get(coin);
    if (!rec) return null;
    rec.reduceOnlyBy = why;
    const purged = this.d.scheduler.dropNewOrdersIn(coin);
    for (const p of purged) this.cleanupDropped(p.order, 'marketReduceOnlyPurge');
    let cancels = 0;
    for (const o of this.d.tracker.ordersPossiblyLive()) {
      if (o.market === coin && !o.cancelQueued) {
        this.enqueueCancel(o);
        cancels++;
      }
    }
    return { purged: purged.length, cancels };
  }

  /** Lifts a market-scoped stop: the market trades again (the HardStop latch still applies). */
  clearMarketReduceOnly(coin: string): boolean {
    const rec = this.d.markets.get(coin);
    if (!rec || !rec.reduceOnlyBy) return false;
    rec.reduceOnlyBy = null;
    return true;
  }

  /**
   * The hot-path half of a HardStop (call after latch.trigger): purge queued new orders with
   * snapshot-free cleanup, enqueue cancels for every open order, alert. Idempotent.
   */
  onHardStop(reason: HardStopReason, opts: { flatten?: boolean } = {}): { purged: DroppedOrder[]; cancels: number; flattenOrders: number } {
    const purged = this.d.scheduler.dropNewOrders();
    for (const p of purged) this.cleanupDropped(p.order, 'hardStopPurge');
    let cancels = 0;
    for (const o of this.d.tracker.ordersPossiblyLive()) {
      if (!o.cancelQueued) {
        this.enqueueCancel(o);
        cancels++;
      }
    }
    const flattenOrders = this.d.flattenOnHardStop && opts.flatten !== false ? this.flattenFromMemory(this.d.flattenOnHardStop.maxSlippageBps) : 0;
    const rec = this.d.latch.record();
    void this.d.alert?.alert('critical', `HardStop: ${reason}`, {
      reason,
      firstReason: rec?.reason,
      source: rec?.source,
      purged: purged.length,
      cancelsEnqueued: cancels,
      flattenOrders,
    });
    this.d.onStopOrdersQueued?.();
    return { purged, cancels, flattenOrders };
  }

  // ---- stop (#10): flatten from memory ----
  /** the flatten order of each market this hot path queued on a HardStop (one in flight per market) */
  private readonly flattenByMarket = new Map<string, string>();

  /**
   * Queue a reduce-only IOC closing every position this hot path holds, priced from its book
   * (mid, else mark) `maxSlippageBps` through it — the durable stop sequence then confirms from
   * the venue and finishes what is left. Reduce-only makes the double send safe: the venue never
   * lets either order flip or grow a position. A market whose flatten order is still pending
   * gets no second one. Returns how many were queued.
   */
  flattenFromMemory(maxSlippageBps: number): number {
    const d = this.d;
    let n = 0;
    for (const p of d.tracker.allPositions()) {
      const prev = this.flattenByMarket.get(p.coin);
      if (prev !== undefined && d.tracker.getOrder(prev) !== undefined) continue;
      const rec = d.markets.get(p.coin);
      const order = rec ? flattenOrderFromMemory(p, rec, maxSlippageBps, this.nextCloid(), d.clock()) : null;
      if (!order) {
        void d.alert?.alert('critical', `HardStop: cannot flatten ${p.coin} from memory (no price); the stop sequence will`, { coin: p.coin, szi: p.szi });
        continue;
      }
      rec!.pending = true;
      d.tracker.registerOrder(order);
      d.scheduler.enqueueOrder(order);
      this.flattenByMarket.set(p.coin, order.cloid);
      n++;
    }
    return n;
  }
}
