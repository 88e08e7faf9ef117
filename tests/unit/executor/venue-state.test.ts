/** hot-path resync() (what the worker calls for a rebuilt hot path) and the foreign-order policy. */
import { parse } from 'yaml';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSessionConfig } from '../../../src/config/session';
import { createHotPath } from '../../../src/executor/hot-path';
import { setLogSink } from '../../../src/util/log';
import { FakeWire, MARKETS } from './harness';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));

function build(policy: 'count' | 'cancel') {
  const raw = parse(fs.readFileSync(path.join(__dirname, '../../../config/session.example.yaml'), 'utf8'));
  raw.reconcile = { foreignOrders: policy };
  const cfg = parseSessionConfig(raw);
  const now = 1_700_000_000_000;
  const alerts: string[] = [];
  const venue = {
    async openOrders() {
      return [{ oid: 77, coin: 'DOGE', side: 'B' as const, limitPx: '0.1', sz: '100', cloid: null, timestamp: now - 60_000 }];
    },
    async clearinghouseState() {
      return { assetPositions: [{ position: { coin: 'ETH', szi: '-0.02' } }, { position: { coin: 'DOGE', szi: '500' } }], time: now };
    },
    async orderStatus() {
      return { status: 'unknownOid' as const };
    },
  };
  const hp = createHotPath({
    config: cfg,
    markets: MARKETS.map(({ coin, asset, szDecimals }) => ({ coin, asset, szDecimals })),
    universe: [...MARKETS.map(({ coin, asset, szDecimals }) => ({ coin, asset, szDecimals })), { coin: 'DOGE', asset: 7, szDecimals: 0 }],
    wire: new FakeWire(),
    transport: { post: () => new Promise(() => {}) },
    venueInfo: venue,
    user: '0x14791697260e4c9a71f18484c9f997b308e59325',
    hardStopPort: { signalHardStop: async () => {} },
    alert: { alert: (_l, m) => void alerts.push(m) },
    clock: () => now,
    cloidPrefix: '0123456789abcdef',
  });
  return { hp, alerts };
}

test.each(['count', 'cancel'] as const)('resync() applies the venue positions and open orders; foreign orders at start: %s', async (policy) => {
  const { hp, alerts } = build(policy);
  expect(hp.readiness.positionsSynced).toBe(false);
  await hp.resync();
  expect(hp.readiness.positionsSynced).toBe(true);
  expect(hp.tracker.allPositions()).toEqual([{ coin: 'ETH', szi: '-0.02' }, { coin: 'DOGE', szi: '500' }]);
  expect(hp.tracker.foreign.size).toBe(1);
  expect(alerts).toEqual([expect.stringContaining(policy === 'cancel' ? 'cancelling' : 'counted as exposure')]);
  expect(hp.status().venueState.foreignAtStart).toBe(1);
  // cancel: a cancel by oid for the foreign order, in the untraded market's asset
  expect(hp.scheduler.sizes.cancels).toBe(policy === 'cancel' ? 1 : 0);
  if (policy === 'cancel') expect(hp.scheduler.tick()).toEqual({ kind: 'cancel', cancels: [{ asset: 7, oid: 77, coin: 'DOGE' }] });
});
