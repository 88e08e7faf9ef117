import * as fs from 'node:fs';
import * as path from 'node:path';
import { actualEdgeBps, evaluateGoNoGo, evaluateRule, slippageBps, type ClosedTrade, type GoNoGoRule } from '../../../src/risk/go-no-go';

const TABLE: GoNoGoRule[] = [
  { trades: 10, minMeanEdgeBps: -20, maxMeanSlippageBps: 10, minPnlCumulativeUsd: '-5' },
  { trades: 50, minMeanEdgeBps: 0, maxMeanSlippageBps: 5, minPnlCumulativeUsd: '0' },
  { trades: 100, minMeanEdgeBps: 2, maxMeanSlippageBps: 3, minPnlCumulativeUsd: '10' },
];

const trades = (n: number, pnl: string, fees = '0', entry = '100'): ClosedTrade[] =>
  Array.from({ length: n }, (_, i) => ({ tradeId: `t${i}`, entryNotionalUsd: entry, realizedPnlUsd: pnl, feesUsd: fees }));

describe('SPEC §6 figures', () => {
  test.each([
    // realised, fees, entry, expected edge bps
    ['1', '0', '100', '100'],
    ['1', '0.5', '100', '50'],
    ['-0.2', '0.05', '50', '-50'],
    ['0', '0', '0', '0'],
  ])('actual_edge_bps(realised %s, fees %s, entry %s) = %s', (r, f, e, want) => {
    expect(actualEdgeBps({ tradeId: 'x', realizedPnlUsd: r, feesUsd: f, entryNotionalUsd: e })).toBe(want);
  });
  test.each([
    ['B', '100.1', '100', '10'],
    ['B', '99.9', '100', '-10'],
    ['A', '99.9', '100', '10'],
    ['A', '100.1', '100', '-10'],
  ] as const)('slippage_bps(%s, fill %s, intended %s) = %s (positive = worse)', (side, px, intended, want) => {
    expect(slippageBps(side, px, intended)).toBe(want);
  });
});

describe('evaluateGoNoGo: one rule table, verdicts only at checkpoints', () => {
  test.each([
    // n, pnl per trade, fees, slippages, verdict, failed rules
    [9, '0.1', '0', ['0'], null, []],
    [10, '0.1', '0', ['0'], 'GO', []],
    [10, '-0.3', '0', ['0'], 'NO_GO', ['minMeanEdgeBps']], // −30 bps < −20
    [10, '-0.2', '0', ['0'], 'GO', []], // −20 bps = threshold, pnl −2 ≥ −5
    [10, '0', '0', ['12', '8', '11'], 'NO_GO', ['maxMeanSlippageBps']], // mean 10.33 > 10
    [50, '0.01', '0.01', ['5'], 'GO', []], // edge 0 ≥ 0, slippage 5 ≤ 5, pnl 0 ≥ 0
    [50, '0.01', '0.011', ['1'], 'NO_GO', ['minMeanEdgeBps', 'minPnlCumulativeUsd']],
    [100, '0.1', '0', ['2'], 'GO', []], // edge 10, pnl 10
    [100, '0.05', '0', ['4'], 'NO_GO', ['maxMeanSlippageBps', 'minPnlCumulativeUsd']], // pnl 5 < 10
    [101, '-5', '0', ['99'], null, []],
  ] as const)('%i trades of pnl %s fees %s, slippages %j → %s %j', (n, pnl, fees, slips, verdict, failed) => {
    const v = evaluateGoNoGo({ trades: trades(n, pnl, fees), fillSlippageBps: slips }, TABLE);
    if (verdict === null) return expect(v).toBeNull();
    expect(v?.verdict).toBe(verdict);
    expect(v?.checkpoint).toBe(n);
    expect(v?.failed.map((f) => f.rule)).toEqual(failed);
  });

  test('the RiskMonitor\'s own pnl_cumulative (over every fill) is used when given', () => {
    const rec = { trades: trades(10, '-0.1', '0.05', '1000'), fillSlippageBps: [] }; // edge −1.5 bps, Σ −1.5
    expect(evaluateGoNoGo(rec, TABLE)?.verdict).toBe('GO');
    const v = evaluateGoNoGo({ ...rec, pnlCumulativeUsd: '-5.01' }, TABLE);
    expect(v?.verdict).toBe('NO_GO');
    expect(v?.failed).toEqual([{ rule: 'minPnlCumulativeUsd', actual: '-5.01', threshold: '-5' }]);
  });

  test('pnl_cumulative defaults to Σ (closed pnl − fees) over the trades', () => {
    const v = evaluateRule({ trades: trades(10, '0.3', '0.1'), fillSlippageBps: [] }, TABLE[0]);
    expect(v.figures).toEqual({ closedTrades: 10, meanEdgeBps: '20', meanSlippageBps: '0', pnlCumulativeUsd: '2' });
  });

  test('deterministic: same record, same verdict', () => {
    const rec = { trades: trades(50, '-0.013', '0.002'), fillSlippageBps: ['1.5', '2.25'] };
    expect(evaluateGoNoGo(rec, TABLE)).toEqual(evaluateGoNoGo(rec, TABLE));
  });

  test('the module is pure: it imports nothing but decimal.js (a workflow bundle can load it)', () => {
    for (const f of ['go-no-go.ts', 'reasons.ts', 'execution-events.ts']) {
      const src = fs.readFileSync(path.join(__dirname, '../../../src/risk', f), 'utf8');
      const imports = [...src.matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1]);
      expect(imports.filter((i) => i !== 'decimal.js')).toEqual([]);
      expect(src).not.toMatch(/\b(Date\.now|Math\.random|process\.|require\()/);
    }
  });
});
