import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadSessionConfig, parseSessionConfig, SessionConfigError } from '../../../src/config/session';

const EXAMPLE = path.join(__dirname, '../../../config/session.example.yaml');
const example = () => parse(fs.readFileSync(EXAMPLE, 'utf8'));

function writeTmp(text: string): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-cfg-')), 'session.yaml');
  fs.writeFileSync(f, text);
  return f;
}

describe('session config', () => {
  test('the example loads, with defaults filled in', () => {
    const c = loadSessionConfig(EXAMPLE);
    expect(c.venue.network).toBe('sim');
    expect(c.markets).toEqual(['BTC', 'ETH', 'SOL']);
    expect(c.limits.maxNotionalPerMarketUsd).toBe('100');
    expect(c.goNoGo.checkpoints.map((r) => r.trades)).toEqual([10, 50, 100]);
    expect(c.executor.expiresAfterMs).toBe(5000);
  });

  test.each([
    ['limits.maxNotionalPerMarketUsd', (c: any) => (c.limits.maxNotionalPerMarketUsd = 100)],
    ['limits.maxNotionalTotalUsd', (c: any) => (c.limits.maxNotionalTotalUsd = '1e3')],
    ['risk.maxConsecutiveLosses', (c: any) => (c.risk.maxConsecutiveLosses = 0)],
    ['risk.maxCumulativeLossUsd', (c: any) => delete c.risk.maxCumulativeLossUsd],
    ['executor.maxOrdersPerAction', (c: any) => (c.executor.maxOrdersPerAction = 41)],
    ['executor.maxCancelsPerAction', (c: any) => (c.executor.maxCancelsPerAction = 201)],
    ['venue.network', (c: any) => (c.venue.network = 'devnet')],
    ['account.address', (c: any) => (c.account.address = '0x123')],
    ['goNoGo.checkpoints', (c: any) => c.goNoGo.checkpoints.reverse()],
    ['goNoGo.checkpoints.0.minPnlCumulativeUsd', (c: any) => (c.goNoGo.checkpoints[0].minPnlCumulativeUsd = 'minus five')],
    ['strategy.orderNotionalUsd', (c: any) => (c.strategy.orderNotionalUsd = 15)],
    ['markets', (c: any) => (c.markets = ['BTC', 'BTC'])],
    ['limits.surprise', (c: any) => (c.limits.surprise = 1)],
    ['limits.priceBandBps', (c: any) => (c.limits.priceBandBps = -5)],
    ['limits.maxOrderSize.BTC', (c: any) => (c.limits.maxOrderSize = { BTC: 'lots' })],
    ['limits.maxOrderNotionalUsd', (c: any) => (c.limits.maxOrderNotionalUsd = 50)],
    ['limits.maxOpenOrdersPerMarket', (c: any) => (c.limits.maxOpenOrdersPerMarket = 0)],
    ['reconcile.unknownOutcomeBoundMs', (c: any) => (c.reconcile = { unknownOutcomeBoundMs: 1_000 })],
    ['reconcile.foreignOrders', (c: any) => (c.reconcile = { foreignOrders: 'ignore' })],
    ['reconcile.driftHardStopUsd', (c: any) => (c.reconcile = { driftHardStopUsd: '-1' })],
  ])('a bad %s is an error naming that field', (field, mutate) => {
    const c = example();
    mutate(c);
    expect(() => parseSessionConfig(c, 'session.yaml')).toThrow(SessionConfigError);
    try {
      parseSessionConfig(c, 'session.yaml');
    } catch (e) {
      expect((e as Error).message).toContain(`session.yaml: `);
      expect((e as Error).message).toContain(field.endsWith('surprise') ? 'limits' : field);
    }
  });

  test('a missing file and bad YAML are one-line errors naming the file', () => {
    expect(() => loadSessionConfig('/nonexistent/session.yaml')).toThrow(/\/nonexistent\/session.yaml: cannot read: ENOENT/);
    const f = writeTmp('limits: [unclosed');
    expect(() => loadSessionConfig(f)).toThrow(/not valid YAML/);
  });

  test('the signer is an env var name or a keystore, never a key', () => {
    const c = example();
    c.signer = { privateKey: '0x' + 'ab'.repeat(32) };
    expect(() => parseSessionConfig(c)).toThrow(/signer/);
    c.signer = { keystore: 'k.json', passwordEnv: 'HL_PW' };
    expect(parseSessionConfig(c).signer).toEqual({ keystore: 'k.json', passwordEnv: 'HL_PW' });
  });
});
