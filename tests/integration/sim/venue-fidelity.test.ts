/**
 * Issue 16 §1b: the simulator behaves like the venue where the stop and the gates depend on it.
 * Each block pins one measured or documented venue behaviour (sources in src/sim/README.md).
 */
import { batchModifyAction, cancelAction, noopAction, orderAction, scheduleCancelAction } from '../../../src/exchange/hyperliquid';
import type { RunningSimulator } from '../../../src/sim';
import { openOrderLimit, overOpenOrderLimit } from '../../../src/sim/limits';
import { usdFromString } from '../../../src/sim/money';
import { Trader, startTestSim } from './helpers';

type Ord = { asset?: number; isBuy: boolean; px: string; sz: string; tif?: 'Gtc' | 'Ioc' | 'Alo'; reduceOnly?: boolean; cloid?: string };
const wire = (p: Ord) => ({ asset: p.asset ?? 0, isBuy: p.isBuy, px: p.px, sz: p.sz, reduceOnly: p.reduceOnly ?? false, tif: p.tif ?? 'Gtc', ...(p.cloid ? { cloid: p.cloid } : {}) });
const order = (...ps: Ord[]) => orderAction(ps.map(wire));

async function bbo(t: Trader, coin = 'BTC'): Promise<{ bid: number; ask: number }> {
  const book = await t.info({ type: 'l2Book', coin });
  return { bid: Number(book.levels[0][0].px), ask: Number(book.levels[1][0].px) };
}

