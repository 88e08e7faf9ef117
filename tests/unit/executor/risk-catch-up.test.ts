/**
 * #11, found by `make chaos` seed 5040: a hot path restored from its predecessor's risk counters
 * counts the account's fills since the newest one those counted, before gate 1 opens. Fills the
 * killed predecessor never heard reach the loss budget; fills it did count are not counted twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseSessionConfig } from '../../../src/config/session';
import type { FillInput } from '../../../src/executor/events';
import { createHotPath } from '../../../src/executor/hot-path';
import type { RiskSnapshot } from '../../../src/risk/risk-snapshot';
import { setLogSink } from '../../../src/util/log';
import { FakeWire, MARKETS } from './harness';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));

const T = 1_700_000_000_000;
const fill = (tid: number, time: number, fee: string, closedPnl = '0'): FillInput => ({ coin: 'BTC', px: '97000', sz: '0.0001', side: 'B', tid, oid: tid, cloid: null, fee, closedPnl, time });

function build(history: () => Promise<FillInput[]>, maxLossUsd = '1') {
  const raw = parse(fs.readFileSync(path.join(__dirname, '../../../config/session.example.yaml'), 'utf8'));
  raw.risk.maxCumulativeLossUsd = maxLossUsd;
  const cfg = parseSessionConfig(raw);
  const hardStops: string[] = [];
  const asked: number[] = [];
  const hp = createHotPath({
    config: cfg,
    markets: MARKETS.map(({ coin, asset, szDecimals }) => ({ coin, asset, szDecimals })),
    wire: new FakeWire(),
    transport: { post: () => new Promise(() => {}) },
    venueInfo: {
      openOrders: async () => [],
      clearinghouseState: async () => ({ assetPositions: [], time: T }),
      orderStatus: async () => ({ status: 'unknownOid' as const }),
      userFillsByTime: async (_u: string, start: number) => (asked.push(start), history()),
    },
    user: '0x14791697260e4c9a71f18484c9f997b308e59325',
    hardStopPort: { signalHardStop: async (reason) => void hardStops.push(String(reason)) },
    alert: { alert: () => {} },
    clock: () => T + 60_000,
    cloidPrefix: '0123456789abcdef',
  });
  return { hp, hardStops, asked };
}

/** what the killed predecessor had checkpointed: two fills counted, the newest at T + 1000 */
const restored: RiskSnapshot = {
  v: 1,
  seq: 7,
  pnlCumulativeUsd: '-0.5',
  consecutiveLosses: 0,
  closedTrades: 0,
  trades: [],
  fillSlippageBps: [],
  verdicts: [],
  recentFills: ['BTC:1', 'BTC:2'],
  recentTrades: [],
  streakResets: 0,
  lastFillAt: T + 1_000,
};

test('fills after the newest one counted are counted before gate 1 opens; counted ones are not counted again', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  // the venue's history from the lookback on: a fill already counted (tid 2) and two never heard
  const { hp, asked } = build(async () => (await gate, [fill(2, T + 1_000, '0.25'), fill(3, T + 2_000, '0.1'), fill(4, T + 3_000, '0.05', '-0.05')]));
  expect(hp.riskMonitor.restore(restored)).toBe(true);
  const done = hp.catchUpRisk();
  expect(hp.readiness.riskCaughtUp).toBe(false);
  expect(hp.readiness.ready).toBe(false);
  expect(asked).toEqual([T + 1_000 - 5_000]);
  release();
  await done;
  expect(hp.readiness.riskCaughtUp).toBe(true);
  // −0.5 − 0.1 − (0.05 + 0.05): tid 2 was in the restored counters already
  expect(hp.riskMonitor.snapshot().pnlCumulativeUsd).toBe('-0.7');
  expect(hp.riskMonitor.snapshot().lastFillAt).toBe(T + 3_000);
});

test('fills the predecessor never heard that take the session past its loss limit stop it before it trades', async () => {
  const { hp, hardStops } = build(async () => [fill(3, T + 2_000, '0.6')]);
  hp.riskMonitor.restore(restored);
  await hp.catchUpRisk();
  expect(hp.latch.isTriggered()).toBe(true);
  expect(hp.latch.record()).toMatchObject({ reason: 'CumulativeLoss' });
  await new Promise((r) => setTimeout(r, 0));
  expect(hardStops).toContain('CumulativeLoss');
});

test('a venue that cannot be asked keeps gate 1 closed; nothing to catch up for a session that never filled', async () => {
  let fail = true;
  const { hp, asked } = build(async () => {
    if (fail) throw new Error('429');
    return [];
  });
  hp.riskMonitor.restore(restored);
  const done = hp.catchUpRisk();
  await new Promise((r) => setTimeout(r, 50));
  expect(hp.readiness.riskCaughtUp).toBe(false);
  fail = false;
  await done;
  expect(asked.length).toBe(2);
  expect(hp.readiness.riskCaughtUp).toBe(true);

  const fresh = build(async () => []);
  await fresh.hp.catchUpRisk();
  expect(fresh.asked).toEqual([]);
  expect(fresh.hp.readiness.riskCaughtUp).toBe(true);
});
