import { afterConfirm, alertDue, alertQueue, backoffMs, flatDeclarable, isFlat, isZeroSize, openPositions, resolveStopOptions, STOP_DEFAULTS, stopActivityQueue, summaries, wideningBps } from '../../../src/orchestration/stop-plan';
import { hotPathTaskQueue, sessionWorkflowId, stopWorkflowId } from '../../../src/orchestration/ids';

describe('ids', () => {
  test('session id is deterministic: lowercase account, strategy name kept', () => {
    expect(sessionWorkflowId('0xABCdef', 'Demo')).toBe('hlx-session-0xabcdef-Demo');
    expect(sessionWorkflowId('0xABCdef', 'Demo')).toBe(sessionWorkflowId('0xabcDEF', 'Demo'));
    expect(() => sessionWorkflowId('', 'x')).toThrow(/account/);
  });
  test('stop ids count from 1; hot-path queues are prefix-session', () => {
    expect(stopWorkflowId('s', 3)).toBe('s-stop-3');
    expect(() => stopWorkflowId('s', 0)).toThrow(/positive/);
    expect(hotPathTaskQueue('hlx-hotpath', 's')).toBe('hlx-hotpath-s');
  });
});

describe('stop options and backoff', () => {
  test('defaults fill in, nonsense falls back', () => {
    expect(resolveStopOptions(undefined)).toEqual(STOP_DEFAULTS);
    const o = resolveStopOptions({ maxFlattenAttempts: 0, backoffInitialMs: 10, backoffFactor: 0.5, latchTimeoutMs: NaN, stopTaskQueue: 'q' });
    expect(o.maxFlattenAttempts).toBe(STOP_DEFAULTS.maxFlattenAttempts);
    expect(o.backoffInitialMs).toBe(10);
    expect(o.backoffFactor).toBe(STOP_DEFAULTS.backoffFactor);
    expect(o.latchTimeoutMs).toBe(STOP_DEFAULTS.latchTimeoutMs);
    expect(o.stopTaskQueue).toBe('q');
  });
  test('backoff grows by the factor and is capped', () => {
    const o = resolveStopOptions({ backoffInitialMs: 100, backoffFactor: 2, backoffMaxMs: 500 });
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, o))).toEqual([100, 200, 400, 500, 500]);
  });
  test('after confirm: done when flat; never gives up — fast rounds with backoff, then the slow cadence, stuck', () => {
    const o = resolveStopOptions({ fastRounds: 3, backoffInitialMs: 100, slowRoundMs: 5_000 });
    expect(afterConfirm(true, 1, o)).toEqual({ kind: 'done' });
    expect(afterConfirm(true, 3, o)).toEqual({ kind: 'done' });
    expect(afterConfirm(false, 1, o)).toEqual({ kind: 'retry', waitMs: 100, stuck: false });
    expect(afterConfirm(false, 2, o)).toEqual({ kind: 'retry', waitMs: 200, stuck: false });
    expect(afterConfirm(false, 3, o)).toEqual({ kind: 'retry', waitMs: 5_000, stuck: true });
    expect(afterConfirm(false, 10_000, o)).toEqual({ kind: 'retry', waitMs: 5_000, stuck: true });
    // the older name still sets the fast rounds
    expect(resolveStopOptions({ maxFlattenAttempts: 4 }).fastRounds).toBe(4);
  });
});

