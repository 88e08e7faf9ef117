/**
 * createHotPath(deps): the composition root the hot-path worker uses. Plain in-memory objects,
 * no Temporal call on the order path: gates → scheduler → pre-send guard → signer → transport →
 * responses/fills → tracker → ExecutionEvents → RiskMonitor → latch/onHardStop/workflow signal.
 *
 * Input handlers take the plain domain events of ./events.ts (the worker adapts WsClient frames).
 */
import { randomBytes } from 'node:crypto';
import type { SessionConfig } from '../config/session';
import type { ExecutionEvent } from '../risk/execution-events';
import type { HardStopReason, HardStopRecord, HotPathPhase } from '../risk/reasons';
import { RiskMonitor, type RiskFigures } from '../risk/risk-monitor';
import { formatNotional, usdToNotional } from '../state/fixed';
import { microtaskSchedule, type Schedule } from '../state/mailbox';
import { MarketStateCache, type MarketMeta } from '../state/market-state';
import { PositionTracker } from '../state/position-tracker';
import { DemoStrategy } from '../strategy/demo';
import { StrategyDriver } from '../strategy/driver';
import { loadReplayFile, ReplayStrategy } from '../strategy/replay';
import type { Strategy } from '../strategy/strategy';
import { ActionBudget } from './action-budget';
import { BatchScheduler } from './batch-scheduler';
import type { FillInput, MarkUpdate, MidsUpdate, OrderUpdateInput, PositionsSnapshot, SocketState } from './events';
import { Executor, type AlertPort, type ExecutionResult, type ResultKey } from './executor';
import { ExecutorLoop } from './executor-loop';
import { HardStopLatch } from './latch';
import type { CheckpointPort, HardStopPort, OrderTransport, WirePort } from './ports';
import { Readiness } from './readiness';
import { createLogger } from '../util/log';

export interface HotPathDeps {
  config: SessionConfig;
  /** from the venue's `meta`: asset index and szDecimals of each configured market */
  markets: MarketMeta[];
  /** wire building + signing + nonces (src/executor/wire.ts: createVenueWire) */
  wire: WirePort;
  transport: OrderTransport;
  hardStopPort: HardStopPort;
  alert: AlertPort;
  checkpointPort?: CheckpointPort;
  clock?: () => number;
  /** overrides the strategy named in the config */
  strategy?: Strategy;
  cloidPrefix?: string;
  /** actor drain scheduling (tests step it by hand) */
  schedule?: Schedule;
  onError?: (where: string, e: unknown) => void;
  /** called once per ExecutionEvent, after the RiskMonitor was given it */
  onEvent?: (ev: ExecutionEvent) => void;
}

export interface HotPathStatus {
  phase: HotPathPhase;
  ready: boolean;
  readiness: Record<string, boolean>;
  hardStop: HardStopRecord | null;
  positions: { coin: string; szi: string }[];
  pendingMarkets: string[];
  pendingOrders: number;
  exposure: { totalUsd: string; perMarket: Record<string, string> };
  risk: RiskFigures;
  gateCounts: Record<ResultKey, number>;
  loop: ExecutorLoop['stats'] & { postsInFlight: number };
  queue: { cancels: number; reduceOnly: number; newOrders: number };
  lastEvents: ExecutionEvent[];
}

export type HotPath = ReturnType<typeof createHotPath>;

const LAST_EVENTS = 50;

