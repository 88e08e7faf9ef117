/**
 * The hot path's half of keeping its state equal to the venue's (issue #13), composed in one place
 * so hot-path.ts only calls `tick(now)`: the outcome resolver (orderStatus by cloid for orders
 * whose outcome is unknown), the orphan-fill / awaiting-fills sweep, the drift alarm
 * (Reconciler) and the foreign-order policy at start. Every venue call draws on one InfoBudget.
 *
 * Without a venue info port (unit tests of the gates alone) only the sweep runs: orders with an
 * unknown outcome then wait for an open-orders snapshot, as before.
 */
import type { SessionConfig } from '../config/session';
import { InfoBudget } from '../state/info-budget';
import type { OpenOrdersReport, OrderStatusAnswer, PositionTracker } from '../state/position-tracker';
import { OutcomeResolver } from '../state/outcome-resolver';
import { FillBackfill } from '../state/fill-backfill';
import type { FillInput } from './events';
import { Reconciler, type DriftReport, type VenueStateSource } from '../state/reconciler';
import { formatFixed, usdToNotional } from '../state/fixed';
import type { ForeignOrder } from '../state/foreign-orders';
import type { BatchScheduler } from './batch-scheduler';
import type { Logger } from '../util/log';

/** What the hot path asks the venue over HTTP (VenueClient provides it). */
export interface VenueInfoPort extends VenueStateSource {
  orderStatus(user: string, oidOrCloid: number | string): Promise<OrderStatusAnswer>;
  /** the account's fills since startTime (one page): fills the socket did not deliver (FillBackfill) */
  userFillsByTime?(user: string, startTime: number): Promise<FillInput[]>;
}

export interface VenueStateDeps {
  cfg: SessionConfig;
  tracker: PositionTracker;
  scheduler: BatchScheduler;
  clock: () => number;
  log: Logger;
  venueInfo?: VenueInfoPort;
  /** the account whose state is kept (vault or account address) */
  user?: string;
  /** HardStop(StateDrift) through the hot path's own trigger path */
  hardStop: (details: object) => void;
  alert: (level: 'info' | 'warn' | 'critical', message: string, details?: Record<string, unknown>) => void;
}

const SWEEP_MS = 250;