describe('stop (#10): account queues, widening, alerts, flat declarable', () => {
  test('the activity queue is named for the account acted on (the vault when there is one), lower case', () => {
    expect(stopActivityQueue('hlx-stop', '0xABCDEF0000000000000000000000000000000001')).toBe('hlx-stop-0xabcdef0000000000000000000000000000000001');
    expect(stopActivityQueue('hlx-stop', '0xaa00000000000000000000000000000000000001', '0xBB00000000000000000000000000000000000002')).toBe('hlx-stop-0xbb00000000000000000000000000000000000002');
    expect(alertQueue('hlx-stop')).toBe('hlx-stop-alerts');
  });
  test('widening doubles round by round up to the ceiling', () => {
    const o = { aggressionBps: 50, maxSlippageBps: 300 };
    expect([1, 2, 3, 4, 5, 50].map((r) => wideningBps(r, o))).toEqual([50, 100, 200, 300, 300, 300]);
  });
  test('a still-not-flat alert at most once per interval', () => {
    expect(alertDue(1_000, -Infinity, { alertMinIntervalMs: 60_000 })).toBe(true);
    expect(alertDue(30_000, 1_000, { alertMinIntervalMs: 60_000 })).toBe(false);
    expect(alertDue(61_000, 1_000, { alertMinIntervalMs: 60_000 })).toBe(true);
  });
  test('flat is declarable only for a read issued after the hot path answered with its in-flight posts answered, or after expiresAfter', () => {
    const o = { hotPathExpiresAfterMs: 5_000 };
    const engaged = (at: number) => ({ latch: 'engaged' as const, inFlightAnswered: true, at });
    expect(flatDeclarable(engaged(100), 150, 0, o)).toEqual({ declarable: true, waitMs: 0 });
    // the answer came after the read that showed flat: that read proves nothing, confirm again
    expect(flatDeclarable(engaged(200), 150, 0, o)).toEqual({ declarable: false, waitMs: 0 });
    expect(flatDeclarable(null, 100, 0, o)).toEqual({ declarable: false, waitMs: 4_900 });
    expect(flatDeclarable(null, 9_000, 0, o)).toEqual({ declarable: false, waitMs: 50 });
    expect(flatDeclarable({ latch: 'host-gone', inFlightAnswered: false, at: 300 }, 1_000, 0, o)).toEqual({ declarable: false, waitMs: 4_000 });
    expect(flatDeclarable({ latch: 'host-gone', inFlightAnswered: false, at: 300 }, 5_000, 0, o)).toEqual({ declarable: true, waitMs: 0 });
    expect(flatDeclarable({ latch: 'engaged', inFlightAnswered: false, at: 300 }, 6_000, 0, o)).toEqual({ declarable: true, waitMs: 0 });
  });

});

describe('flat', () => {
  test('zero sizes in every spelling; anything unparsable is not zero', () => {
    for (const z of ['0', '0.0', '-0.000', '+0', '0.']) expect(isZeroSize(z)).toBe(true);
    for (const nz of ['0.00001', '-1', '', 'abc', '1e-9', 'NaN']) expect(isZeroSize(nz)).toBe(false);
  });
  test('flat needs every size 0 and no open order', () => {
    expect(isFlat({ positions: [{ coin: 'BTC', szi: '0.0' }], openOrders: [] })).toBe(true);
    expect(isFlat({ positions: [{ coin: 'BTC', szi: '0.0' }], openOrders: [{ coin: 'BTC', oid: 1 }] })).toBe(false);
    expect(isFlat({ positions: [{ coin: 'BTC', szi: '-0.5' }], openOrders: [] })).toBe(false);
    expect(openPositions({ positions: [{ coin: 'BTC', szi: '0' }, { coin: 'ETH', szi: '2' }], openOrders: [] })).toEqual([{ coin: 'ETH', szi: '2' }]);
  });
});

describe('activity summaries', () => {
  test('read like the UI should show them', () => {
    expect(summaries.cancel(3)).toBe('cancel 3 open orders');
    expect(summaries.cancel(1)).toBe('cancel 1 open order');
    expect(summaries.flatten({ coin: 'BTC', szi: '-0.5' })).toBe('flatten BTC \u22120.5 @ IOC');
    expect(summaries.flatten({ coin: 'ETH', szi: '2.1' })).toBe('flatten ETH 2.1 @ IOC');
    expect(summaries.confirmResult({ positions: [{ coin: 'BTC', szi: '0.1' }], openOrders: [] })).toBe('confirm flat: 1 position left');
    expect(summaries.confirmResult({ positions: [], openOrders: [{ coin: 'BTC', oid: 1 }] })).toBe('confirm flat: 0 positions left, 1 open order');
    expect(summaries.confirm(2, -1)).toMatch(/unknown/);
    expect(summaries.alert('STOP_FAILED', 6, 1)).toBe('ALERT: STOP_FAILED after 6 rounds, 1 position left');
  });
});
