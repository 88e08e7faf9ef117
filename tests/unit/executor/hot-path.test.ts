import { parse } from 'yaml';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSessionConfig, type SessionConfig } from '../../../src/config/session';
import { createHotPath } from '../../../src/executor/hot-path';
import { FakeWire, MARKETS } from './harness';
import { FakeVenue } from './fake-venue';

function config(mut: (c: any) => void = () => {}): SessionConfig {
  const raw = parse(fs.readFileSync(path.join(__dirname, '../../../config/session.example.yaml'), 'utf8'));
  mut(raw);
  return parseSessionConfig(raw);
}

function boot(cfg = config()) {
  let now = 1_700_000_000_000;
  const venue = new FakeVenue();
  const signals: { reason: string; source: string }[] = [];
  const alerts: string[] = [];
  const wire = new FakeWire();
  const hp = createHotPath({
    config: cfg,
    markets: MARKETS.map(({ coin, asset, szDecimals }) => ({ coin, asset, szDecimals })),
    wire,
    transport: venue,
    hardStopPort: { signalHardStop: async (reason, source) => void signals.push({ reason, source }) },
    alert: { alert: (_l, m) => void alerts.push(m) },
    clock: () => now,
    cloidPrefix: '0123456789abcdef',
  });
  venue.onFill = (f) => hp.onFill(f);
  venue.clock = () => now;
  const marks = () => {
    for (const m of MARKETS) hp.onMarkUpdate({ coin: m.coin, markPx: m.mark, midPx: m.mark, at: now });
  };
  const run = async (ms: number, step = 20) => {
    for (let t = 0; t < ms; t += step) {
      now += step;
      marks();
      hp.tickOnce();
      await new Promise((r) => setImmediate(r));
    }
  };
  const ready = () => {
    hp.onSocketState({ up: true, at: now });
    hp.onPositions({ positions: [], at: now });
    marks();
    hp.setTradingAllowed(true);
  };
  return { hp, venue, wire, signals, alerts, run, ready, now: () => now };
}

describe('createHotPath with the demo strategy against an in-process venue', () => {
  test('not ready until socket, positions, marks and the workflow all say so', async () => {
    const b = boot();
    expect(b.hp.status().phase).toBe('NOT_READY');
    await b.run(1000);
    expect(b.venue.requests).toHaveLength(0);
    b.ready();
    expect(b.hp.status().readiness.positionsSynced).toBe(false); // queued, not yet applied
    await new Promise((r) => setImmediate(r));
    expect(b.hp.status()).toMatchObject({ phase: 'READY_TRADING', ready: true });
  });

  test('closes about 10 round trips in 30 s, every order action carries expiresAfter', async () => {
    // every round trip at this venue loses the spread crossed twice plus fees: allow the losing streak here
    const b = boot(config((c) => (c.risk.maxConsecutiveLosses = 100)));
    b.ready();
    await b.run(30_000);
    const st = b.hp.status();
    expect(st.risk.closedTrades).toBeGreaterThanOrEqual(8);
    expect(st.risk.closedTrades).toBeLessThanOrEqual(15);
    expect(st.gateCounts.Accepted).toBeGreaterThanOrEqual(2 * st.risk.closedTrades);
    for (const r of b.venue.requests) expect(r.expiresAfter).toBeGreaterThan(0);
    expect(st.risk.verdicts.map((v) => v.checkpoint)).toEqual(st.risk.closedTrades >= 10 ? [10] : []);
    expect(st.hardStop).toBeNull();
    expect(st.phase).toBe('READY_TRADING');
  });

  test('operator HardStop: latch, purge, workflow signalled once; only reduce-only orders afterwards', async () => {
    const b = boot();
    b.ready();
    await b.run(4000);
    const rec = b.hp.hardStop('Operator', 'cli', { note: 'test' });
    b.hp.hardStop('CumulativeLoss', 'cli');
    expect(rec.reason).toBe('Operator');
    expect(b.hp.latch.record()?.reason).toBe('Operator');
    await b.run(100);
    expect(b.signals).toEqual([
      { reason: 'Operator', source: 'cli' },
      { reason: 'CumulativeLoss', source: 'cli' },
    ]);
    expect(b.alerts[0]).toMatch(/HardStop: Operator/);
    const before = b.venue.requests.length;
    await b.run(20_000);
    const after = b.venue.requests.slice(before);
    for (const r of after) {
      const a = r.action as { type: string; orders?: { reduceOnly: boolean }[] };
      if (a.type === 'order') for (const o of a.orders ?? []) expect(o.reduceOnly).toBe(true);
    }
    expect(b.hp.submitSignal({ market: 'BTC', side: 'buy', size: '0.001', limitPx: '97000' })).toEqual({ status: 'Rejected', reason: 'HardStop' });
    expect(b.hp.status().phase).toBe('HARD_STOPPED');
    expect(b.hp.status().positions).toEqual([]); // the demo still closed what it held, reduce-only
  });

  test('the RiskMonitor stops the session on cumulative loss and signals the workflow', async () => {
    const b = boot(config((c) => (c.risk.maxCumulativeLossUsd = '1')));
    b.venue.pnlBias = -0.6;
    b.ready();
    await b.run(30_000);
    const st = b.hp.status();
    expect(st.phase).toBe('HARD_STOPPED');
    expect(st.hardStop).toMatchObject({ reason: 'CumulativeLoss', source: 'risk-monitor' });
    expect(b.signals).toEqual([{ reason: 'CumulativeLoss', source: 'risk-monitor' }]);
    expect(Number(st.risk.pnlCumulativeUsd)).toBeLessThanOrEqual(-1);
  });

  test('socket down: NotReady at once, HardStop(SocketDisconnected) after maxDisconnectMs', async () => {
    const b = boot();
    b.ready();
    await b.run(200);
    b.hp.onSocketState({ up: false, at: b.now() });
    expect(b.hp.submitSignal({ market: 'ETH', side: 'buy', size: '0.01', limitPx: '3600' })).toEqual({ status: 'Skipped', reason: 'NotReady' });
    await b.run(9_900);
    expect(b.hp.latch.isTriggered()).toBe(false);
    await b.run(200);
    expect(b.hp.status().hardStop?.reason).toBe('SocketDisconnected');
  });
});