export function createHotPath(deps: HotPathDeps) {
  const cfg = deps.config;
  const clock = deps.clock ?? Date.now;
  const schedule = deps.schedule ?? microtaskSchedule;
  const onError = deps.onError ?? (() => {});
  const lastEvents: ExecutionEvent[] = [];

  const latch = new HardStopLatch(clock);
  const marketState = new MarketStateCache(cfg.limits.markMaxAgeMs);
  for (const m of deps.markets) marketState.define(m);
  const missing = cfg.markets.filter((c) => !marketState.get(c));
  if (missing.length) throw new Error(`markets: ${missing.join(', ')} not found in the venue's meta`);

  const readiness = new Readiness();
  const scheduler = new BatchScheduler(latch, {
    maxOrdersPerAction: cfg.executor.maxOrdersPerAction,
    maxCancelsPerAction: cfg.executor.maxCancelsPerAction,
  });

  // forward references: events fan out to the RiskMonitor and the strategy
  let riskMonitor: RiskMonitor;
  let strategy: Strategy;
  const emit = (ev: ExecutionEvent): void => {
    lastEvents.push(ev);
    if (lastEvents.length > LAST_EVENTS) lastEvents.shift();
    riskMonitor.post(ev);
    try {
      strategy?.onEvent?.(ev);
    } catch (e) {
      onError('strategy.onEvent', e);
    }
    deps.onEvent?.(ev);
  };

  let executor: Executor;
  const tracker = new PositionTracker(
    marketState,
    latch,
    {
      onEvent: emit,
      onLiveWhileStopped: (o) => executor.enqueueCancel(o),
      onError: (e) => onError('tracker', e),
    },
    schedule,
  );
  executor = new Executor({
    maxNotionalPerMarket: usdToNotional(cfg.limits.maxNotionalPerMarketUsd),
    maxNotionalTotal: usdToNotional(cfg.limits.maxNotionalTotalUsd),
    markets: marketState,
    tracker,
    scheduler,
    latch,
    readiness,
    budget: new ActionBudget(cfg.limits, clock()),
    clock,
    cloidPrefix: deps.cloidPrefix ?? randomBytes(8).toString('hex'),
    alert: deps.alert,
    onEvent: emit,
    // stop (#10): on a HardStop, close every position from memory right after the cancels, and send at once
    flattenOnHardStop: { maxSlippageBps: cfg.stop.maxSlippageBps },
    onStopOrdersQueued: () => queueMicrotask(drainStopOrders),
  });
  riskMonitor = new RiskMonitor({
    thresholds: cfg.risk,
    goNoGo: cfg.goNoGo.checkpoints,
    latch,
    executor,
    hardStopPort: deps.hardStopPort,
    checkpointPort: deps.checkpointPort,
    schedule,
    onError: (e) => onError('riskMonitor', e),
  });
  const loop = new ExecutorLoop({
    scheduler,
    latch,
    executor,
    tracker,
    wire: deps.wire,
    transport: deps.transport,
    clock,
    expiresAfterMs: cfg.executor.expiresAfterMs,
    maxInFlightPosts: cfg.executor.maxInFlightPosts,
    onEvent: emit,
    onTransportError: (e) => onError('transport', e),
  });

  // ---- stop (#10): the trigger path sends its cancels and flatten orders now, not at the next tick ----
  function drainStopOrders(): void {
    // bounded: at most one batch per in-flight slot; what is left goes at the next ticks
    for (let i = 0; i < cfg.executor.maxInFlightPosts; i++) {
      const q = scheduler.sizes;
      if (q.cancels + q.reduceOnly === 0) return;
      if (!loop.tick().sent) return;
    }
  }

  /** Nothing this hot path signed can still land unanswered: no post in flight, no new order of unknown outcome. */
  function inFlightSettled(): boolean {
    if (loop.postsInFlight > 0) return false;
    for (const o of tracker.ordersPossiblyLive()) if (!o.reduceOnly && (o.state === 'inflight' || o.state === 'unknown')) return false;
    return true;
  }

  /** Waits (bounded) until inFlightSettled(); true when it was reached. */
  async function waitInFlightSettled(boundMs: number): Promise<boolean> {
    const until = Date.now() + boundMs;
    while (!inFlightSettled()) {
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 2));
    }
    return true;
  }
  // ---- end stop (#10) ----

  strategy = deps.strategy ?? strategyFromConfig(cfg);
  const driver = new StrategyDriver(strategy, { executor, markets: marketState, tracker, latch, readiness, coins: cfg.markets });

  let timer: ReturnType<typeof setInterval> | null = null;

  function tickOnce(): void {
    const now = clock();
    riskMonitor.post({ type: 'timer', at: now });
    try {
      driver.tick(now);
    } catch (e) {
      onError('strategy', e);
    }
    loop.tick();
  }

  function refreshSnapshotsLoaded(): void {
    if (readiness.snapshotsLoaded) return;
    const now = clock();
    const all = cfg.markets.every((c) => {
      const rec = marketState.get(c);
      return rec !== undefined && marketState.isMarkFresh(rec, now);
    });
    if (all) readiness.set('snapshotsLoaded', true);
  }

  /**
   * The HardStop sequence of SPEC §4 for an operator (or workflow) trigger:
   * latch.trigger → executor.onHardStop → signal the session workflow (unless it came from there).
   */
  function hardStop(reason: HardStopReason, source: string, details?: object): HardStopRecord {
    latch.trigger(reason, source);
    executor.onHardStop(reason);
    if (source !== 'workflow') {
      Promise.resolve()
        .then(() => deps.hardStopPort.signalHardStop(reason, source, details))
        .catch((e) => onError('hardStopPort', e));
    }
    return latch.record() as HardStopRecord;
  }

  function status(): HotPathStatus {
    const perMarket: Record<string, string> = {};
    for (const rec of marketState.all()) if (rec.notional !== 0n) perMarket[rec.coin] = formatNotional(rec.notional);
    return {
      phase: latch.isTriggered() ? 'HARD_STOPPED' : readiness.ready ? 'READY_TRADING' : 'NOT_READY',
      ready: readiness.ready,
      readiness: readiness.describe(),
      hardStop: latch.record(),
      positions: tracker.allPositions(),
      pendingMarkets: tracker.marketsWithPendingOrders(),
      pendingOrders: tracker.orderCount,
      exposure: { totalUsd: formatNotional(tracker.totalNotional()), perMarket },
      risk: riskMonitor.figures(),
      gateCounts: { ...executor.counts },
      loop: { ...loop.stats, postsInFlight: loop.postsInFlight },
      queue: scheduler.sizes,
      lastEvents: [...lastEvents],
    };
  }

  return {
    config: cfg,
    latch,
    marketState,
    tracker,
    scheduler,
    executor,
    loop,
    riskMonitor,
    readiness,
    strategy,
    driver,

    // ---- inputs (the worker adapts WsClient frames to these) ----
    onMarkUpdate(u: MarkUpdate): void {
      marketState.updateCtx(u.coin, u, u.at);
      refreshSnapshotsLoaded();
    },
    onMids(u: MidsUpdate): void {
      marketState.updateMids(u.mids, u.at);
    },
    onFill(f: FillInput): void {
      tracker.post({ type: 'fill', fill: f });
    },
    onOrderUpdate(u: OrderUpdateInput): void {
      tracker.post({ type: 'orderUpdate', u });
    },
    /** clearinghouseState positions; required at start and after every reconnect before trading resumes */
    onPositions(s: PositionsSnapshot): void {
      // READY only once the snapshot is applied, not when it is merely queued
      tracker.post({ type: 'positions', positions: s.positions, at: s.at, applied: () => readiness.set('positionsSynced', true) });
    },
    onSocketState(s: SocketState): void {
      readiness.set('socketUp', s.up);
      // fills/updates may have been missed while down: positions must be re-synced before trading
      if (!s.up) readiness.set('positionsSynced', false);
      emit({ type: 'socket', at: s.at, up: s.up });
    },
    /**
     * The venue's open orders (openOrders), after a reconnect or on a timer: orders of ours out
     * longer than expiresAfter (+1 s) and not open there are settled, so no market stays pending
     * on an order that cannot exist. Call it after the missed fills were replayed.
     */
    onOpenOrders(s: { orders: { oid: number; cloid?: string | null }[]; at: number }): void {
      tracker.post({ type: 'reconcile', open: s.orders, at: s.at, olderThanMs: cfg.executor.expiresAfterMs + 1_000 });
    },
    /** The session workflow's word for READY-TRADING. */
    setTradingAllowed(allowed: boolean): void {
      readiness.set('tradingAllowed', allowed);
    },
    hardStop,
    inFlightSettled,
    waitInFlightSettled,
    /** Submit one signal through the gates (replay/operator/testing). */
    submitSignal(sig: unknown): ExecutionResult {
      return executor.onSignal(sig);
    },
    tickOnce,
    start(): void {
      if (timer) return;
      timer = setInterval(tickOnce, cfg.executor.tickIntervalMs);
      timer.unref?.();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
    status,
  };
}

export function strategyFromConfig(cfg: SessionConfig): Strategy {
  const s = cfg.strategy;
  if (s.kind === 'demo') return new DemoStrategy(s);
  const { items, errors } = loadReplayFile(s.file);
  const log = createLogger('replay');
  for (const e of errors) log.warn('bad line skipped', { file: s.file, line: e.line, error: e.message });
  return new ReplayStrategy(items, s.intervalMs);
}
