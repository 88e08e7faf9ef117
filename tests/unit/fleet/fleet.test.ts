import { initialState } from '../../../src/orchestration/session-machine';
import { sessionsQuery, normalizeAccount } from '../../../src/fleet/queries';
import { fleetRow, renderFleet, renderStopProgress } from '../../../src/fleet/table';
import {
  haltedMarkets,
  marketResumeRejection,
  marketView,
  onMarketHardStop,
  onMarketResume,
  onMarketStopFinished,
  syncMarketHalts,
} from '../../../src/orchestration/market-stop';
import type { MarketStopResult, SessionState } from '../../../workflows/messages';

const A = '0x' + 'ab'.repeat(20);
function state(over: Partial<SessionState> = {}): SessionState {
  return {
    ...initialState({ account: A, strategyName: 's', sessionId: `hlx-session-${A}-s`, markets: ['BTC', 'ETH', 'SOL'], hotPathTaskQueue: 'q' }, 0),
    phase: 'READY_TRADING',
    ...over,
  };
}

describe('fleet scopes as visibility queries', () => {
  test('running sessions, by account (lower-cased), by phase', () => {
    expect(sessionsQuery()).toBe("WorkflowType = 'tradingSession' AND ExecutionStatus = 'Running'");
    expect(sessionsQuery({ account: A.toUpperCase().replace('0X', '0x') })).toBe(`WorkflowType = 'tradingSession' AND ExecutionStatus = 'Running' AND TradingAccount = '${A}'`);
    expect(sessionsQuery({ phases: ['STOP_FAILED'], includeClosed: true })).toBe("WorkflowType = 'tradingSession' AND TradingPhase IN ('STOP_FAILED')");
  });
  test('nothing but an address or a phase name reaches the query (no injection)', () => {
    expect(() => normalizeAccount("0x' OR 1=1")).toThrow(/not a 0x address/);
    expect(() => sessionsQuery({ phases: ["X') OR ('1"] })).toThrow(/not a session phase/);
  });
});

describe('fleet table', () => {
  const fs = { sessionId: 'hlx-session-a-s', runId: 'r', account: A, phase: 'READY_TRADING', status: 'RUNNING', historyLength: 10, startTime: new Date(0) };
  test('pnl from the hot path when it runs here, else the last checkpoint; flat positions hidden; last HardStop', () => {
    const st = state({ positions: [{ coin: 'BTC', szi: '0.0' }, { coin: 'ETH', szi: '-0.1' }], hardStop: { reason: 'SlippageAnomaly', source: 'risk-monitor', at: Date.UTC(2026, 0, 1, 12, 0, 0) }, phase: 'FLATTENING' });
    const r = fleetRow(fs, st, null);
    expect(r).toMatchObject({ phase: 'FLATTENING', positions: [{ coin: 'ETH', szi: '-0.1' }], lastHardStop: { reason: 'SlippageAnomaly' }, reachable: true });
    expect(r.pnlUsd).toBeUndefined();
    expect(fleetRow(fs, st, { pnlUsd: '-1.5', positions: [] })).toMatchObject({ pnlUsd: '-1.5', pnlFrom: 'hot path', positions: [] });
    const lines = renderFleet([r, fleetRow({ ...fs, sessionId: 'other' }, null, null)], Date.UTC(2026, 0, 1, 12, 0, 1));
    expect(lines[0]).toBe('hl-executor fleet  12:00:01  2 session(s): 1 FLATTENING, 1 READY_TRADING');
    expect(lines[2]).toMatch(/^SESSION\s+ACCOUNT\s+PHASE\s+POSITIONS\s+PNL USD\s+LAST HARDSTOP$/);
    expect(lines[3]).toMatch(/hlx-session-a-s\s+0xabab…abab\s+FLATTENING\s+ETH -0.1\s+-\s+SlippageAnomaly \(risk-monitor\) 12:00:00/);
    expect(lines[4]).toMatch(/other\s+0xabab…abab\s+READY_TRADING \(no answer\)\s+flat/);
    expect(renderFleet([], 0)).toContain('(no running session in this scope)');
  });
  test('stop progress: flat count and failures in the title', () => {
    const rows = [fleetRow(fs, state({ phase: 'STOPPED_FLAT', stepsDone: ['alerted: STOPPED_FLAT'] }), null), fleetRow({ ...fs, sessionId: 'b' }, state({ phase: 'STOP_FAILED' }), null)];
    const lines = renderStopProgress(rows, 0, 'hardstop --all');
    expect(lines[0]).toBe('hardstop --all  00:00:00  1/2 flat, 1 STOP FAILED');
    expect(lines[2]).toMatch(/STOPPED_FLAT\s+flat\s+alerted: STOPPED_FLAT/);
  });
});

