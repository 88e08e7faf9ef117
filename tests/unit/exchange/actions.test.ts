/** Action builders: canonical key order, omitted optional flags, typed errors; canonicalizeAction; schemas. */
import {
  approveAgentAction,
  approveAgentPostAction,
  batchModifyAction,
  buildExchangeRequest,
  cancelAction,
  cancelByCloidAction,
  canonicalizeAction,
  exchangeRequestSchema,
  exchangeResponseSchema,
  l1ActionSchema,
  noopAction,
  orderAction,
  scheduleCancelAction,
  updateLeverageAction,
  usdSendAction,
  withdraw3Action,
  WireFormatError,
} from '../../../src/exchange/hyperliquid';

const keys = (o: object) => Object.keys(o);
function fieldOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof WireFormatError) return e.field;
    throw e;
  }
  return 'no error';
}
const CLOID = '0x0123456789abcdef0123456789abcdef';

describe('builders', () => {
  test('order wire keys are a,b,p,s,r,t,c and the action type,orders,grouping[,builder]', () => {
    const a = orderAction(
      [
        { cloid: CLOID, tif: 'Alo', reduceOnly: true, sz: '0.5', px: '97000', isBuy: false, asset: 0 },
        { asset: 1, isBuy: true, px: '1', sz: '2', reduceOnly: false, trigger: { tpsl: 'tp', triggerPx: '3', isMarket: false } },
      ],
      { builder: { f: 10, b: '0xABCDEF0123456789ABCDEF0123456789ABCDEF01' }, grouping: 'normalTpsl' },
    );
    expect(keys(a)).toEqual(['type', 'orders', 'grouping', 'builder']);
    expect(keys(a.orders[0])).toEqual(['a', 'b', 'p', 's', 'r', 't', 'c']);
    expect(a.orders[0].t).toEqual({ limit: { tif: 'Alo' } });
    expect(keys(a.orders[1])).toEqual(['a', 'b', 'p', 's', 'r', 't']);
    expect(keys((a.orders[1].t as { trigger: object }).trigger)).toEqual(['isMarket', 'triggerPx', 'tpsl']);
    expect(keys(a.builder!)).toEqual(['b', 'f']);
    expect(a.builder!.b).toBe('0xabcdef0123456789abcdef0123456789abcdef01');
  });

  test('default tif is Gtc and default grouping na; no builder key without a builder', () => {
    const a = orderAction([{ asset: 3, isBuy: true, px: '10', sz: '1', reduceOnly: false }]);
    expect(a).toEqual({ type: 'order', orders: [{ a: 3, b: true, p: '10', s: '1', r: false, t: { limit: { tif: 'Gtc' } } }], grouping: 'na' });
    expect('builder' in a).toBe(false);
    expect('c' in a.orders[0]).toBe(false);
  });

  test('optional flags are omitted when false, never sent as false or null', () => {
    expect(cancelAction([{ asset: 1, oid: 2 }])).toEqual({ type: 'cancel', cancels: [{ a: 1, o: 2 }] });
    expect(keys(cancelAction([{ asset: 1, oid: 2 }], { fast: false }))).toEqual(['type', 'cancels']);
    expect(keys(cancelAction([{ asset: 1, oid: 2 }], { fast: true }))).toEqual(['type', 'cancels', 'f']);
    expect(cancelByCloidAction([{ asset: 1, cloid: CLOID }], { fast: true })).toEqual({ type: 'cancelByCloid', cancels: [{ asset: 1, cloid: CLOID }], f: true });
    expect(keys(cancelByCloidAction([{ asset: 1, cloid: CLOID }]))).toEqual(['type', 'cancels']);
    const m = batchModifyAction([{ oid: 5, order: { asset: 1, isBuy: true, px: '1', sz: '1', reduceOnly: false } }]);
    expect(keys(m)).toEqual(['type', 'modifies']);
    expect(keys(m.modifies[0])).toEqual(['oid', 'order']);
    expect(keys(batchModifyAction([{ oid: CLOID, order: { asset: 1, isBuy: true, px: '1', sz: '1', reduceOnly: false } }], { alwaysPlace: true }))).toEqual(['type', 'modifies', 'a']);
    expect(scheduleCancelAction()).toEqual({ type: 'scheduleCancel' });
    expect(keys(scheduleCancelAction(1700000000000))).toEqual(['type', 'time']);
    expect(keys(updateLeverageAction(2, true, 10))).toEqual(['type', 'asset', 'isCross', 'leverage']);
    expect(noopAction()).toEqual({ type: 'noop' });
  });

  test('bad inputs are WireFormatErrors that name the field', () => {
    const o = { asset: 1, isBuy: true, px: '1', sz: '1', reduceOnly: false };
    expect(fieldOf(() => orderAction([{ ...o, px: '100.0' }]))).toBe('orders.0.px');
    expect(fieldOf(() => orderAction([o, { ...o, sz: '1e3' }]))).toBe('orders.1.sz');
    expect(fieldOf(() => orderAction([{ ...o, sz: '0' }]))).toBe('orders.0.sz');
    expect(fieldOf(() => orderAction([{ ...o, asset: -1 }]))).toBe('orders.0.asset');
    expect(fieldOf(() => orderAction([{ ...o, asset: 1.5 }]))).toBe('orders.0.asset');
    expect(fieldOf(() => orderAction([{ ...o, cloid: '0x1' }]))).toBe('orders.0.cloid');
    expect(fieldOf(() => orderAction([{ ...o, cloid: CLOID.toUpperCase().replace('0X', '0x') }]))).toBe('orders.0.cloid');
    expect(fieldOf(() => orderAction([{ ...o, tif: 'Fok' as 'Gtc' }]))).toBe('orders.0.tif');
    expect(fieldOf(() => orderAction([{ ...o, trigger: { isMarket: true, triggerPx: 'x', tpsl: 'sl' } }]))).toBe('orders.0.trigger.triggerPx');
    expect(fieldOf(() => orderAction([]))).toBe('orders');
    expect(fieldOf(() => orderAction([o], { builder: { b: 'nope', f: 1 } }))).toBe('builder.b');
    expect(fieldOf(() => cancelAction([{ asset: 1, oid: Number.NaN }]))).toBe('cancels.0.oid');
    expect(fieldOf(() => cancelAction([{ asset: 1, oid: 2 ** 53 }]))).toBe('cancels.0.oid');
    expect(fieldOf(() => scheduleCancelAction(-5))).toBe('time');
    expect(fieldOf(() => updateLeverageAction(1, true, 0))).toBe('leverage');
  });

  test('user-signed builders', () => {
    const send = usdSendAction({ destination: '0x5E9EE1089755C3435139848E47E6635505D5A13A', amount: '1', time: 5 }, { isMainnet: false });
    expect(send).toEqual({ type: 'usdSend', signatureChainId: '0x66eee', hyperliquidChain: 'Testnet', destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a', amount: '1', time: 5 });
    expect(withdraw3Action({ destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a', amount: '2.5', time: 6 }, { isMainnet: true }).hyperliquidChain).toBe('Mainnet');
    const agent = approveAgentAction({ agentAddress: '0x5e9ee1089755c3435139848e47e6635505d5a13a', nonce: 7 }, { isMainnet: true });
    expect(agent.agentName).toBe('');
    expect('agentName' in approveAgentPostAction(agent)).toBe(false);
    expect(approveAgentPostAction({ ...agent, agentName: 'bot' }).agentName).toBe('bot');
    expect(fieldOf(() => usdSendAction({ destination: '0x1', amount: '1', time: 1 }, { isMainnet: true }))).toBe('destination');
  });

  test('buildExchangeRequest omits unused optional keys', () => {
    const sig = { r: '0x' + '1'.repeat(64), s: '0x' + '2'.repeat(64), v: 27 };
    expect(keys(buildExchangeRequest(noopAction(), 1, sig))).toEqual(['action', 'nonce', 'signature']);
    expect(keys(buildExchangeRequest(noopAction(), 1, sig, { vaultAddress: null, expiresAfter: null }))).toEqual(['action', 'nonce', 'signature']);
    const full = buildExchangeRequest(noopAction(), 1, sig, { vaultAddress: '0xABCDEF0123456789ABCDEF0123456789ABCDEF01', expiresAfter: 9 });
    expect(full).toEqual({ action: { type: 'noop' }, nonce: 1, signature: sig, vaultAddress: '0xabcdef0123456789abcdef0123456789abcdef01', expiresAfter: 9 });
    expect(exchangeRequestSchema.safeParse(full).success).toBe(true);
  });
});

describe('canonicalizeAction', () => {
  test('rebuilds scrambled key order', () => {
    const scrambled = JSON.parse(
      '{"grouping":"na","orders":[{"t":{"trigger":{"tpsl":"sl","triggerPx":"103","isMarket":true}},"c":"' + CLOID + '","r":false,"s":"100","p":"100","b":true,"a":1}],"type":"order"}',
    );
    const c = canonicalizeAction(scrambled) as { orders: object[] };
    expect(keys(c)).toEqual(['type', 'orders', 'grouping']);
    expect(JSON.stringify(c.orders[0])).toBe(`{"a":1,"b":true,"p":"100","s":"100","r":false,"t":{"trigger":{"isMarket":true,"triggerPx":"103","tpsl":"sl"}},"c":"${CLOID}"}`);
    expect(keys(canonicalizeAction({ f: true, cancels: [{ o: 2, a: 1 }], type: 'cancel' }))).toEqual(['type', 'cancels', 'f']);
    expect(canonicalizeAction({ time: 5, type: 'scheduleCancel' })).toEqual({ type: 'scheduleCancel', time: 5 });
    expect(keys(canonicalizeAction({ leverage: 3, isCross: false, asset: 1, type: 'updateLeverage' }))).toEqual(['type', 'asset', 'isCross', 'leverage']);
    expect(keys(canonicalizeAction({ order: { a: 1, b: true, p: '1', s: '1', r: false, t: { limit: { tif: 'Alo' } } }, oid: 4, type: 'modify' }))).toEqual(['type', 'oid', 'order']);
    expect(canonicalizeAction({ type: 'noop' })).toEqual({ type: 'noop' });
  });

  test('refuses what the venue would hash differently, naming the field', () => {
    const order = { a: 1, b: true, p: '100', s: '1', r: false, t: { limit: { tif: 'Gtc' } } };
    expect(fieldOf(() => canonicalizeAction({ type: 'order', orders: [{ ...order, p: '100.0' }], grouping: 'na' }))).toBe('orders.0.p');
    expect(fieldOf(() => canonicalizeAction({ type: 'order', orders: [{ ...order, x: 1 }], grouping: 'na' }))).toBe('orders.0.x');
    expect(fieldOf(() => canonicalizeAction({ type: 'order', orders: [order] }))).toBe('grouping');
    expect(fieldOf(() => canonicalizeAction({ type: 'cancel', cancels: [{ a: 1, o: 2 }], f: false }))).toBe('f');
    expect(fieldOf(() => canonicalizeAction({ type: 'batchModify', modifies: [{ oid: 1, order }], a: null }))).toBe('a');
    expect(fieldOf(() => canonicalizeAction({ type: 'order', orders: [{ ...order, t: { limit: { tif: 'Gtc' }, trigger: {} } }], grouping: 'na' }))).toBe('orders.0.t');
    expect(fieldOf(() => canonicalizeAction({ type: 'transfer' }))).toBe('type');
    expect(fieldOf(() => canonicalizeAction([1, 2]))).toBe('action');
    expect(fieldOf(() => canonicalizeAction({ type: 'cancelByCloid', cancels: [{ asset: 1, cloid: 'abc' }] }))).toBe('cancels.0.cloid');
  });
});

describe('schemas', () => {
  test('l1ActionSchema accepts built actions and rejects unknown keys, false flags, trailing zeros', () => {
    expect(l1ActionSchema.safeParse(orderAction([{ asset: 1, isBuy: true, px: '1', sz: '1', reduceOnly: false }])).success).toBe(true);
    expect(l1ActionSchema.safeParse({ type: 'cancel', cancels: [{ a: 1, o: 2 }], f: false }).success).toBe(false);
    expect(l1ActionSchema.safeParse({ type: 'cancel', cancels: [{ a: 1, o: 2 }], x: 1 }).success).toBe(false);
    expect(l1ActionSchema.safeParse({ type: 'order', orders: [{ a: 1, b: true, p: '1.0', s: '1', r: false, t: { limit: { tif: 'Gtc' } } }], grouping: 'na' }).success).toBe(false);
  });

  test('exchange responses: resting, filled, error statuses and err strings', () => {
    const ok = exchangeResponseSchema.parse({
      status: 'ok',
      response: { type: 'order', data: { statuses: [{ resting: { oid: 77 } }, { filled: { totalSz: '0.02', avgPx: '1891.4', oid: 78, cloid: CLOID } }, { error: 'Order must have minimum value of $10. asset=1' }, 'waitingForTrigger'] } },
    });
    expect(ok.status).toBe('ok');
    expect(exchangeResponseSchema.parse({ status: 'err', response: 'User or API Wallet 0x1 does not exist.' }).status).toBe('err');
    expect(exchangeResponseSchema.parse({ status: 'ok', response: { type: 'cancel', data: { statuses: ['success'] } } }).status).toBe('ok');
    expect(exchangeResponseSchema.safeParse({ status: 'ok', response: { type: 'order', data: { statuses: [{ resting: { oid: 'x' } }] } } }).success).toBe(false);
    expect(exchangeResponseSchema.safeParse({ status: 'maybe' }).success).toBe(false);
  });
});
