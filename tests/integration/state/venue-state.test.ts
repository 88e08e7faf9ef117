/**
 * Issue #13 against the simulator, over real sockets (VenueClient, UserFeed, the production wire),
 * with fills carrying no cloid (`omitFillCloids`, as the venue's WsFill) in every test:
 *  - a fill landing between a reconnect snapshot and its delivery (`holdSnapshot`) is kept;
 *  - trading with cloid-less fills leaves no market pending and pairs every fill with its order;
 *  - open orders this session did not place are counted (or cancelled, per config) at start;
 *  - a tracker that disagrees with the venue is corrected by the drift alarm, which HardStops
 *    (StateDrift) beyond the threshold.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import * as actions from '../../../src/exchange/hyperliquid/actions';
import * as format from '../../../src/exchange/hyperliquid/format';
import { parseSessionConfig, type SessionConfig } from '../../../src/config/session';
import { createHotPath, type HotPath } from '../../../src/executor/hot-path';
import { createVenueWire } from '../../../src/executor/wire';
import type { Strategy } from '../../../src/strategy/strategy';
import type { VenueClient } from '../../../src/exchange/hyperliquid/venue-client';
import type { UserFeed } from '../../../src/exchange/hyperliquid/user-feed';
import { setLogSink } from '../../../src/util/log';
import { randomCloid, startHarness, type Harness, waitUntil } from '../transport/sim-harness';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));

const idle: Strategy = { name: 'idle', onTick: () => [] };
const norm = (ps: { coin: string; szi: string }[]) => ps.filter((p) => Number(p.szi) !== 0).map((p) => `${p.coin}:${Number(p.szi)}`).sort();

function config(h: Harness, edit: (raw: any) => void = () => {}): SessionConfig {
  const raw = parse(fs.readFileSync(path.join(__dirname, '../../../config/session.example.yaml'), 'utf8'));
  raw.account.address = h.user;
  raw.strategy.holdMs = 200;
  raw.strategy.cooldownMs = 200;
  raw.risk.maxConsecutiveLosses = 1_000;
  raw.risk.maxCumulativeLossUsd = '100000';
  raw.risk.rejectBurstCount = 1_000;
  raw.limits.maxNotionalPerMarketUsd = '1000';
  raw.limits.maxNotionalTotalUsd = '5000';
  edit(raw);
  return parseSessionConfig(raw);
}

interface Running {
  hp: HotPath;
  client: VenueClient;
  feed: UserFeed;
  hardStops: string[];
  stop(): void;
}

async function startHotPath(h: Harness, cfg: SessionConfig, strategy?: Strategy): Promise<Running> {
  const client = h.client({ ws: { backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 } } });
  await client.connect();
  const meta = await client.meta();
  const universe = meta.universe.map((u, asset) => ({ coin: u.name, asset, szDecimals: u.szDecimals }));
  const hardStops: string[] = [];
  const hp = createHotPath({
    config: cfg,
    markets: universe.filter((m) => cfg.markets.includes(m.coin)),
    universe,
    wire: createVenueWire({ ...actions, ...format }, h.signer, h.nonces, { isMainnet: false }),
    transport: client,
    venueInfo: client,
    user: h.user,
    strategy,
    hardStopPort: { signalHardStop: async (reason) => void hardStops.push(String(reason)) },
    alert: { alert: () => {} },
  });
  const feed = client.userFeed(
    h.user,
    {
      onFill: (f) => hp.onFill(f),
      onOrderUpdate: (u) => hp.onOrderUpdate(u),
      onPositions: (p) => hp.onPositions(p),
      onOpenOrders: (o) => hp.onOpenOrders(o),
      onSocketState: (s) => hp.onSocketState(s),
      onMark: (m) => hp.onMarkUpdate(m),
      onMids: (m) => hp.onMids(m),
    },
    { coins: cfg.markets },
  );
  hp.setTradingAllowed(true);
  hp.start();
  await waitUntil(() => hp.status().ready, 10_000, 'READY_TRADING');
  return {
    hp,
    client,
    feed,
    hardStops,
    stop() {
      hp.stop();
      feed.stop();
    },
  };
}

describe('hot-path state against the simulator (fills without cloid)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ tickMs: 100 });
    h.sim.admin.omitFillCloids(true);
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a fill between the reconnect snapshot and its delivery is kept; a second position is refused', async () => {
    h.sim.admin.freezePrices(true);
    const r = await startHotPath(h, config(h), idle);
    try {
      const mark = Number(r.hp.marketState.get('BTC')!.markPx);
      const bid = String(Math.round(mark * 0.995));
      const res = r.hp.submitSignal({ market: 'BTC', side: 'buy', size: '0.0002', limitPx: bid, tif: 'Gtc' });
      expect(res.status).toBe('Accepted');
      await waitUntil(() => h.sim.admin.state(h.user).openOrders.length === 1, 5_000, 'our bid rests');
      await waitUntil(() => r.hp.tracker.allOrders()[0]?.state === 'resting', 5_000, 'tracker sees it resting');

      // the race: the reconnect snapshot is computed flat, held; the bid fills; then it is delivered
      h.sim.admin.holdSnapshot(1, 10_000);
      h.sim.admin.dropSockets();
      await waitUntil(() => !r.client.socketUp(), 5_000, 'socket down');
      r.client.ws!.reconnectNow();
      await waitUntil(() => r.client.socketUp(), 5_000, 'socket up');
      await new Promise((res2) => setTimeout(res2, 300)); // the sync has asked for the snapshot by now
      h.sim.admin.setPrice('BTC', String(Math.round(mark * 0.99)));
      await waitUntil(() => h.sim.admin.state(h.user).positions.length === 1, 5_000, 'the bid filled at the venue');
      await waitUntil(() => r.hp.status().ready, 10_000, 'ready after the reconnect sync');
      await r.feed.settled();

      const truth = h.sim.admin.state(h.user);
      expect(norm(r.hp.status().positions)).toEqual(norm(truth.positions));
      expect(norm(truth.positions)).toEqual(['BTC:0.0002']);
      // the window was hit: the snapshot was older than the fill, which was re-applied on top of it
      expect(r.hp.tracker.bookStats.reapplied).toBeGreaterThanOrEqual(1);
      expect(r.hp.tracker.isMarketPending('BTC')).toBe(false);
      // has_position (or MaxPosition) refuses a second opening order
      r.hp.onMarkUpdate({ coin: 'BTC', markPx: String(Math.round(mark * 0.99)), at: Date.now() });
      const second = r.hp.submitSignal({ market: 'BTC', side: 'buy', size: '0.0002', limitPx: String(Math.round(mark * 0.99)), tif: 'Ioc' });
      expect(second).toEqual({ status: 'Skipped', reason: 'HasPosition' });
      expect(r.hardStops).toEqual([]);
    } finally {
      r.stop();
    }
  });

  it('an IOC whose answer and fill a silent socket dropped (no disconnect) is resolved and its fill fetched, long before the drift comparison', async () => {
    // found by `make chaos` seed 1002: frames lost on a socket that stays open were only ever
    // corrected by the drift comparison (30 s), and never reached the RiskMonitor
    h.sim.admin.freezePrices(true);
    const r = await startHotPath(h, config(h), idle);
    try {
      const mark = Number(r.hp.marketState.get('BTC')!.markPx);
      h.sim.admin.silence(1_500);
      const res = r.hp.submitSignal({ market: 'BTC', side: 'buy', size: '0.0002', limitPx: String(Math.round(mark * 1.01)), tif: 'Ioc' });
      expect(res.status).toBe('Accepted');
      await waitUntil(() => h.sim.admin.state(h.user).positions.length === 1, 5_000, 'the IOC filled at the venue');
      await waitUntil(() => norm(r.hp.status().positions).join() === 'BTC:0.0002', 15_000, 'the hot path holds what the venue holds');
      await waitUntil(() => r.hp.tracker.orderCount === 0, 5_000, 'the order ended');
      const st = r.hp.status();
      expect(st.venueState.fillBackfill?.fillsOffered).toBeGreaterThanOrEqual(1);
      expect(st.venueState.reconciler?.runs).toBe(0); // not the drift comparison
      expect(r.hp.tracker.stats.fillsNotSeen).toBe(0); // the fill reached its order…
      expect(st.pendingMarkets).toEqual([]);
      // …and the RiskMonitor: the fill (with its fee) is counted once
      const fee = h.sim.admin.state(h.user).fills.at(-1)!.fee;
      expect(r.hp.riskMonitor.snapshot().recentFills).toHaveLength(1);
      expect(Number(r.hp.riskMonitor.snapshot().pnlCumulativeUsd)).toBeCloseTo(-Number(fee), 6);
      expect(r.client.socketUp()).toBe(true);
      expect(r.hardStops).toEqual([]);
    } finally {
      r.stop();
    }
  });

  it('trades with cloid-less fills: every fill paired with its order, no market left pending, positions equal', async () => {
    const r = await startHotPath(h, config(h));
    try {
      await waitUntil(() => r.hp.status().risk.closedTrades >= 4, 20_000, 'round trips');
      r.hp.stop();
      await waitUntil(() => r.hp.status().loop.postsInFlight === 0, 5_000, 'posts settled');
      await waitUntil(() => r.hp.tracker.orderCount === 0, 5_000, 'no order left pending');
      const truth = h.sim.admin.state(h.user);
      expect(truth.fills.length).toBeGreaterThan(0);
      expect(truth.fills.every((f) => f.cloid !== undefined)).toBe(true); // the venue knows them…
      expect(r.hp.tracker.stats.unknownFills).toBe(0); // …and so does the hot path, without being told
      expect(r.hp.status().pendingMarkets).toEqual([]);
      expect(norm(r.hp.status().positions)).toEqual(norm(truth.positions));
      expect(r.hardStops).toEqual([]);
    } finally {
      r.stop();
    }
  });

  it.each(['count', 'cancel'] as const)('open orders left by a predecessor are adopted into the exposure (%s)', async (policy) => {
    h.sim.admin.freezePrices(true);
    // a crashed predecessor's resting bid: $970 of BTC, 1 % under the mark
    const meta = await (await h.client()).meta();
    const btc = meta.universe.findIndex((u) => u.name === 'BTC');
    const c0 = h.client();
    const mids = await c0.allMids();
    const bid = String(Math.round(Number(mids.BTC) * 0.99));
    const ans = await c0.post(h.orderBody([{ asset: btc, isBuy: true, px: bid, sz: '0.01', reduceOnly: false, tif: 'Gtc', cloid: randomCloid() }]));
    expect(JSON.stringify(ans)).toContain('resting');
    const r = await startHotPath(h, config(h, (raw) => (raw.reconcile = { foreignOrders: policy })), idle);
    try {
      if (policy === 'count') {
        await waitUntil(() => r.hp.tracker.foreign.size === 1, 5_000, 'foreign order counted');
        expect(r.hp.status().venueState.foreignAtStart).toBe(1);
        // $970 resting + a new $100 BTC order > the $1000 per-market limit
        const s = r.hp.submitSignal({ market: 'BTC', side: 'buy', size: '0.001', limitPx: mids.BTC, tif: 'Ioc' });
        expect(s).toEqual({ status: 'Rejected', reason: 'MaxPositionPerMarket' });
        expect(h.sim.admin.state(h.user).openOrders).toHaveLength(1);
      } else {
        await waitUntil(() => h.sim.admin.state(h.user).openOrders.length === 0, 5_000, 'foreign order cancelled at start');
        await waitUntil(() => r.hp.tracker.foreign.size === 0, 5_000, 'foreign exposure released');
        expect(r.hp.status().venueState.foreignCancelsQueued).toBe(1);
      }
    } finally {
      r.stop();
    }
  });

  it('the drift alarm corrects a tracker that disagrees with the venue, and HardStops beyond the threshold', async () => {
    const cfg = config(h, (raw) => (raw.reconcile = { intervalMs: 300, graceMs: 100, driftHardStopUsd: '50' }));
    const r = await startHotPath(h, cfg, idle);
    try {
      // a small phantom fill (the venue never made it): $19 of ETH → corrected, no stop
      r.hp.onFill({ coin: 'ETH', px: '3600', sz: '0.0053', side: 'B', tid: 990_001, oid: 990_001, fee: '0', closedPnl: '0', time: Date.now() + 1 });
      await waitUntil(() => r.hp.status().venueState.driftReports >= 1, 5_000, 'drift reported');
      await waitUntil(() => !r.hp.tracker.hasPosition('ETH'), 5_000, 'corrected from the venue');
      expect(r.hardStops).toEqual([]);
      expect(r.hp.status().venueState.lastDrift?.positions).toEqual([{ coin: 'ETH', ours: '0.0053', venue: '0' }]);
      // a large one: $970 of BTC the venue does not hold → HardStop(StateDrift)
      r.hp.onFill({ coin: 'BTC', px: '97000', sz: '0.01', side: 'B', tid: 990_002, oid: 990_002, fee: '0', closedPnl: '0', time: Date.now() + 1 });
      await waitUntil(() => r.hp.latch.isTriggered(), 5_000, 'HardStop');
      expect(r.hp.latch.record()?.reason).toBe('StateDrift');
      await waitUntil(() => r.hardStops.includes('StateDrift'), 5_000, 'signalled to the session');
      expect(r.hp.tracker.hasPosition('BTC')).toBe(false);
    } finally {
      r.stop();
    }
  });
});