export function createVenueState(d: VenueStateDeps) {
  const rc = d.cfg.reconcile;
  const budget = new InfoBudget(rc.infoWeightPerMinute, d.clock());
  const olderThanMs = d.cfg.executor.expiresAfterMs + 1_000;
  const counters = { driftReports: 0, foreignAtStart: 0, foreignCancelsQueued: 0, foreignUncancellable: 0, resyncCorrections: 0 };
  let lastDrift: DriftReport | null = null;
  let nextSweep = 0;
  let openOrdersSnapshots = 0;

  const resolver =
    d.venueInfo && d.user
      ? new OutcomeResolver(d.tracker, d.venueInfo, d.user, {
          boundMs: rc.unknownOutcomeBoundMs,
          initialBackoffMs: rc.statusBackoffMs,
          maxBackoffMs: rc.statusMaxBackoffMs,
          clock: d.clock,
          budget,
          onPastBound: (o, e) =>
            d.log.error('order outcome still unknown past the bound: the venue cannot be asked; its market stays pending', {
              cloid: o.cloid,
              market: o.market,
              boundMs: rc.unknownOutcomeBoundMs,
              error: e instanceof Error ? e.message : String(e),
            }),
          onError: (o, e) => d.log.debug('orderStatus failed; retrying with backoff', { cloid: o.cloid, error: e instanceof Error ? e.message : String(e) }),
        })
      : null;

  const info = d.venueInfo;
  const backfill =
    info?.userFillsByTime && d.user
      ? new FillBackfill(
          d.tracker,
          { fillsSince: (user, start) => info.userFillsByTime!(user, start) },
          d.user,
          {
            graceMs: rc.graceMs,
            initialBackoffMs: rc.statusBackoffMs * 4,
            maxBackoffMs: rc.statusMaxBackoffMs,
            lookbackMs: 5_000,
            clock: d.clock,
            budget,
            onError: (o, e) => d.log.debug('userFillsByTime failed; retrying with backoff', { cloid: o.cloid, error: e instanceof Error ? e.message : String(e) }),
          },
        )
      : null;

  /**
   * Every open-orders snapshot applied (the feed's syncs, the reconciler's): the foreign-order
   * policy acts on the first one (start / rebuilt hot path); later foreign orders are counted.
   */
  function onOpenOrders(r: OpenOrdersReport): void {
    const first = openOrdersSnapshots++ === 0;
    if (r.unpriceable > 0) d.log.warn('open orders without coin/size cannot be counted as exposure', { rows: r.unpriceable });
    if (!first || r.foreignAdded.length === 0) return;
    counters.foreignAtStart += r.foreignAdded.length;
    const list = r.foreignAdded.map((f: ForeignOrder) => ({ oid: f.oid, coin: f.coin, sz: formatFixed(f.remFx), reduceOnly: f.reduceOnly, cloid: f.cloid }));
    if (rc.foreignOrders === 'cancel') {
      for (const f of r.foreignAdded) {
        if (f.rec.asset < 0) {
          counters.foreignUncancellable++;
          continue;
        }
        d.scheduler.enqueueCancelByOid({ asset: f.rec.asset, oid: f.oid, coin: f.coin });
        counters.foreignCancelsQueued++;
      }
    }
    d.alert('warn', `${list.length} open order(s) on the account this session did not place: ${rc.foreignOrders === 'cancel' ? 'cancelling' : 'counted as exposure'}`, {
      policy: rc.foreignOrders,
      orders: list,
    });
  }

  const reconciler =
    d.venueInfo && d.user
      ? new Reconciler({
          tracker: d.tracker,
          source: d.venueInfo,
          user: d.user,
          budget,
          clock: d.clock,
          intervalMs: rc.intervalMs,
          graceMs: rc.graceMs,
          driftHardStop: usdToNotional(rc.driftHardStopUsd),
          olderThanMs,
          onOpenOrders: (r) => onOpenOrders(r),
          onDrift: (r) => {
            counters.driftReports++;
            lastDrift = r;
            d.log.warn('state drift: the venue differs from the hot path; corrected from the venue', { ...r, driftNotional: undefined });
          },
          onDriftBeyondThreshold: (r) => {
            d.log.error('state drift beyond the threshold: HardStop(StateDrift)', { driftUsd: r.driftUsd, thresholdUsd: rc.driftHardStopUsd, unpriced: r.unpriced });
            d.hardStop({ driftUsd: r.driftUsd, thresholdUsd: rc.driftHardStopUsd, positions: r.positions, unpriced: r.unpriced, foreignAdded: r.foreignAdded });
          },
          onError: (where, e) => d.log.warn('reconciliation failed; next round later', { where, error: e instanceof Error ? e.message : String(e) }),
        })
      : null;

  return {
    budget,
    resolver,
    reconciler,
    /** hooks for the tracker (set before the first message) */
    onUnknown: resolver ? (o: Parameters<OutcomeResolver['watch']>[0]) => resolver.watch(o) : undefined,
    onAwaitingFills: backfill ? (o: Parameters<FillBackfill['watch']>[0]) => backfill.watch(o) : undefined,
    /** the open-orders report of a sync the feed drove (reconnect): the policy applies on the first */
    onOpenOrders,
    tick(now: number): void {
      resolver?.tick(now);
      backfill?.tick(now);
      reconciler?.tick(now);
      if (now >= nextSweep) {
        nextSweep = now + SWEEP_MS;
        d.tracker.post({ type: 'sweep', at: now, orphanWaitMs: rc.unknownOutcomeBoundMs, awaitFillsMs: rc.unknownOutcomeBoundMs });
      }
    },
    /** a reconnect/start snapshot corrected the tracker (expected after a gap; logged, not alarmed) */
    noteResyncCorrection(changes: number): void {
      counters.resyncCorrections += changes;
    },
    status() {
      return {
        ...counters,
        lastDrift: lastDrift ? { ...lastDrift, driftNotional: undefined } : null,
        resolver: resolver ? { ...resolver.stats, watching: resolver.size } : null,
        fillBackfill: backfill ? { ...backfill.stats, watching: backfill.size } : null,
        reconciler: reconciler ? { ...reconciler.stats } : null,
        infoBudget: { ...budget.stats },
        foreignOrders: d.tracker.foreign.size,
        orphanFills: d.tracker.orphanCount,
      };
    },
  };
}

export type VenueState = ReturnType<typeof createVenueState>;
