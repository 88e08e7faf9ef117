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
import type { StrategyEvent } from '../strategy/events';
import { ExternalStrategy } from '../strategy/external';
import { loadStrategyModule } from '../strategy/module-loader';
import { loadReplayFile, ReplayStrategy } from '../strategy/replay';
import type { Strategy } from '../strategy/strategy';
import { ActionBudget } from './action-budget';
import { BatchScheduler } from './batch-scheduler';
import type { FillInput, MarkUpdate, MidsUpdate, OrderUpdateInput, PositionsSnapshot, SocketState } from './events';
import type { CancelResult } from './cancel';
import { Executor, orderControlsFrom, type AlertPort, type ExecutionResult, type ResultKey } from './executor';
import { ExecutorLoop } from './executor-loop';
import { HardStopLatch } from './latch';
import type { CheckpointPort, HardStopPort, OrderTransport, WirePort } from './ports';
import { Readiness } from './readiness';
import { createVenueState, type VenueInfoPort, type VenueState } from './venue-state';
import type { VenueOpenOrder } from '../state/foreign-orders';
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
  /** every StrategyEvent (execution events, order updates, HardStop, phase changes), after the strategy saw it: the gateway */
  onStrategyEvent?: (ev: StrategyEvent) => void;
  /**
   * The venue's info endpoint (VenueClient): orderStatus for unknown outcomes, clearinghouseState +
   * openOrders for the drift alarm and resync(). Omitted: neither runs (gate-only tests).
   */
  venueInfo?: VenueInfoPort;
  /** the account whose state is kept: the vault's or the account's address (with venueInfo) */
  user?: string;
  /** the venue's whole universe (meta): markets the session does not trade, for exposure and cancels */
  universe?: MarketMeta[];
  /** the RiskMonitor's durable counters changed (#11: checkpointed by the worker) */
  onRiskChange?: () => void;
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
  cancelCounts: Executor['cancelCounts'];
  loop: ExecutorLoop['stats'] & { postsInFlight: number };
  queue: { cancels: number; reduceOnly: number; newOrders: number };
  lastEvents: ExecutionEvent[];
  /** issue #13: drift alarm, unknown-outcome resolver, foreign orders, orphan fills */
  venueState: ReturnType<VenueState['status']>;
}

export type HotPath = ReturnType<typeof createHotPath>;

const LAST_EVENTS = 50;
/** a restored hot path counts the account's fills from this long before the newest one counted (clock skew, same-ms fills) */
const RISK_CATCH_UP_LOOKBACK_MS = 5_000;

