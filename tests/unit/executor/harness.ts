/**
 * A hand-driven hot path for tests: manual actor scheduling, a fake wire that records every nonce
 * it hands out, and a transport whose responses the test resolves when it chooses.
 */
import { ActionBudget } from '../../../src/executor/action-budget';
import { BatchScheduler } from '../../../src/executor/batch-scheduler';
import { Executor } from '../../../src/executor/executor';
import { ExecutorLoop } from '../../../src/executor/executor-loop';
import { HardStopLatch } from '../../../src/executor/latch';
import type { ExchangeRequestLike, ExchangeResponseLike, OrderTransport, WireOrderSpec, WirePort } from '../../../src/executor/ports';
import { Readiness } from '../../../src/executor/readiness';
import type { ExecutionEvent } from '../../../src/risk/execution-events';
import { usdToNotional } from '../../../src/state/fixed';
import { manualSchedule } from '../../../src/state/mailbox';
import { MarketStateCache } from '../../../src/state/market-state';
import type { PendingOrder } from '../../../src/state/order';
import { PositionTracker, type OrderStatusAnswer } from '../../../src/state/position-tracker';
import { InfoBudget } from '../../../src/state/info-budget';
import { OutcomeResolver } from '../../../src/state/outcome-resolver';
import { FillBackfill } from '../../../src/state/fill-backfill';
import type { FillInput } from '../../../src/executor/events';
import type { OrderControls } from '../../../src/executor/executor';

export const MARKETS = [
  { coin: 'BTC', asset: 0, szDecimals: 5, mark: '97000' },
  { coin: 'ETH', asset: 1, szDecimals: 4, mark: '3600' },
  { coin: 'SOL', asset: 2, szDecimals: 2, mark: '240' },
];

export class FakeWire implements WirePort {
  readonly nonces: number[] = [];
  private n = 1_000;
  formatPrice(px: string): string {
    return px;
  }
  formatSize(sz: string): string {
    return sz;
  }
  orderAction(orders: WireOrderSpec[]): unknown {
    return { type: 'order', orders, grouping: 'na' };
  }
  cancelByCloidAction(cancels: { asset: number; cloid: string }[]): unknown {
    return { type: 'cancelByCloid', cancels };
  }
  cancelAction(cancels: { asset: number; oid: number }[]): unknown {
    return { type: 'cancel', cancels };
  }
  nextNonce(): number {
    this.n++;
    this.nonces.push(this.n);
    return this.n;
  }
  sign(action: unknown, nonce: number, expiresAfter: number | undefined): ExchangeRequestLike {
    return { action, nonce, signature: { r: '0x1', s: '0x2', v: 27 }, ...(expiresAfter !== undefined ? { expiresAfter } : {}) };
  }
}

export interface Post {
  req: ExchangeRequestLike;
  latchedAtPost: boolean;
  resolve(r: ExchangeResponseLike): void;
  reject(e: unknown): void;
  settled: boolean;
}

export class HeldTransport implements OrderTransport {
  readonly posts: Post[] = [];
  constructor(private readonly latch: HardStopLatch) {}
  post(req: ExchangeRequestLike): Promise<ExchangeResponseLike> {
    return new Promise((resolve, reject) => {
      const p: Post = {
        req,
        latchedAtPost: this.latch.isTriggered(),
        resolve: (r) => {
          p.settled = true;
          resolve(r);
        },
        reject: (e) => {
          p.settled = true;
          reject(e);
        },
        settled: false,
      };
      this.posts.push(p);
    });
  }
  open(): Post[] {
    return this.posts.filter((p) => !p.settled);
  }
}

export interface HarnessOpts {
  maxNotionalPerMarketUsd?: string;
  maxNotionalTotalUsd?: string;
  ordersPerSecond?: number;
  orderBurst?: number;
  ready?: boolean;
  marks?: boolean;
  markMaxAgeMs?: number;
  /** erroneous-order controls for the executor */
  controls?: OrderControls;
  /** the venue's orderStatus: given, unknown outcomes are resolved by an OutcomeResolver (h.resolver) */
  orderStatus?: (cloid: string) => Promise<OrderStatusAnswer>;
  unknownOutcomeBoundMs?: number;
  /** the venue's userFillsByTime: given, fills of orders the venue says filled are fetched (h.backfill) */
  userFills?: (startTime: number) => Promise<FillInput[]>;
}

