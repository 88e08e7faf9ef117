/**
 * The chaos invariants on hand-made ledgers and records: each one passes on a clean history and
 * fails, naming the evidence, on the history its bug would leave.
 */
import { checkAll, keysNeverLeak, lossLimitHolds, maxPositionHolds, noOpeningAfterTrigger, noOpeningWhileStopped, positionsAgree, stopsEndFlat } from '../../../src/chaos/invariants';
import type { ChaosRecords, SessionRecord } from '../../../src/chaos/records';
import type { LedgerAction, LedgerEntry, LedgerFill, LedgerOrder, LedgerOrderUpdate } from '../../../src/sim/ledger';

const A = '0x00000000000000000000000000000000000000a1';
const B = '0x00000000000000000000000000000000000000b2';
const STOP_A = '0x00000000000000000000000000000000000000c3';
const STOP_B = '0x00000000000000000000000000000000000000d4';

let seq = 0;
function order(over: Partial<LedgerOrder> = {}): LedgerOrder {
  return { coin: 'BTC', asset: 0, isBuy: true, px: '100000', sz: '0.00015', reduceOnly: false, tif: 'Ioc', outcome: 'filled', oid: 1, ...over };
}
function action(at: number, over: Partial<LedgerAction> = {}): LedgerAction {
  return { seq: ++seq, kind: 'action', at, account: A, signer: A, nonce: at - 5, expiresAfter: at + 5000, type: 'order', accepted: true, httpStatus: 200, orders: [order()], marks: { BTC: '100000' }, positionsAfter: { BTC: '0.00015' }, ...over };
}
function fill(at: number, side: 'B' | 'A', sz: string, over: Partial<LedgerFill> = {}): LedgerFill {
  return { seq: ++seq, kind: 'fill', at, account: A, coin: 'BTC', side, px: '100000', sz, startPosition: '0', closedPnl: '0', fee: '0.0067', oid: 1, tid: seq, ...over };
}
function update(at: number, oid: number, status: string, over: Partial<LedgerOrderUpdate> = {}): LedgerOrderUpdate {
  return { seq: ++seq, kind: 'order', at, account: A, oid, coin: 'BTC', side: 'B', status, sz: '0.00015', ...over };
}

function session(over: Partial<SessionRecord> = {}): SessionRecord {
  return { sessionId: 'sA', account: A, phases: [{ at: 1000, phase: 'STARTING' }, { at: 1100, phase: 'READY_TRADING' }], hardStops: [], resumes: [], stops: [], latches: [], finalPhase: 'READY_TRADING', ...over };
}

function records(ledger: LedgerEntry[], over: Partial<ChaosRecords> = {}): ChaosRecords {
  return {
    accounts: [
      { address: A, sessionId: 'sA', stopSigner: STOP_A, limits: { maxNotionalPerMarketUsd: '24', maxNotionalTotalUsd: '40', maxCumulativeLossUsd: '1' } },
      { address: B, sessionId: 'sB', stopSigner: STOP_B, limits: { maxNotionalPerMarketUsd: '24', maxNotionalTotalUsd: '40', maxCumulativeLossUsd: '1' } },
    ],
    ledger,
    sessions: [session(), session({ sessionId: 'sB', account: B })],
    stopWorkerAccounts: { '1@h': A, '2@h': B },
    quiescence: [
      { account: A, hotPathPositions: [], statusAt: 9000, pid: 10 },
      { account: B, hotPathPositions: [], statusAt: 9000, pid: 11 },
    ],
    fillsSeen: [],
    texts: [],
    secrets: [],
    phaseGraceMs: 1000,
    endedAt: 10_000,
    ...over,
  };
}

/** a round trip: open at 2000, close reduce-only at 3000 */
function cleanTrip(): LedgerEntry[] {
  return [
    action(2000),
    fill(2000, 'B', '0.00015'),
    action(3000, { orders: [order({ isBuy: false, reduceOnly: true })], positionsAfter: {} }),
    fill(3000, 'A', '0.00015', { closedPnl: '0.01' }),
  ];
}

test('a clean history violates nothing', () => {
  expect(checkAll(records(cleanTrip()))).toEqual([]);
});