export function createHotPath(deps: HotPathDeps) {
  const cfg = deps.config;
  const clock = deps.clock ?? Date.now;
  const schedule = deps.schedule ?? microtaskSchedule;
  const onError = deps.onError ?? (() => {});
  const lastEvents: ExecutionEvent[] = [];

  const latch = new HardStopLatch(clock);
  const marketState = new MarketStateCache(cfg.limits.markMaxAgeMs);
  for (const m of deps.markets) marketState.define(m);
  marketState.setUniverse(deps.universe ?? []);
  const missing = cfg.markets.filter((c) => !marketState.get(c));
  if (missing.length) throw new Error(`markets: ${missing.join(', ')} not found in the venue's meta`);

  const readiness = new Readiness();
  const log = createLogger('hot-path');
  const scheduler = new BatchScheduler(latch, {
    maxOrdersPerAction: cfg.executor.maxOrdersPerAction,
    maxCancelsPerAction: cfg.executor.maxCancelsPerAction,
  });

  // forward references: events fan out to the RiskMonitor and the strategy (through its driver)
  let riskMonitor: RiskMonitor;
  let driver: StrategyDriver | undefined;
  const emit = (ev: ExecutionEvent): void => {
    lastEvents.push(ev);
    if (lastEvents.length > LAST_EVENTS) lastEvents.shift();
    riskMonitor.post(ev);
    driver?.event(ev);
    deps.onEvent?.(ev);
  };

  let executor: Executor;
  let venueState: VenueState;
  const tracker = new PositionTracker(
    marketState,
    latch,
    {
      onEvent: emit,
      onLiveWhileStopped: (o) => executor.enqueueCancel(o),
      onError: (e) => onError('tracker', e),
      ...(deps.venueInfo && deps.user ? { onUnknown: (o) => venueState.onUnknown?.(o), onAwaitingFills: (o) => venueState.onAwaitingFills?.(o) } : {}),
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
    controls: orderControlsFrom(cfg.limits),
    onErroneous: (reason, sig, n) => {
      // each one is counted; the first ten of a reason and every thousandth after are logged
      if (n <= 10 || n % 1_000 === 0) log.warn('erroneous order refused', { reason, count: n, market: sig.market, side: sig.side, size: sig.size, limitPx: sig.limitPx, reduceOnly: sig.reduceOnly });
    },
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
    onChange: deps.onRiskChange,
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

  venueState = createVenueState({
    cfg,
    tracker,
    scheduler,
    clock,
    log,
    venueInfo: deps.venueInfo,
    user: deps.user,
    hardStop: (details) => hardStop('StateDrift', 'reconciler', details),
    alert: (level, message, details) => void deps.alert.alert(level, message, details),
  });

  const strategy = deps.strategy ?? strategyFromConfig(cfg);
  driver = new StrategyDriver(strategy, {
    executor,
    markets: marketState,
    tracker,
    latch,
    readiness,
    coins: cfg.markets,
    onEvent: deps.onStrategyEvent,
    onError,
  });
  const strategyDriver = driver;

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


  let timer: ReturnType<typeof setInterval> | null = null;
  let catchUp: Promise<void> | null = null;
  let stopped = false;

  function tickOnce(): void {
    const now = clock();
    riskMonitor.post({ type: 'timer', at: now });
    try {
      strategyDriver.tick(now);
    } catch (e) {
      onError('strategy', e);
    }
    venueState.tick(now);
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
      cancelCounts: { ...executor.cancelCounts },
      loop: { ...loop.stats, postsInFlight: loop.postsInFlight },
      queue: scheduler.sizes,
      lastEvents: [...lastEvents],
      venueState: venueState.status(),
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
    driver: strategyDriver,
    venueState,

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
      strategyDriver.event({ type: 'order', at: u.time, coin: u.coin, oid: u.oid, ...(u.cloid ? { cloid: u.cloid } : {}), status: u.status, origSz: u.origSz, sz: u.sz });
    },
    /** clearinghouseState positions; required at start and after every reconnect before trading resumes */
    onPositions(s: PositionsSnapshot): void {
      // READY only once the snapshot is applied, not when it is merely queued
      tracker.post({
        type: 'positions',
        positions: s.positions,
        at: s.at,
        venueTime: s.venueTime,
        applied: (r) => {
          if (r.changes.length > 0) {
            venueState.noteResyncCorrection(r.changes.length);
            log.info('positions corrected from the venue snapshot', { changes: r.changes.map((c) => c.coin).join(','), reapplied: r.reapplied });
          }
          readiness.set('positionsSynced', true);
        },
      });
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
    onOpenOrders(s: { orders: VenueOpenOrder[]; at: number; asOf?: number }): void {
      tracker.post({ type: 'reconcile', open: s.orders, at: s.at, asOf: s.asOf, olderThanMs: cfg.executor.expiresAfterMs + 1_000, applied: (r) => venueState.onOpenOrders(r) });
    },
    /**
     * The venue's positions and open orders, fetched and applied now (a rebuilt hot path's first
     * state; the worker's venue sync calls this). Rejects when the venue cannot be asked, or
     * when no venueInfo port was given.
     */
    async resync(): Promise<void> {
      if (!venueState.reconciler) throw new Error('resync: no venueInfo/user given to createHotPath');
      await venueState.reconciler.syncNow();
      readiness.set('positionsSynced', true);
    },
    /**
     * #11 (chaos seed 5040): the restored counters know the newest fill they counted; a fill after
     * it that the previous process never heard (killed first) would never reach this monitor — a
     * new feed treats the fills snapshot of its first connection as history — and the loss budget
     * would be short of the venue's. The account's fills since then (less a lookback) go to the
     * RiskMonitor, which counts each (coin, tid) once. Gate 1 stays closed until that is done;
     * a venue that cannot be asked keeps it closed (retried every second).
     */
    catchUpRisk(): Promise<void> {
      const since = riskMonitor.newestFillAt();
      const info = deps.venueInfo;
      if (since === undefined || !info?.userFillsByTime || !deps.user) return Promise.resolve();
      const fetchFills = info.userFillsByTime.bind(info);
      const user = deps.user;
      readiness.set('riskCaughtUp', false);
      catchUp ??= (async () => {
        for (let attempt = 0; !stopped; attempt++) {
          try {
            const from = (riskMonitor.newestFillAt() ?? since) - RISK_CATCH_UP_LOOKBACK_MS;
            const fills = await fetchFills(user, from);
            for (const f of fills) riskMonitor.post({ type: 'filled', at: f.time, coin: f.coin, oid: f.oid, tid: f.tid, side: f.side, px: f.px, sz: f.sz, fee: f.fee, closedPnl: f.closedPnl, ...(f.cloid ? { cloid: f.cloid } : {}) });
            await new Promise<void>((r) => schedule(r));
            return;
          } catch (e) {
            if (attempt === 0 || attempt % 30 === 0) onError('riskCatchUp', e);
            await new Promise((r) => setTimeout(r, 1_000).unref?.());
          }
        }
      })().finally(() => {
        catchUp = null;
        readiness.set('riskCaughtUp', true);
      });
      return catchUp;
    },
    /** The session workflow's word for READY-TRADING. */
    setTradingAllowed(allowed: boolean): void {
      readiness.set('tradingAllowed', allowed);
    },
    hardStop,
    /** A market-scoped stop in memory: that market reduce-only, its queue purged, its open orders cancelled now. */
    haltMarket(coin: string, why: string): { purged: number; cancels: number } | null {
      const r = executor.onMarketReduceOnly(coin, why);
      if (r && r.cancels > 0) queueMicrotask(() => loop.tick());
      return r;
    },
    resumeMarket(coin: string): boolean {
      return executor.clearMarketReduceOnly(coin);
    },
    inFlightSettled,
    waitInFlightSettled,
    /** Submit one signal through the gates (replay/operator/testing). */
    submitSignal(sig: unknown): ExecutionResult {
      return executor.onSignal(sig);
    },
    /** Cancel one of our orders by cloid (the gateway, testing); never gated. */
    cancelOrder(input: unknown): CancelResult {
      return executor.onCancel(input);
    },
    tickOnce,
    start(): void {
      if (timer) return;
      timer = setInterval(tickOnce, cfg.executor.tickIntervalMs);
      timer.unref?.();
    },
    stop(): void {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
    },
    status,
  };
}

export function strategyFromConfig(cfg: SessionConfig): Strategy {
  const s = cfg.strategy;
  if (s.kind === 'demo') return new DemoStrategy(s);
  if (s.kind === 'module') return loadStrategyModule(s.module, s.params).create();
  if (s.kind === 'external') return new ExternalStrategy();
  const { items, errors } = loadReplayFile(s.file);
  const log = createLogger('replay');
  for (const e of errors) log.warn('bad line skipped', { file: s.file, line: e.line, error: e.message });
  return new ReplayStrategy(items, s.intervalMs);
}