export function makeHarness(opts: HarnessOpts = {}) {
  let now = 1_700_000_000_000;
  const clock = () => now;
  const latch = new HardStopLatch(clock);
  const markets = new MarketStateCache(opts.markMaxAgeMs ?? 10_000);
  for (const m of MARKETS) markets.define(m);
  const events: ExecutionEvent[] = [];
  const reentrant: unknown[] = [];
  let executor: Executor;
  let resolver: OutcomeResolver | undefined;
  let backfill: FillBackfill | undefined;
  const tracker = new PositionTracker(
    markets,
    latch,
    {
      onEvent: (ev) => {
        events.push(ev);
        // a strategy reacting to a fill from inside the tracker's handler: forces the deferred registration
        const sig = reentrant.shift();
        if (sig !== undefined) executor.onSignal(sig);
      },
      onLiveWhileStopped: (o) => executor.enqueueCancel(o),
      onError: (e) => {
        throw e;
      },
      ...(opts.orderStatus ? { onUnknown: (o: PendingOrder) => resolver?.watch(o) } : {}),
      ...(opts.userFills ? { onAwaitingFills: (o: PendingOrder) => backfill?.watch(o) } : {}),
    },
    manualSchedule,
  );
  if (opts.orderStatus) {
    const ask = opts.orderStatus;
    resolver = new OutcomeResolver(tracker, { orderStatus: (_u, id) => ask(String(id)) }, '0x0000000000000000000000000000000000000001', {
      boundMs: opts.unknownOutcomeBoundMs ?? 15_000,
      initialBackoffMs: 250,
      maxBackoffMs: 4_000,
      clock,
      budget: new InfoBudget(1_000_000, now),
    });
  }
  if (opts.userFills) {
    const fetch = opts.userFills;
    backfill = new FillBackfill(tracker, { fillsSince: (_u, start) => fetch(start) }, '0x0000000000000000000000000000000000000001', {
      graceMs: 2_000,
      initialBackoffMs: 1_000,
      maxBackoffMs: 4_000,
      lookbackMs: 5_000,
      clock,
      budget: new InfoBudget(1_000_000, now),
    });
  }
  if (opts.marks !== false) for (const m of MARKETS) markets.updateCtx(m.coin, { markPx: m.mark, midPx: m.mark }, now);
  const readiness = new Readiness();
  if (opts.ready !== false) for (const f of ['socketUp', 'snapshotsLoaded', 'positionsSynced', 'tradingAllowed'] as const) readiness.set(f, true);
  const scheduler = new BatchScheduler(latch, { maxOrdersPerAction: 40, maxCancelsPerAction: 200 });
  const enqueued: string[] = [];
  const accepted: PendingOrder[] = [];
  const origEnqueue = scheduler.enqueueOrder.bind(scheduler);
  scheduler.enqueueOrder = (o) => {
    enqueued.push(o.cloid);
    accepted.push(o);
    origEnqueue(o);
  };
  executor = new Executor({
    maxNotionalPerMarket: usdToNotional(opts.maxNotionalPerMarketUsd ?? '1000000'),
    maxNotionalTotal: usdToNotional(opts.maxNotionalTotalUsd ?? '1000000'),
    markets,
    tracker,
    scheduler,
    latch,
    readiness,
    budget: new ActionBudget({ ordersPerSecond: opts.ordersPerSecond ?? 1e6, orderBurst: opts.orderBurst ?? 1e6, venueOrdersPerMinute: 1e9 }, now),
    clock,
    cloidPrefix: '00000000000000aa',
    onEvent: (ev) => events.push(ev),
    controls: opts.controls,
  });
  const wire = new FakeWire();
  const transport = new HeldTransport(latch);
  const loop = new ExecutorLoop({
    scheduler,
    latch,
    executor,
    tracker,
    wire,
    transport,
    clock,
    expiresAfterMs: 5_000,
    maxInFlightPosts: 100,
    onEvent: (ev) => events.push(ev),
  });
  return {
    latch,
    markets,
    tracker,
    readiness,
    scheduler,
    executor,
    wire,
    transport,
    loop,
    events,
    enqueued,
    accepted,
    reentrant,
    resolver,
    backfill,
    clock,
    advance(ms: number) {
      now += ms;
    },
    /** the HardStop path of SPEC §4 as the RiskMonitor/operator runs it */
    trigger() {
      latch.trigger('Operator', 'test');
      executor.onHardStop('Operator');
    },
  };
}

export type Harness = ReturnType<typeof makeHarness>;

export async function flush(): Promise<void> {
  for (let i = 0; i < 8; i++) await Promise.resolve();
}

export function sig(market: string, side: 'buy' | 'sell', size: string, extra: Record<string, unknown> = {}) {
  const m = MARKETS.find((x) => x.coin === market);
  return { market, side, size, limitPx: m ? m.mark : '1', tif: 'Ioc', ...extra };
}