describe('1: no opening order signed after the trigger', () => {
  const latched = (ledger: LedgerEntry[], resumes: { at: number }[] = []) =>
    records(ledger, { sessions: [session({ latches: [{ at: 2500, reason: 'CumulativeLoss', source: 'risk-monitor', pid: 10 }], resumes }), session({ sessionId: 'sB', account: B })] });

  test('an opening order signed after the latch and accepted is a violation, with its ledger line', () => {
    const late = action(2700, { nonce: 2600 });
    const v = noOpeningAfterTrigger(latched([late]));
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 1, account: A });
    expect(v[0]!.evidence[0]).toContain('"nonce":2600');
  });
  test('signed before the trigger (landing later, within expiresAfter), reduce-only, refused, or after a resume: allowed', () => {
    const ledger = [
      action(2700, { nonce: 2400 }),
      action(2700, { nonce: 2600, orders: [order({ reduceOnly: true })] }),
      action(2700, { nonce: 2600, orders: [order({ outcome: 'error', error: 'Insufficient margin' })] }),
      action(2700, { nonce: 2600, accepted: false, orders: undefined, error: 'Invalid nonce' }),
      action(4100, { nonce: 4050 }),
    ];
    expect(noOpeningAfterTrigger(latched(ledger, [{ at: 4000 }]))).toEqual([]);
  });
  test('an operator signal alone is not the latch (inv 6 covers the workflow side); a risk-monitor signal is', () => {
    const s = (source: string) => records([action(2700, { nonce: 2600 })], { sessions: [session({ hardStops: [{ at: 2500, reason: 'Operator', source }] }), session({ sessionId: 'sB', account: B })] });
    expect(noOpeningAfterTrigger(s('cli'))).toEqual([]);
    expect(noOpeningAfterTrigger(s('risk-monitor'))).toHaveLength(1);
  });
});

