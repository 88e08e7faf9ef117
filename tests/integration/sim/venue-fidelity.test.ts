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
});