describe('market-scoped stop decisions', () => {
  const flat: MarketStopResult = { outcome: 'STOPPED_FLAT', attempts: 1, latch: 'engaged', cancelled: 1, ordersSent: 1, remaining: [], openOrdersLeft: 0, steps: [], flatConfirmedAt: 5 };
  test('a market of the session starts one stop; the same market again, an unknown market or a stopping session do not', () => {
    const d = onMarketHardStop(state(), { coin: 'SOL', reason: 'Operator', source: 'cli' }, 1);
    expect(d.start).toMatchObject({ coin: 'SOL', n: 1, workflowId: `hlx-session-${A}-s-market-SOL-1` });
    expect(haltedMarkets(d.state).map((m) => m.coin)).toEqual(['SOL']);
    const again = onMarketHardStop(d.state, { coin: 'SOL', reason: 'Operator', source: 'cli' }, 2);
    expect(again.start).toBeNull();
    expect(again.state.stepsDone.at(-1)).toMatch(/already reduce-only/);
    expect(onMarketHardStop(state(), { coin: 'DOGE', reason: 'x', source: 'y' }, 1).start).toBeNull();
    expect(onMarketHardStop(state({ phase: 'FLATTENING' }), { coin: 'SOL', reason: 'x', source: 'y' }, 1).start).toBeNull();
    // another market may be stopped beside it
    expect(onMarketHardStop(d.state, { coin: 'BTC', reason: 'x', source: 'y' }, 3).start).toMatchObject({ coin: 'BTC', n: 2 });
  });
  test('resume only after the market stopped flat, with a note; then the market is free', () => {
    const s1 = onMarketHardStop(state(), { coin: 'SOL', reason: 'Operator', source: 'cli' }, 1).state;
    expect(marketResumeRejection(s1, { coin: 'SOL', note: 'ok' })).toMatch(/still running/);
    expect(marketResumeRejection(s1, { coin: 'BTC', note: 'ok' })).toMatch(/not reduce-only/);
    const failed = onMarketStopFinished(s1, 1, { ...flat, outcome: 'STOP_FAILED', remaining: [{ coin: 'SOL', szi: '1' }] }, 4);
    expect(marketResumeRejection(failed, { coin: 'SOL', note: 'ok' })).toMatch(/ended STOP_FAILED/);
    const s2 = onMarketStopFinished(s1, 1, flat, 4);
    expect(marketResumeRejection(s2, { coin: 'SOL', note: ' ' })).toMatch(/note/);
    const s3 = onMarketResume(s2, { coin: 'SOL', note: 'feed fixed' }, 6);
    expect(haltedMarkets(s3)).toEqual([]);
    expect(s3.marketStops![0]).toMatchObject({ outcome: 'STOPPED_FLAT', resumedAt: 6, resumeNote: 'feed fixed', flatConfirmedAt: 5 });
    expect(() => onMarketResume(s3, { coin: 'SOL', note: 'x' }, 7)).toThrow(/not reduce-only/);
  });
  test('the venue narrowed to one market; the hot path follows the session', () => {
    expect(marketView({ positions: [{ coin: 'SOL', szi: '2' }, { coin: 'BTC', szi: '1' }, { coin: 'ETH', szi: '0' }], openOrders: [{ coin: 'SOL', oid: 1 }, { coin: 'BTC', oid: 2 }] }, 'SOL')).toEqual({
      positions: [{ coin: 'SOL', szi: '2' }],
      openOrders: [{ coin: 'SOL', oid: 1 }],
    });
    const recs: Record<string, { reduceOnlyBy?: string | null }> = { BTC: {}, SOL: {} };
    const hp = {
      marketState: { get: (c: string) => recs[c] },
      haltMarket: (c: string, why: string) => (recs[c].reduceOnlyBy = why),
      resumeMarket: (c: string) => ((recs[c].reduceOnlyBy = null), true),
    };
    const s1 = onMarketHardStop(state(), { coin: 'SOL', reason: 'Operator', source: 'cli' }, 1).state;
    expect(syncMarketHalts(hp, s1, ['BTC', 'SOL'])).toEqual({ halted: ['SOL'], resumed: [] });
    expect(syncMarketHalts(hp, s1, ['BTC', 'SOL'])).toEqual({ halted: [], resumed: [] });
    expect(recs.SOL.reduceOnlyBy).toBe('Operator from cli');
    const s2 = onMarketResume(onMarketStopFinished(s1, 1, flat, 2), { coin: 'SOL', note: 'ok' }, 3);
    expect(syncMarketHalts(hp, s2, ['BTC', 'SOL'])).toEqual({ halted: [], resumed: ['SOL'] });
  });
});