describe('2: stops end flat, STOPPED_FLAT only when flat, a stop touches its own account only', () => {
  const stopped = (over: Partial<SessionRecord['stops'][number]> = {}, phases = [{ at: 1100, phase: 'READY_TRADING' }, { at: 4000, phase: 'HARD_STOP' }, { at: 4200, phase: 'FLATTENING' }, { at: 4600, phase: 'STOPPED_FLAT' }]) =>
    session({ phases, stops: [{ workflowId: 'sA-stop-1', sessionId: 'sA', startedAt: 4100, endedAt: 4600, outcome: 'STOPPED_FLAT', flatConfirmedAt: 4550, activityIdentities: ['1@h'], ...over }] });

  test('a stop confirmed flat while the venue held a position', () => {
    const v = stopsEndFlat(records([action(2000), fill(2000, 'B', '0.00015')], { sessions: [stopped(), session({ sessionId: 'sB', account: B })] }));
    expect(v.map((x) => x.message).join('\n')).toMatch(/confirmed flat at 4550 but the venue had BTC 0.00015/);
    expect(v.map((x) => x.message).join('\n')).toMatch(/STOPPED_FLAT at 4600 while the venue had BTC 0.00015/);
  });
  test('a resting order left over makes it not flat; a fill while STOPPED_FLAT too', () => {
    const ledger = [update(3000, 7, 'open'), fill(5000, 'B', '0.00015')];
    const msgs = stopsEndFlat(records(ledger, { sessions: [stopped(), session({ sessionId: 'sB', account: B })] })).map((x) => x.message).join('\n');
    expect(msgs).toMatch(/1 open orders \(BTC#7\)/);
    expect(msgs).toMatch(/not flat while the session was STOPPED_FLAT/);
  });
  test('flattened before the confirm: clean', () => {
    const ledger = [...cleanTrip(), action(4300, { signer: STOP_A, orders: [order({ reduceOnly: true })] })];
    expect(stopsEndFlat(records(ledger, { sessions: [stopped(), session({ sessionId: 'sB', account: B })] }))).toEqual([]);
  });
  test('STOP_FAILED and a stop that never finished are violations', () => {
    const failed = stopsEndFlat(records([], { sessions: [stopped({ outcome: 'STOP_FAILED', remaining: [{ coin: 'BTC', szi: '1' }] }), session({ sessionId: 'sB', account: B })] }));
    expect(failed[0]!.message).toMatch(/ended STOP_FAILED/);
    const { outcome: _o, ...rest } = stopped().stops[0]!;
    const unfinished = stopsEndFlat(records([], { sessions: [session({ stops: [rest] }), session({ sessionId: 'sB', account: B })] }));
    expect(unfinished[0]!.message).toMatch(/never finished/);
  });
  test("A's stop run by B's stop worker, and B's stop worker acting on B while only A stopped", () => {
    const ledger = [action(4300, { account: B, signer: STOP_B, orders: [order({ reduceOnly: true })] })];
    const v = stopsEndFlat(records(ledger, { sessions: [stopped({ activityIdentities: ['1@h', '2@h'] }), session({ sessionId: 'sB', account: B })] }));
    const msgs = v.map((x) => x.message).join('\n');
    expect(msgs).toMatch(/ran activities on the stop worker of another account: 2@h/);
    expect(msgs).toMatch(/1 stop-worker actions on 0x0+b2 while no stop of its session ran/);
  });
});

describe('3: positions agree at quiescence, fills counted once', () => {
  test('a hot path holding what the venue does not', () => {
    const r = records([action(2000), fill(2000, 'B', '0.00015')], {
      quiescence: [
        { account: A, hotPathPositions: [{ coin: 'BTC', szi: '0.0003' }], statusAt: 9000, pid: 10 },
        { account: B, hotPathPositions: [], statusAt: 9000, pid: 11 },
      ],
    });
    const v = positionsAgree(r);
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toMatch(/holds BTC 0.0003, the venue BTC 0.00015/);
  });
  test('equal positions, written differently: clean; no status: a violation; a fill seen twice: a violation', () => {
    const ledger = [action(2000), fill(2000, 'B', '0.00015')];
    const q = (p: { coin: string; szi: string }[] | null) => [
      { account: A, hotPathPositions: p, statusAt: 9000, pid: 10 },
      { account: B, hotPathPositions: [{ coin: 'ETH', szi: '0.0' }], statusAt: 9000, pid: 11 },
    ];
    expect(positionsAgree(records(ledger, { quiescence: q([{ coin: 'BTC', szi: '0.000150' }]) }))).toEqual([]);
    expect(positionsAgree(records(ledger, { quiescence: q(null) }))[0]!.message).toMatch(/no hot-path status/);
    expect(positionsAgree(records(ledger, { quiescence: q([{ coin: 'BTC', szi: '0.00015' }]), fillsSeen: [{ pid: 10, coin: 'BTC', tid: 5, multiplicity: 2 }] }))[0]!.message).toMatch(/counted fill BTC:5 2 times/);
  });
});

describe('4: MaxPosition at the venue, marks at acceptance', () => {
  test('a second opening in the same market beyond the per-market limit', () => {
    const v = maxPositionHolds(records([action(2000, { positionsAfter: { BTC: '0.0003' } })]));
    expect(v[0]!.message).toMatch(/BTC 30.00 USD > 24 per market/);
  });
  test('the total over all markets', () => {
    const v = maxPositionHolds(records([action(2000, { positionsAfter: { BTC: '0.0002', ETH: '0.005' }, marks: { BTC: '100000', ETH: '3600' } })]));
    expect(v).toEqual([]); // 20 + 18 = 38 ≤ 40
    const w = maxPositionHolds(records([action(2000, { positionsAfter: { BTC: '0.0002', ETH: '0.0067' }, marks: { BTC: '100000', ETH: '3600' } })]));
    expect(w[0]!.message).toMatch(/total 44.12 USD > 40/);
  });
  test("the stop worker's reduce-only orders and a position grown by price alone are not the executor's", () => {
    const ledger = [action(2000, { signer: STOP_A, positionsAfter: { BTC: '1' } }), action(3000, { orders: [order({ reduceOnly: true })], positionsAfter: { BTC: '1' } })];
    expect(maxPositionHolds(records(ledger))).toEqual([]);
  });
});

describe('5: the loss limit holds across restarts and resumes', () => {
  test('an opening order accepted after the account lost more than the limit', () => {
    const ledger = [fill(2000, 'A', '0.00015', { closedPnl: '-1.2', fee: '0.01' }), action(9000)];
    const v = lossLimitHolds(records(ledger));
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toMatch(/net pnl already -1.210000/);
  });
  test('under the limit: clean', () => {
    expect(lossLimitHolds(records([fill(2000, 'A', '0.00015', { closedPnl: '-0.5', fee: '0.01' }), action(9000)]))).toEqual([]);
  });
});

describe('6: no opening order while the workflow says stopping or stopped', () => {
  const phases = [{ at: 1100, phase: 'READY_TRADING' }, { at: 4000, phase: 'HARD_STOP' }, { at: 4600, phase: 'STOPPED_FLAT' }, { at: 8000, phase: 'READY_TRADING' }];
  const r = (ledger: LedgerEntry[]) => records(ledger, { sessions: [session({ phases }), session({ sessionId: 'sB', account: B })] });
  test('signed past the phase poll grace while stopped: a violation', () => {
    expect(noOpeningWhileStopped(r([action(6000, { nonce: 5990 })]))[0]).toMatchObject({ invariant: 6, account: A });
  });
  test('within the grace, before, after the resume: clean', () => {
    expect(noOpeningWhileStopped(r([action(4500, { nonce: 4500 }), action(3000, { nonce: 2990 }), action(8100, { nonce: 8050 })]))).toEqual([]);
  });
});

describe('7: keys never leak', () => {
  const key = '0x' + 'ab'.repeat(32);
  test('found with or without 0x, in any case, named by label only', () => {
    const v = keysNeverLeak(records([], { secrets: [{ label: 'account 0', value: key }], texts: [{ source: 'hotpath-0.log', text: `oops ${key.slice(2).toUpperCase()}` }, { source: 'clean', text: 'nothing' }] }));
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toBe('the private key of account 0 appears in hotpath-0.log');
    expect(JSON.stringify(v)).not.toContain('abab');
  });
});