describe('venue fidelity (issue 16 §1b)', () => {
  let sim: RunningSimulator;
  let t: Trader;

  beforeEach(async () => {
    sim = await startTestSim({ limits: { ipWeightPerMinute: Number.POSITIVE_INFINITY } });
    t = new Trader(sim);
    sim.admin.fund(t.address, '1000000');
  });
  afterEach(async () => sim.stop());

  describe('1. action weight', () => {
    test('a cancel action with 201 cancels is refused whole; 200 get 200 statuses', async () => {
      const { bid } = await bbo(t);
      const placed = await t.exchange(order({ isBuy: true, px: String(bid - 100), sz: '0.001' }));
      const oid = placed.body.response.data.statuses[0].resting.oid;
      const used = sim.admin.state(t.address).requestsUsed;

      const over = await t.exchange(cancelAction([{ asset: 0, oid }, ...Array.from({ length: 200 }, (_, i) => ({ asset: 0, oid: i + 1 }))]));
      expect(over.status).toBe(200);
      expect(over.body).toEqual({ status: 'err', response: 'Signed action over weight limit of 200.' });
      // nothing was cancelled and the refused action cost no address budget (TW P8)
      expect(sim.admin.state(t.address).openOrders.map((o: any) => o.oid)).toEqual([oid]);
      expect(sim.admin.state(t.address).requestsUsed).toBe(used);

      const at = await t.exchange(cancelAction([{ asset: 0, oid }, ...Array.from({ length: 199 }, (_, i) => ({ asset: 0, oid: i + 1 }))]));
      expect(at.body.status).toBe('ok');
      expect(at.body.response.data.statuses).toHaveLength(200);
      expect(at.body.response.data.statuses[0]).toBe('success');
      expect(sim.admin.state(t.address).requestsUsed).toBe(used + 200);
    });

    test('an order action with 201 orders is refused whole and places nothing', async () => {
      const { bid } = await bbo(t);
      const many = Array.from({ length: 201 }, () => ({ isBuy: true, px: String(bid - 500), sz: '0.001' }));
      const r = await t.exchange(order(...many));
      expect(r.body).toEqual({ status: 'err', response: 'Signed action over weight limit of 200.' });
      expect(sim.admin.state(t.address).openOrders).toEqual([]);
    });
  });
  describe('2. resting reduce-only orders follow the position', () => {
    const ETH = 1;
    test('long 0.02, resting RO sell 0.05, sell 0.01 elsewhere: the RO shrinks to 0.01, fills 0.01, never flips', async () => {
      const { ask } = await bbo(t, 'ETH');
      await t.exchange(order({ asset: ETH, isBuy: true, px: String(ask + 5), sz: '0.02', tif: 'Ioc' }));
      const ro = await t.exchange(order({ asset: ETH, isBuy: false, px: String(ask + 40), sz: '0.05', reduceOnly: true }));
      const oid = ro.body.response.data.statuses[0].resting.oid;
      let [open] = await t.info({ type: 'frontendOpenOrders', user: t.address });
      expect(open).toMatchObject({ oid, sz: '0.02', origSz: '0.05', reduceOnly: true });

      const { bid } = await bbo(t, 'ETH');
      await t.exchange(order({ asset: ETH, isBuy: false, px: String(bid - 5), sz: '0.01', tif: 'Ioc' }));
      [open] = await t.info({ type: 'frontendOpenOrders', user: t.address });
      expect(open).toMatchObject({ oid, sz: '0.01', origSz: '0.05' });

      // the market trades through the RO's limit: it fills what is left of the position, no more
      sim.admin.setPrice('ETH', String(ask + 100));
      const st = sim.admin.state(t.address);
      expect(st.positions.filter((p: any) => p.coin === 'ETH')).toEqual([]);
      const status = await t.info({ type: 'orderStatus', user: t.address, oid });
      expect(status.order.status).toBe('filled');
      expect(status.order.order).toMatchObject({ sz: '0.0', origSz: '0.05' });
    });

    test('the position closed elsewhere: the resting RO ends reduceOnlyCanceled with its origSz', async () => {
      const { ask } = await bbo(t, 'ETH');
      await t.exchange(order({ asset: ETH, isBuy: true, px: String(ask + 5), sz: '0.02', tif: 'Ioc' }));
      const ro = await t.exchange(order({ asset: ETH, isBuy: false, px: String(ask + 40), sz: '0.02', reduceOnly: true }));
      const oid = ro.body.response.data.statuses[0].resting.oid;
      const { bid } = await bbo(t, 'ETH');
      await t.exchange(order({ asset: ETH, isBuy: false, px: String(bid - 5), sz: '0.01', tif: 'Ioc' }));
      expect((await t.info({ type: 'openOrders', user: t.address }))[0]).toMatchObject({ oid, sz: '0.01', origSz: '0.02' });
      await t.exchange(order({ asset: ETH, isBuy: false, px: String(bid - 5), sz: '0.01', tif: 'Ioc' }));
      expect(await t.info({ type: 'openOrders', user: t.address })).toEqual([]);
      const status = await t.info({ type: 'orderStatus', user: t.address, oid });
      expect(status.order).toMatchObject({ status: 'reduceOnlyCanceled', order: { oid, sz: '0.01', origSz: '0.02', reduceOnly: true } });
    });
  });
  describe('4. rejected orders are kept in orderStatus; only about the last 2,000 orders are', () => {
    const cl = (n: number) => '0x' + n.toString(16).padStart(32, '0');
    const statusByCloid = async (c: string) => (await t.info({ type: 'orderStatus', user: t.address, oid: c })) as any;

    test('each rejection answers orderStatus by cloid with the venue status name', async () => {
      const { bid, ask } = await bbo(t);
      const poor = new Trader(sim);
      sim.admin.fund(poor.address, '20');
      const cases: [Trader, Ord, string, string][] = [
        [t, { isBuy: true, px: String(bid - 1000), sz: '0.001', tif: 'Ioc', cloid: cl(1) }, 'Order could not immediately match against any resting orders. asset=0', 'iocCancelRejected'],
        [t, { isBuy: true, px: String(ask), sz: '0.001', tif: 'Alo', cloid: cl(2) }, 'Post only order would have immediately matched', 'badAloPxRejected'],
        [t, { isBuy: true, px: String(bid - 1000), sz: '0.00001', cloid: cl(3) }, 'Order must have minimum value of $10. asset=0', 'minTradeNtlRejected'],
        [poor, { isBuy: true, px: String(bid - 1000), sz: '0.01', cloid: cl(4) }, 'Insufficient margin to place order. asset=0', 'perpMarginRejected'],
        [t, { isBuy: false, px: String(ask + 1000), sz: '0.001', reduceOnly: true, cloid: cl(5) }, 'Reduce only order would increase position. asset=0', 'reduceOnlyRejected'],
        [t, { isBuy: true, px: String(bid - 1000) + '.5', sz: '0.001', cloid: cl(6) }, 'Price must be divisible by tick size. asset=0', 'tickRejected'],
      ];
      for (const [who, o, error, status] of cases) {
        const r = await who.exchange(order(o));
        expect(r.body.response.data.statuses[0].error).toContain(error);
        const s = (await who.info({ type: 'orderStatus', user: who.address, oid: o.cloid })) as any;
        expect(s).toMatchObject({ status: 'order', order: { status, order: { cloid: o.cloid, origSz: o.sz } } });
        expect(typeof s.order.order.oid).toBe('number');
      }
      expect((await t.info({ type: 'historicalOrders', user: t.address })).map((h: any) => h.status)).toEqual(['tickRejected', 'reduceOnlyRejected', 'minTradeNtlRejected', 'badAloPxRejected', 'iocCancelRejected']);
    });

    test('past 2,000 orders the oldest finished ones answer unknownOid; an open one always answers', async () => {
      const { bid } = await bbo(t);
      const resting = await t.exchange(order({ isBuy: true, px: String(bid - 2000), sz: '0.001', cloid: cl(9999) }));
      const restingOid = resting.body.response.data.statuses[0].resting.oid;
      // 2,000 IOCs that cannot match: each is rejected and leaves a record (200 per action, the weight cap)
      for (let k = 0; k < 10; k++) {
        const batch = Array.from({ length: 200 }, (_, i) => ({ isBuy: true, px: String(bid - 1000), sz: '0.001', tif: 'Ioc' as const, cloid: cl(k * 200 + i + 1) }));
        const r = await t.exchange(order(...batch));
        expect(r.body.response.data.statuses).toHaveLength(200);
      }
      // 2,001 orders: the window holds 2,000, the open one is never the one forgotten
      expect(await statusByCloid(cl(1))).toEqual({ status: 'unknownOid' });
      expect((await statusByCloid(cl(2))).order.status).toBe('iocCancelRejected');
      await t.exchange(order({ isBuy: true, px: String(bid - 1000), sz: '0.001', tif: 'Ioc', cloid: cl(5000) }));
      expect(await statusByCloid(cl(2))).toEqual({ status: 'unknownOid' });
      expect((await statusByCloid(cl(3))).order.status).toBe('iocCancelRejected');
      expect((await t.info({ type: 'orderStatus', user: t.address, oid: restingOid })).order.status).toBe('open');
      expect(await t.info({ type: 'historicalOrders', user: t.address })).toHaveLength(2000);
    });
  });
  describe('3. batch pre-validation: one error for the whole action, nothing placed', () => {
    test('one order too far from the reference, one with too many decimals, an empty batch', async () => {
      const { bid } = await bbo(t);
      const good = { isBuy: true, px: String(bid - 100), sz: '0.001' };
      const far = await t.exchange(order(good, { isBuy: true, px: String(Math.floor(bid / 10)), sz: '0.001' }));
      expect(far.body).toEqual({ status: 'err', response: 'Order price cannot be more than 80% away from the reference price' });
      const decimals = await t.exchange(order(good, { asset: 2, isBuy: true, px: '200.12345', sz: '1' }));
      expect(decimals.body).toEqual({ status: 'err', response: 'Order has invalid price.' });
      const empty = await t.exchange({ type: 'order', orders: [], grouping: 'na' });
      expect(empty.body).toEqual({ status: 'err', response: 'Order list is empty.' });
      expect(sim.admin.state(t.address).openOrders).toEqual([]);
      // a per-order failure (more than five significant figures) leaves the rest of the batch placed
      const mixed = await t.exchange(order(good, { isBuy: true, px: String(bid - 100) + '.5', sz: '0.001' }));
      expect(mixed.body.status).toBe('ok');
      expect(mixed.body.response.data.statuses[0].resting).toBeDefined();
      expect(mixed.body.response.data.statuses[1]).toEqual({ error: 'Price must be divisible by tick size. asset=0' });
    });

    test('a batchModify whose new order is too far from the reference is refused whole; the old order stays', async () => {
      const { bid } = await bbo(t);
      const r = await t.exchange(order({ isBuy: true, px: String(bid - 100), sz: '0.001' }));
      const oid = r.body.response.data.statuses[0].resting.oid;
      const m = await t.exchange(batchModifyAction([{ oid, order: wire({ isBuy: true, px: String(Math.floor(bid / 10)), sz: '0.001' }) }]));
      expect(m.body).toEqual({ status: 'err', response: 'Order price cannot be more than 80% away from the reference price' });
      expect(sim.admin.state(t.address).openOrders.map((o: any) => o.oid)).toEqual([oid]);
    });
  });
  describe('5. open-order limits', () => {
    test('at 1,000 open orders new orders are refused, reduce-only ones included; a cancel makes room', async () => {
      const { bid, ask } = await bbo(t);
      await t.exchange(order({ isBuy: true, px: String(ask + 50), sz: '0.01', tif: 'Ioc' }));
      for (let k = 0; k < 5; k++) {
        const batch = Array.from({ length: 200 }, (_, i) => ({ isBuy: true, px: String(bid - 200 - k * 200 - i), sz: '0.001' }));
        const r = await t.exchange(order(...batch));
        expect(r.body.response.data.statuses.every((x: any) => x.resting)).toBe(true);
      }
      const more = await t.exchange(order({ isBuy: true, px: String(bid - 5000), sz: '0.001' }));
      expect(more.body.response.data.statuses[0]).toEqual({ error: 'Too many open orders. asset=0' });
      const ro = await t.exchange(order({ isBuy: false, px: String(bid - 50), sz: '0.01', tif: 'Ioc', reduceOnly: true }));
      expect(ro.body.response.data.statuses[0]).toEqual({ error: 'Too many open orders. asset=0' });
      expect(sim.admin.state(t.address).positions).toHaveLength(1);

      const oid = sim.admin.state(t.address).openOrders[0].oid;
      await t.exchange(cancelAction([{ asset: 0, oid }]));
      const flat = await t.exchange(order({ isBuy: false, px: String(bid - 50), sz: '0.01', tif: 'Ioc', reduceOnly: true }));
      expect(flat.body.response.data.statuses[0].filled.totalSz).toBe('0.01');
    });

    test('volume raises the cap by one per $5M, to at most 5,000; reduce-only stays capped at 1,000', () => {
      expect(openOrderLimit(0n)).toBe(1000);
      expect(openOrderLimit(usdFromString('4999999')!)).toBe(1000);
      expect(openOrderLimit(usdFromString('5000000')!)).toBe(1001);
      expect(openOrderLimit(usdFromString('100000000000')!)).toBe(5000);
      const vol = usdFromString('5000000')!;
      expect(overOpenOrderLimit(1000, vol, false)).toBe(false);
      expect(overOpenOrderLimit(1000, vol, true)).toBe(true);
      expect(overOpenOrderLimit(1001, vol, false)).toBe(true);
    });
  });
  describe('6. error texts and shapes', () => {
    test('zero size, expiresAfter, the scheduled-cancel gate on clearing, meta, openOrders and number spelling', async () => {
      const { bid } = await bbo(t);
      // raw wires: our own builder refuses these strings, the venue reads them
      const raw = (p: string, s: string, c?: string) => ({ type: 'order', orders: [{ a: 0, b: true, p, s, r: false, t: { limit: { tif: 'Gtc' } }, ...(c ? { c } : {}) }], grouping: 'na' });
      const zero = await t.exchange(raw(String(bid - 100), '0'));
      expect(zero.body.response.data.statuses[0]).toEqual({ error: 'Order has zero size. asset=0' });
      // a trailing-zero price and an upper-case cloid are hashed as sent and accepted
      const upper = '0x' + 'AB'.repeat(16);
      const spelled = await t.exchange(raw(`${bid - 100}.0`, '0.0010', upper));
      expect(spelled.body.response.data.statuses[0].resting).toMatchObject({ cloid: upper });
      expect((await t.info({ type: 'orderStatus', user: t.address, oid: upper.toLowerCase() })).order.status).toBe('open');
      await t.exchange(cancelAction([{ asset: 0, oid: spelled.body.response.data.statuses[0].resting.oid }]));
      const expired = await t.exchange(noopAction(), { expiresAfter: Date.now() - 1000 });
      expect(expired.body.response).toMatch(/^Action already expired/);
      const clear = await t.exchange(scheduleCancelAction(undefined));
      expect(clear.body).toEqual({ status: 'err', response: 'Cannot set scheduled cancel time until enough volume traded. Required: $1000000. Traded: $0.' });

      const meta = await t.info({ type: 'meta' });
      expect(meta.collateralToken).toBe(0);

      await t.exchange(order({ isBuy: true, px: String(bid + 100), sz: '0.01', tif: 'Ioc' }));
      await t.exchange(order({ isBuy: true, px: String(bid - 300), sz: '0.01' }));
      await t.exchange(order({ isBuy: false, px: String(bid + 300), sz: '0.01', reduceOnly: true }));
      const open = await t.info({ type: 'openOrders', user: t.address });
      const [ro, plain] = open;
      expect(ro.reduceOnly).toBe(true);
      expect('reduceOnly' in plain).toBe(false);
      expect(plain.limitPx).toBe(`${bid - 300}.0`);
      const front = await t.info({ type: 'frontendOpenOrders', user: t.address });
      expect(front.map((o: any) => [o.reduceOnly, o.triggerPx])).toEqual([[true, '0.0'], [false, '0.0']]);
      const [fill] = await t.info({ type: 'userFills', user: t.address });
      expect(fill).toMatchObject({ startPosition: '0.0', closedPnl: '0.0', twapId: null });
      const ch = await t.info({ type: 'clearinghouseState', user: t.address });
      expect(ch.assetPositions[0].position.cumFunding).toEqual({ allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' });
      for (const v of Object.values(ch.marginSummary) as string[]) expect(v).toMatch(/^-?\d+\.\d+$/);
      for (const v of Object.values(await t.info({ type: 'allMids' })) as string[]) expect(v).toMatch(/^\d+\.\d+$/);
    });
  });
  describe('7. modify', () => {
    const modify = (oid: number | string, o: Ord, alwaysPlace = false) => batchModifyAction([{ oid, order: wire(o) }], { alwaysPlace });
    const openOids = () => sim.admin.state(t.address).openOrders.map((o: any) => o.oid);

    test('without a: a resting Gtc replaces the order (placed post-only); a marketable Gtc or an Ioc is refused and the old order stays', async () => {
      const { bid, ask } = await bbo(t);
      const r = await t.exchange(order({ isBuy: true, px: String(bid - 300), sz: '0.01' }));
      const oid = r.body.response.data.statuses[0].resting.oid;

      const marketable = await t.exchange(modify(oid, { isBuy: true, px: String(ask + 10), sz: '0.01' }));
      expect(marketable.body.response.data.statuses[0].error).toMatch(/^Post only order would have immediately matched, bbo was .* asset=0$/);
      const ioc = await t.exchange(modify(oid, { isBuy: true, px: String(bid - 200), sz: '0.01', tif: 'Ioc' }));
      expect(ioc.body.response.data.statuses[0].error).toMatch(/asset=0$/);
      expect(openOids()).toEqual([oid]);
      expect(sim.admin.state(t.address).fills).toEqual([]);

      const ok = await t.exchange(modify(oid, { isBuy: true, px: String(bid - 200), sz: '0.02' }));
      const newOid = ok.body.response.data.statuses[0].resting.oid;
      expect(openOids()).toEqual([newOid]);
      expect((await t.info({ type: 'orderStatus', user: t.address, oid })).order.status).toBe('canceled');
      // a filled or cancelled order cannot be modified without a
      const gone = await t.exchange(modify(oid, { isBuy: true, px: String(bid - 100), sz: '0.01' }));
      expect(gone.body.response.data.statuses[0]).toEqual({ error: 'Cannot modify canceled or filled order' });
      expect(openOids()).toEqual([newOid]);
    });

    test('with a: true the new order is placed whatever the cancel leg did, with its own tif', async () => {
      const { bid, ask } = await bbo(t);
      const r = await t.exchange(order({ isBuy: true, px: String(bid - 300), sz: '0.01' }));
      const oid = r.body.response.data.statuses[0].resting.oid;
      await t.exchange(cancelAction([{ asset: 0, oid }]));
      const placed = await t.exchange(modify(oid, { isBuy: true, px: String(bid - 250), sz: '0.01' }, true));
      expect(placed.body.response.data.statuses[0].resting).toBeDefined();
      const taker = await t.exchange(modify(placed.body.response.data.statuses[0].resting.oid, { isBuy: true, px: String(ask + 10), sz: '0.01', tif: 'Ioc' }, true));
      expect(taker.body.response.data.statuses[0].filled.totalSz).toBe('0.01');
      expect(openOids()).toEqual([]);
    });
  });
});
