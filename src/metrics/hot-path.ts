/**
 * The hot path's metrics. Counters and gauges are read at scrape time from what the hot path
 * already keeps (status(), the tracker's orders, the latch, the venue client's socket stats), so
 * nothing on the order path calls into metrics. Latencies need a clock around the call: the
 * executor's onSignal, the executor loop's tick and the transport's post are wrapped on the
 * instances (the hot path's code is unchanged; a rebuilt hot path is wrapped when first seen).
 */
import { performance } from 'node:perf_hooks';
import type { HotPath } from '../executor/hot-path';
import type { OrderTransport } from '../executor/ports';
import { REJECT_REASONS, SKIP_REASONS } from '../risk/reasons';
import type { Registry } from './registry';

/** The session workflow's view, as the hot-path worker last saw it (SessionState's fields used here). */
export interface SessionView {
  phase: string;
  stopCount: number;
  hardStop?: { reason: string; source: string };
}

export interface SocketStatsSource {
  socketUp(): boolean;
  stats(): { ws: { reconnects: number } | null };
}

export const SESSION_PHASES_FOR_METRICS = ['STARTING', 'READY_TRADING', 'HARD_STOP', 'FLATTENING', 'STOPPED_FLAT', 'STOP_FAILED'] as const;

function resultOf(key: string): 'Accepted' | 'Rejected' | 'Skipped' {
  if ((REJECT_REASONS as readonly string[]).includes(key)) return 'Rejected';
  if ((SKIP_REASONS as readonly string[]).includes(key)) return 'Skipped';
  return 'Accepted';
}

function num(x: string | null | undefined): number {
  if (x === null || x === undefined) return NaN;
  const n = Number(x);
  return Number.isFinite(n) ? n : NaN;
}

export interface HotPathMetricsOptions {
  registry: Registry;
  sessionId: string;
  account: string;
  getHotPath: () => HotPath;
  getSession?: () => SessionView | null;
  venue?: SocketStatsSource;
}

