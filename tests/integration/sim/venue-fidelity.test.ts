/**
 * Issue 16 §1b: the simulator behaves like the venue where the stop and the gates depend on it.
 * Each block pins one measured or documented venue behaviour (sources in src/sim/README.md).
 */
import { cancelAction, orderAction } from '../../../src/exchange/hyperliquid';
import type { RunningSimulator } from '../../../src/sim';
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
      expect(status.order.order).toMatchObject({ sz: '0', origSz: '0.05' });
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
});
