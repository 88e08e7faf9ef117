import { describeEvent, renderStatus, StatusView, summaryLine, type StatusSnapshot } from '../../../src/cli/status-view';
import { reportRows, renderReport } from '../../../src/cli/commands/report';
import { buildSnapshot } from '../../../src/cli/session-target';
import { parseFlags, IntFlag } from '../../../src/cli/operator-args';
import { CliError } from '../../../src/cli/errors';
import { z } from 'zod';
import type { SessionState } from '../../../workflows/messages';
import { initialState } from '../../../src/orchestration/session-machine';

const base: StatusSnapshot = {
  at: Date.UTC(2026, 0, 1, 12, 0, 0),
  sessionId: 'hlx-session-0xabc-demo',
  phase: 'READY_TRADING',
  hotPathPhase: 'READY_TRADING',
  positions: [
    { coin: 'BTC', szi: '0.00016' },
    { coin: 'ETH', szi: '0.0' },
  ],
  pnlUsd: '-0.12',
  closedTrades: 3,
  gateCounts: { Accepted: 4, PendingOrder: 7, NotReady: 0 },
  lastEvents: [{ at: Date.UTC(2026, 0, 1, 11, 59, 59), text: 'fill BTC buy 0.00016 @ 97000' }],
};

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns: 100, write: (s: string) => chunks.push(s) } };
}

describe('status view', () => {
  test('renders phase, open positions only, non-zero gate counters by reason, and the last events', () => {
    const text = renderStatus(base).join('\n');
    expect(text).toContain('phase READY_TRADING');
    expect(text).toContain('BTC      0.00016');
    expect(text).not.toMatch(/ETH\s+0\.0/);
    expect(text).toMatch(/PendingOrder\s+7/);
    expect(text).not.toContain('NotReady');
    expect(text).toContain('fill BTC buy 0.00016 @ 97000');
    expect(text).toContain('pnl -0.12 USD');
  });

  test('on a TTY it redraws in place: the second frame moves the cursor up over the first', () => {
    const s = sink(true);
    const v = new StatusView(s.out);
    v.update(base);
    const lines = renderStatus(base).length;
    v.update({ ...base, phase: 'HARD_STOP', hardStop: { reason: 'SlippageAnomaly', source: 'risk-monitor' } });
    expect(s.chunks[1].startsWith(`\u001b[${lines}F`)).toBe(true);
    expect(s.chunks[1]).toContain('HardStop SlippageAnomaly (risk-monitor)');
    v.close();
  });

  test('not a TTY: plain lines, no escape codes; a summary only when it changes, each event once', () => {
    const s = sink(false);
    const v = new StatusView(s.out);
    v.update(base);
    v.update(base);
    v.update({ ...base, phase: 'FLATTENING', lastEvents: [...base.lastEvents, { at: base.at, text: 'socket DOWN' }] });
    const out = s.chunks.join('');
    expect(out).not.toContain('\u001b[');
    expect(out.match(/fill BTC/g)).toHaveLength(1);
    expect(out.match(/ status /g)).toHaveLength(2);
    expect(out).toContain('phase=FLATTENING');
    expect(out).toContain('socket DOWN');
    expect(summaryLine(base)).toContain('positions=BTC:0.00016');
  });

  test('execution events in the operator’s words', () => {
    expect(describeEvent({ type: 'posted', at: 0, kind: 'cancel', nonce: 5, count: 3, cloids: [] })).toBe('posted 3 cancels (nonce 5)');
    expect(describeEvent({ type: 'socket', at: 0, up: false })).toBe('socket DOWN');
  });
});

const state = (over: Partial<SessionState>): SessionState => ({
  ...initialState({ sessionId: 's', account: '0xabc', strategyName: 'demo', markets: ['BTC'], hotPathTaskQueue: 'q' }, 0),
  phase: 'STOPPED_FLAT',
  ...over,
});

describe('report and snapshot', () => {
  test('the Go/No-Go table: reached checkpoints with figures and failed rules, the others "not reached"', () => {
    const s = state({
      goNoGo: 'NO_GO',
      checkpoints: [
        {
          checkpoint: 10,
          verdict: 'NO_GO',
          effectiveVerdict: 'NO_GO',
          at: 1,
          figures: { closedTrades: 10, meanEdgeBps: '-250', meanSlippageBps: '3', pnlCumulativeUsd: '-4' },
          failed: [{ rule: 'minMeanEdgeBps', actual: '-250', threshold: '-200' }],
        },
      ],
    });
    const rows = reportRows(s, [
      { trades: 10, minMeanEdgeBps: -200, maxMeanSlippageBps: 60, minPnlCumulativeUsd: '-10' },
      { trades: 50, minMeanEdgeBps: -100, maxMeanSlippageBps: 40, minPnlCumulativeUsd: '-15' },
    ]);
    expect(rows.map((r) => [r.checkpoint, r.verdict])).toEqual([
      [10, 'NO_GO'],
      [50, 'not reached'],
    ]);
    expect(rows[0].minMeanEdgeBps).toBe(-200);
    const table = renderReport(rows);
    expect(table).toContain('minMeanEdgeBps -250 vs -200');
    expect(table.split('\n')).toHaveLength(4);
  });

  test('the snapshot says when the hot path is not alive and takes positions from the workflow', () => {
    const snap = buildSnapshot('s', state({ positions: [{ coin: 'BTC', szi: '-0.5' }], hardStop: { reason: 'Operator', source: 'cli', at: 5 } }), null);
    expect(snap.phase).toBe('STOPPED_FLAT');
    expect(snap.positions).toEqual([{ coin: 'BTC', szi: '-0.5' }]);
    expect(snap.notes?.join(' ')).toContain('hot-path worker not running');
    expect(snap.lastEvents.map((e) => e.text)).toContain('HardStop Operator from cli');
  });
});

describe('operator flags', () => {
  const schema = z.object({ reason: z.string({ message: 'required' }).min(1), timeoutMs: IntFlag().optional() });
  const flags = { reason: { type: 'string' as const }, 'timeout-ms': { type: 'string' as const } };
  test('values are validated by zod and errors name the flag (exit 2)', () => {
    expect(parseFlags(['--reason', 'x', '--timeout-ms', '500'], flags, schema, 'usage')).toEqual({ reason: 'x', timeoutMs: 500 });
    const bad = () => parseFlags(['--timeout-ms', 'soon', '--reason', 'x'], flags, schema, 'usage');
    expect(bad).toThrow(CliError);
    expect(bad).toThrow(/^--timeout-ms: expected a whole number/);
    expect(() => parseFlags([], flags, schema, 'usage')).toThrow(/^--reason: required/);
    expect(() => parseFlags(['--nope'], flags, schema, 'usage')).toThrow(/Unknown option '--nope'/);
    try {
      parseFlags([], flags, schema, 'usage');
    } catch (e) {
      expect((e as CliError).exitCode).toBe(2);
    }
  });
});

test('display figures are cut, not rounded through floats', async () => {
  const { shortDecimal } = await import('../../../src/cli/status-view');
  expect(shortDecimal('0.5156552947485664782805989851903799348212')).toBe('0.51');
  expect(shortDecimal('-12.3')).toBe('-12.3');
  expect(shortDecimal('-0.052013', 4)).toBe('-0.0520');
  expect(shortDecimal(null)).toBe('?');
});