export function registerHotPathMetrics(o: HotPathMetricsOptions): { instrument(hp: HotPath): void; instrumentTransport(t: OrderTransport): void } {
  const r = o.registry;
  const base = { session: o.sessionId };
  const L = ['session'] as const;
  const gates = r.counter('hlx_gate_results_total', 'signals through the pre-trade gates, by result and reason', ['session', 'result', 'reason']);
  const onSignal = r.histogram('hlx_on_signal_seconds', 'Executor.onSignal latency (parse + six gates + enqueue)', L);
  const tick = r.histogram('hlx_tick_seconds', 'executor loop tick latency (take a batch, pre-send guard, sign, hand to the transport)', L);
  const post = r.histogram('hlx_post_seconds', 'order/cancel action round trip to the venue, until its answer', ['session', 'outcome']);
  const posSize = r.gauge('hlx_position_size', 'signed position size per market (szi, in coins)', ['session', 'coin']);
  const posNotional = r.gauge('hlx_position_notional_usd', 'position + pending notional per market at its own mark, USD', ['session', 'coin']);
  const exposure = r.gauge('hlx_exposure_usd', 'total notional over all markets, USD', L);
  const pnl = r.gauge('hlx_pnl_usd', 'cumulative pnl of closed trades (net of fees), USD', L);
  const trades = r.counter('hlx_closed_trades_total', 'round trips closed', L);
  const losses = r.gauge('hlx_consecutive_losses', 'closed trades lost in a row', L);
  const socketUp = r.gauge('hlx_socket_up', '1 while the venue WebSocket is up', L);
  const reconnects = r.counter('hlx_socket_reconnects_total', 'WebSocket reconnects', L);
  const ready = r.gauge('hlx_ready', 'readiness flags of the hot path (1 = true)', ['session', 'flag']);
  const unknown = r.gauge('hlx_orders_unknown_outcome', 'orders whose post outcome is unknown (link lost in flight) until reconciled', L);
  const pending = r.gauge('hlx_orders_tracked', 'orders the tracker holds (queued, in flight, resting)', L);
  const posts = r.counter('hlx_posts_total', 'actions handed to the transport', L);
  const transportErrors = r.counter('hlx_transport_errors_total', 'actions whose post failed at the transport', L);
  const guardDropped = r.counter('hlx_pre_send_guard_dropped_total', 'new orders dropped by the pre-send guard (HardStop between accept and sign)', L);
  const latched = r.gauge('hlx_hardstop_latched', '1 once the hot path HardStop latch fired', L);
  const latchInfo = r.gauge('hlx_hardstop_info', 'the first HardStop of the hot path (value 1), by reason and source', ['session', 'reason', 'source']);
  const haltedMarkets = r.gauge('hlx_market_reduce_only', '1 for a market put in reduce-only by a market-scoped stop', ['session', 'coin']);
  const phase = r.gauge('hlx_session_phase', 'the session workflow phase (1 for the current one)', ['session', 'account', 'phase']);
  const stops = r.counter('hlx_stops_total', 'stop sequences the session started', L);

  r.addCollector(() => {
    const hp = o.getHotPath();
    const s = hp.status();
    for (const [k, n] of Object.entries(s.gateCounts)) gates.setCumulative({ ...base, result: resultOf(k), reason: k }, n);
    posSize.reset();
    for (const p of s.positions) posSize.set({ ...base, coin: p.coin }, num(p.szi));
    posNotional.reset();
    for (const [coin, usd] of Object.entries(s.exposure.perMarket)) posNotional.set({ ...base, coin }, num(usd));
    exposure.set(base, num(s.exposure.totalUsd));
    pnl.set(base, num(s.risk.pnlCumulativeUsd));
    trades.setCumulative(base, s.risk.closedTrades);
    losses.set(base, s.risk.consecutiveLosses);
    for (const [flag, v] of Object.entries(s.readiness)) ready.set({ ...base, flag }, v ? 1 : 0);
    ready.set({ ...base, flag: 'ready' }, s.ready ? 1 : 0);
    socketUp.set(base, o.venue ? (o.venue.socketUp() ? 1 : 0) : s.readiness.socketUp ? 1 : 0);
    const ws = o.venue?.stats().ws;
    if (ws) reconnects.setCumulative(base, ws.reconnects);
    else reconnects.inc(base, 0);
    unknown.set(base, hp.tracker.ordersPossiblyLive().filter((x) => x.state === 'unknown').length);
    pending.set(base, s.pendingOrders);
    posts.setCumulative(base, s.loop.posts);
    transportErrors.setCumulative(base, s.loop.transportErrors);
    guardDropped.setCumulative(base, s.loop.guardDropped);
    latched.set(base, s.hardStop ? 1 : 0);
    latchInfo.reset();
    if (s.hardStop) latchInfo.set({ ...base, reason: s.hardStop.reason, source: String(s.hardStop.source) }, 1);
    haltedMarkets.reset();
    for (const c of hp.config.markets) haltedMarkets.set({ ...base, coin: c }, hp.marketState.get(c)?.reduceOnlyBy ? 1 : 0);
    const sv = o.getSession?.();
    if (sv) {
      for (const ph of SESSION_PHASES_FOR_METRICS) phase.set({ ...base, account: o.account, phase: ph }, sv.phase === ph ? 1 : 0);
      stops.setCumulative(base, sv.stopCount);
    }
  });

  const seen = new WeakSet<object>();
  return {
    /** wraps onSignal and tick on this hot path's instances (idempotent) */
    instrument(hp: HotPath): void {
      if (seen.has(hp.executor)) return;
      seen.add(hp.executor);
      const ex = hp.executor;
      const origSignal = ex.onSignal.bind(ex);
      ex.onSignal = (input: unknown) => {
        const t0 = performance.now();
        try {
          return origSignal(input);
        } finally {
          onSignal.observe(base, (performance.now() - t0) / 1000);
        }
      };
      const loop = hp.loop;
      const origTick = loop.tick.bind(loop);
      loop.tick = () => {
        const t0 = performance.now();
        try {
          return origTick();
        } finally {
          tick.observe(base, (performance.now() - t0) / 1000);
        }
      };
    },
    /** wraps the transport's post (the venue client: every hot path rebuilt on it shares it) */
    instrumentTransport(t: OrderTransport): void {
      if (seen.has(t)) return;
      seen.add(t);
      const orig = t.post.bind(t);
      t.post = (req) => {
        const t0 = performance.now();
        const p = orig(req);
        p.then(
          () => post.observe({ ...base, outcome: 'ok' }, (performance.now() - t0) / 1000),
          () => post.observe({ ...base, outcome: 'error' }, (performance.now() - t0) / 1000),
        );
        return p;
      };
    },
  };
}
