/**
 * The simulator over real HTTP: order life cycle, reduce-only, the $10 minimum, signature, nonce
 * and expiry rejections as the venue words them, agent approval, and the 429 paths.
 */
import { Wallet } from 'ethers';
import {
  APPROVE_AGENT_TYPES,
  Signer,
  approveAgentAction,
  approveAgentPostAction,
  cancelAction,
  cancelByCloidAction,
  batchModifyAction,
  noopAction,
  orderAction,
  updateLeverageAction,
} from '../../../src/exchange/hyperliquid';
import type { RunningSimulator } from '../../../src/sim';
import { Trader, postJson, startTestSim } from './helpers';

const order = (p: { asset?: number; isBuy: boolean; px: string; sz: string; tif?: 'Gtc' | 'Ioc' | 'Alo'; reduceOnly?: boolean; cloid?: string }) =>
  orderAction([{ asset: p.asset ?? 0, isBuy: p.isBuy, px: p.px, sz: p.sz, reduceOnly: p.reduceOnly ?? false, tif: p.tif ?? 'Gtc', ...(p.cloid ? { cloid: p.cloid } : {}) }]);

/** best bid / ask of a coin from the public l2Book, as integers (BTC prices are whole dollars here) */
async function bbo(t: Trader, coin = 'BTC'): Promise<{ bid: number; ask: number }> {
  const book = await t.info({ type: 'l2Book', coin });
  return { bid: Number(book.levels[0][0].px), ask: Number(book.levels[1][0].px) };
}

const statusOf = (r: { body: any }) => r.body.response.data.statuses[0];

describe('simulator over HTTP', () => {
  let sim: RunningSimulator;
  let t: Trader;

  beforeEach(async () => {
    sim = await startTestSim();
    t = new Trader(sim);
    sim.admin.fund(t.address, '100000');
  });
  afterEach(async () => {
    await sim.stop();
  });

  test('meta lists the markets with szDecimals; asset id = index', async () => {
    const meta = await t.info({ type: 'meta' });
    expect(meta.universe.map((u: any) => [u.name, u.szDecimals])).toEqual([
      ['BTC', 5],
      ['ETH', 4],
      ['SOL', 2],
    ]);
    const [, ctxs] = await t.info({ type: 'metaAndAssetCtxs' });
    expect(ctxs).toHaveLength(3);
    for (const c of ctxs) expect(Number(c.markPx)).toBeGreaterThan(0);
    const mids = await t.info({ type: 'allMids' });
    expect(Object.keys(mids)).toEqual(['BTC', 'ETH', 'SOL']);
  });

  test('order life cycle: rest, partial fill, fill, then cancel by oid and by cloid', async () => {
    const { bid } = await bbo(t);
    const px = String(bid - 20);
    const placed = await t.exchange(order({ isBuy: true, px, sz: '0.02' }));
    expect(placed.status).toBe(200);
    const oid = statusOf(placed).resting.oid;
    expect(typeof oid).toBe('number');
    expect((await t.info({ type: 'openOrders', user: t.address })).map((o: any) => o.oid)).toEqual([oid]);
    expect((await t.info({ type: 'orderStatus', user: t.address, oid })).order.status).toBe('open');

    // the market trades down through the bid: half fills first
    sim.admin.partialFills(0.5);
    sim.admin.setPrice('BTC', String(bid - 100));
    let st = sim.admin.state(t.address);
    expect(st.fills).toHaveLength(1);
    // the venue spells numbers as floats print: "96975.0", "0.0"
    expect(st.fills[0]).toMatchObject({ oid, px: `${px}.0`, sz: '0.01', side: 'B', crossed: false, dir: 'Open Long', startPosition: '0.0', twapId: null });
    expect(st.openOrders[0]).toMatchObject({ oid, sz: '0.01', origSz: '0.02' });
    expect((await t.info({ type: 'orderStatus', user: t.address, oid })).order.status).toBe('open');

    sim.admin.partialFills(false);
    sim.admin.tick();
    st = sim.admin.state(t.address);
    expect(st.fills.map((f) => f.sz)).toEqual(['0.01', '0.01']);
    expect(st.positions).toEqual([expect.objectContaining({ coin: 'BTC', szi: '0.02', entryPx: px })]);
    expect(st.openOrders).toEqual([]);
    expect((await t.info({ type: 'orderStatus', user: t.address, oid })).order.status).toBe('filled');
    const fills = await t.info({ type: 'userFills', user: t.address });
    expect(fills.map((f: any) => f.oid)).toEqual([oid, oid]);

    // cancel by oid
    const low = String(bid - 500);
    const r2 = await t.exchange(order({ isBuy: true, px: low, sz: '0.01' }));
    const oid2 = statusOf(r2).resting.oid;
    const c = await t.exchange(cancelAction([{ asset: 0, oid: oid2 }]));
    expect(c.body).toEqual({ status: 'ok', response: { type: 'cancel', data: { statuses: ['success'] } } });
    const again = await t.exchange(cancelAction([{ asset: 0, oid: oid2 }]));
    expect(statusOf(again)).toEqual({ error: 'Order was never placed, already canceled, or filled. asset=0' });
    expect((await t.info({ type: 'orderStatus', user: t.address, oid: oid2 })).order.status).toBe('canceled');

    // cancel by cloid
    const cloid = '0x000000000000000000000000000000ab';
    const r3 = await t.exchange(order({ isBuy: false, px: String(bid + 700), sz: '0.01', cloid }));
    expect(statusOf(r3).resting).toEqual({ oid: expect.any(Number), cloid });
    const c3 = await t.exchange(cancelByCloidAction([{ asset: 0, cloid }]));
    expect(statusOf(c3)).toBe('success');
    expect((await t.info({ type: 'orderStatus', user: t.address, oid: cloid })).order.status).toBe('canceled');
    expect(sim.admin.state(t.address).openOrders).toEqual([]);
  });

  test('IOC crossing the book fills as taker; IOC that cannot match is rejected', async () => {
    const { ask, bid } = await bbo(t);
    const r = await t.exchange(order({ isBuy: true, px: String(ask + 50), sz: '0.01', tif: 'Ioc' }));
    const filled = statusOf(r).filled;
    expect(filled.totalSz).toBe('0.01');
    expect(Number(filled.avgPx)).toBeGreaterThanOrEqual(ask);
    const f = sim.admin.state(t.address).fills[0];
    expect(f).toMatchObject({ crossed: true, side: 'B', feeToken: 'USDC' });
    expect(Number(f.fee)).toBeGreaterThan(0);
    expect(typeof f.tid).toBe('number');
    expect(f.hash).toMatch(/^0x[0-9a-f]{64}$/);

    const miss = await t.exchange(order({ isBuy: true, px: String(bid - 100), sz: '0.01', tif: 'Ioc' }));
    expect(statusOf(miss).error).toBe('Order could not immediately match against any resting orders. asset=0');
    const alo = await t.exchange(order({ isBuy: true, px: String(ask), sz: '0.01', tif: 'Alo' }));
    expect(statusOf(alo).error).toMatch(/^Post only order would have immediately matched, bbo was .+@.+\. asset=0$/);
  });

  test('reduce-only: rejected with no position, shrunk to the position when larger', async () => {
    const { ask, bid } = await bbo(t);
    const rej = await t.exchange(order({ isBuy: false, px: String(bid - 50), sz: '0.01', tif: 'Ioc', reduceOnly: true }));
    expect(statusOf(rej).error).toBe('Reduce only order would increase position. asset=0');

    await t.exchange(order({ isBuy: true, px: String(ask + 50), sz: '0.01', tif: 'Ioc' }));
    const shrunk = await t.exchange(order({ isBuy: false, px: String(bid - 50), sz: '0.05', tif: 'Ioc', reduceOnly: true }));
    expect(statusOf(shrunk).filled.totalSz).toBe('0.01');
    expect(sim.admin.state(t.address).positions).toEqual([]);
    const fills = sim.admin.state(t.address).fills;
    expect(fills[fills.length - 1]).toMatchObject({ dir: 'Close Long', startPosition: '0.01' });
  });

  test('$10 minimum: a small order is refused, a whole-position close is exempt, a partial one is not', async () => {
    const { ask } = await bbo(t);
    const tiny = await t.exchange(order({ isBuy: true, px: String(ask), sz: '0.0001', tif: 'Ioc' }));
    expect(statusOf(tiny).error).toBe('Order must have minimum value of $10. asset=0');

    await t.exchange(order({ isBuy: true, px: String(ask + 50), sz: '0.0002', tif: 'Ioc' }));
    // the market halves: the whole position is now worth under $10
    sim.admin.shock('BTC', -60);
    const book = await bbo(t);
    const partial = await t.exchange(order({ isBuy: false, px: String(book.bid - 100), sz: '0.0001', tif: 'Ioc', reduceOnly: true }));
    expect(statusOf(partial).error).toBe('Order must have minimum value of $10. asset=0');
    const whole = await t.exchange(order({ isBuy: false, px: String(book.bid - 100), sz: '0.0002', tif: 'Ioc', reduceOnly: true }));
    expect(statusOf(whole).filled.totalSz).toBe('0.0002');
    expect(sim.admin.state(t.address).positions).toEqual([]);
  });

  test('tick and lot validation use the venue rules; too far from the reference price is refused', async () => {
    const { bid } = await bbo(t, 'ETH');
    // ETH has szDecimals 4: at most 2 price decimals, 4 size decimals, 5 significant figures
    const badTick = await t.exchange(order({ asset: 1, isBuy: true, px: (bid - 10).toFixed(0) + '.12', sz: '0.01' }));
    expect(statusOf(badTick).error).toBe('Price must be divisible by tick size. asset=1');
    // too many decimals and too far from the reference are pre-validation: one error, no asset suffix
    const badDecimals = await t.exchange(order({ asset: 1, isBuy: true, px: (bid - 10).toFixed(0) + '.123', sz: '0.01' }));
    expect(badDecimals.body).toEqual({ status: 'err', response: 'Order has invalid price.' });
    const badLot = await t.exchange(order({ asset: 1, isBuy: true, px: String(Math.floor(bid) - 10), sz: '0.00001' }));
    expect(statusOf(badLot).error).toBe('Order has invalid size. asset=1');
    const far = await t.exchange(order({ asset: 1, isBuy: true, px: String(Math.floor(bid / 10)), sz: '1' }));
    expect(far.body).toEqual({ status: 'err', response: 'Order price cannot be more than 80% away from the reference price' });
  });

  test('insufficient margin is refused per order', async () => {
    const poor = new Trader(sim);
    sim.admin.fund(poor.address, '20');
    const { ask } = await bbo(poor);
    const r = await poor.exchange(order({ isBuy: true, px: String(ask + 50), sz: '0.1', tif: 'Ioc' }));
    expect(statusOf(r).error).toBe('Insufficient margin to place order. asset=0');
    expect(sim.admin.state(poor.address).fills).toEqual([]);
  });

  test('batchModify replaces an order with a new oid; updateLeverage and noop answer default', async () => {
    const { bid } = await bbo(t);
    const r = await t.exchange(order({ isBuy: true, px: String(bid - 300), sz: '0.01' }));
    const oid = statusOf(r).resting.oid;
    const m = await t.exchange(batchModifyAction([{ oid, order: { asset: 0, isBuy: true, px: String(bid - 200), sz: '0.02', reduceOnly: false, tif: 'Gtc' } }]));
    const newOid = statusOf(m).resting.oid;
    expect(newOid).not.toBe(oid);
    expect(sim.admin.state(t.address).openOrders).toEqual([expect.objectContaining({ oid: newOid, sz: '0.02', limitPx: `${bid - 200}.0` })]);
    expect((await t.exchange(updateLeverageAction(0, true, 10))).body).toEqual({ status: 'ok', response: { type: 'default' } });
    expect((await t.exchange(updateLeverageAction(0, true, 1000))).body).toEqual({ status: 'err', response: 'Invalid leverage value' });
    expect((await t.exchange(noopAction())).body).toEqual({ status: 'ok', response: { type: 'default' } });
  });

  test('a wrong signature recovers another address: "User or API Wallet 0x… does not exist."', async () => {
    const action = order({ isBuy: true, px: '1000', sz: '0.01' });
    // body changed after signing: the venue hashes what it received
    const req = t.request(action);
    const sent = req.action as { orders: object[] };
    const tampered = { ...req, action: { ...sent, orders: [{ ...sent.orders[0], s: '0.02' }] } };
    const r = await postJson(`${sim.httpUrl}/exchange`, tampered);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('err');
    const m = /^User or API Wallet (0x[0-9a-f]{40}) does not exist\.$/.exec(r.body.response);
    expect(m).not.toBeNull();
    expect(m![1]).not.toBe(t.address);

    // signed for mainnet, sent to a testnet venue
    const mainnetSigner = new Trader(sim, t.signer, true);
    const r2 = await mainnetSigner.exchange(action);
    expect(r2.body.response).toMatch(/^User or API Wallet 0x[0-9a-f]{40} does not exist\.$/);
    expect(r2.body.response).not.toContain(t.address);

    // an unfunded key
    const stranger = new Trader(sim);
    const r3 = await stranger.exchange(action);
    expect(r3.body).toEqual({ status: 'err', response: `User or API Wallet ${stranger.address} does not exist.` });
    expect(sim.admin.state(t.address).openOrders).toEqual([]);
  });

  test('a mainnet venue verifies mainnet signatures', async () => {
    const main = await startTestSim({ chain: 'mainnet' });
    try {
      const mt = new Trader(main, t.signer, true);
      main.admin.fund(mt.address, '1000');
      expect((await mt.exchange(noopAction())).body.status).toBe('ok');
      const testnetSigned = new Trader(main, t.signer, false);
      expect((await testnetSigned.exchange(noopAction())).body.response).toMatch(/does not exist\.$/);
    } finally {
      await main.stop();
    }
  });

  test('nonces: a reused nonce, one below the 100 highest, and one outside the time window are refused', async () => {
    const nonce = Date.now();
    expect((await t.exchange(noopAction(), { nonce })).body.status).toBe('ok');
    const dup = await t.exchange(noopAction(), { nonce });
    expect(dup.body).toEqual({ status: 'err', response: `Invalid nonce: duplicate nonce ${nonce}` });
    for (let i = 1; i <= 100; i++) expect((await t.exchange(noopAction(), { nonce: nonce + i })).body.status).toBe('ok');
    const low = await t.exchange(noopAction(), { nonce: nonce - 5 });
    expect(low.body).toEqual({ status: 'err', response: `Invalid nonce: nonce too low ${nonce - 5} < ${nonce + 1}` });
    const old = await t.exchange(noopAction(), { nonce: Date.now() - 3 * 24 * 3600 * 1000 });
    expect(old.body.response).toMatch(/^Invalid nonce: nonce too low \d+ < \d+$/);
    const future = await t.exchange(noopAction(), { nonce: Date.now() + 2 * 24 * 3600 * 1000 });
    expect(future.body.response).toMatch(/^Invalid nonce: nonce too high \d+ > \d+$/);
  });

  test('expiresAfter: an expired action is refused, a live one goes through', async () => {
    const expired = await t.exchange(noopAction(), { expiresAfter: Date.now() - 1000 });
    expect(expired.body.status).toBe('err');
    expect(expired.body.response).toMatch(/^Action already expired/);
    const live = await t.exchange(noopAction(), { expiresAfter: Date.now() + 60_000 });
    expect(live.body).toEqual({ status: 'ok', response: { type: 'default' } });
  });

  test('agent approval: an approved API wallet trades for the account that approved it', async () => {
    const agentSigner = Signer.fromPrivateKey(Wallet.createRandom().privateKey);
    const agent = new Trader(sim, agentSigner);
    const { bid } = await bbo(t);
    const before = await agent.exchange(order({ isBuy: true, px: String(bid - 300), sz: '0.01' }));
    expect(before.body.response).toBe(`User or API Wallet ${agent.address} does not exist.`);

    const nonce = t.nonces.next();
    const a = approveAgentAction({ agentAddress: agent.address, nonce }, { isMainnet: false });
    const signature = t.signer.signUserSigned({ ...a }, APPROVE_AGENT_TYPES);
    const approved = await postJson(`${sim.httpUrl}/exchange`, { action: approveAgentPostAction(a), nonce, signature });
    expect(approved.body).toEqual({ status: 'ok', response: { type: 'default' } });

    const after = await agent.exchange(order({ isBuy: true, px: String(bid - 300), sz: '0.01' }));
    const oid = statusOf(after).resting.oid;
    expect(sim.admin.state(t.address).openOrders.map((o) => o.oid)).toEqual([oid]);
    expect(sim.admin.state(t.address).agents).toEqual([{ address: agent.address, name: '' }]);
    expect(sim.admin.state(agent.address).exists).toBe(false);

    // an approval signed by a key with no account is refused
    const nobody = Signer.fromPrivateKey(Wallet.createRandom().privateKey);
    const n2 = Date.now();
    const a2 = approveAgentAction({ agentAddress: agent.address, nonce: n2 }, { isMainnet: false });
    const r2 = await postJson(`${sim.httpUrl}/exchange`, { action: approveAgentPostAction(a2), nonce: n2, signature: nobody.signUserSigned({ ...a2 }, APPROVE_AGENT_TYPES) });
    expect(r2.body).toEqual({ status: 'err', response: `Must deposit before performing actions. User: ${nobody.address.toLowerCase()}` });
  });

  test('429: injected on posts, then served again', async () => {
    sim.admin.http429(2);
    const a = await postJson(`${sim.httpUrl}/info`, { type: 'allMids' });
    const b = await t.exchange(noopAction());
    const c = await postJson(`${sim.httpUrl}/info`, { type: 'allMids' });
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
  });

  test('malformed bodies get the venue status codes, never a crash', async () => {
    const r = await fetch(`${sim.httpUrl}/exchange`, { method: 'POST', body: '{not json' });
    expect(r.status).toBe(400);
    const r2 = await postJson(`${sim.httpUrl}/exchange`, { action: { type: 'order', orders: 'x' }, nonce: 1, signature: { r: '0x1', s: '0x1', v: 27 } });
    expect(r2.status).toBe(422);
    expect(r2.body).toMatch(/^Failed to deserialize the JSON body into the target type/);
    const r3 = await postJson(`${sim.httpUrl}/info`, { type: 'nope' });
    expect(r3.status).toBe(422);
    expect((await postJson(`${sim.httpUrl}/info`, { type: 'allMids' })).status).toBe(200);
  });
});

describe('simulator limits', () => {
  test('IP weight: /info over the per-minute budget answers 429', async () => {
    const sim = await startTestSim({ limits: { ipWeightPerMinute: 10 } });
    try {
      const codes: number[] = [];
      // allMids weighs 2: five fit in 10
      for (let i = 0; i < 6; i++) codes.push((await postJson(`${sim.httpUrl}/info`, { type: 'allMids' })).status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await sim.stop();
    }
  });

  test('address budget: over the budget one request per 10 s gets through, the rest are refused', async () => {
    const sim = await startTestSim({ limits: { addressInitialBudget: 2 } });
    try {
      const t = new Trader(sim);
      sim.admin.fund(t.address, '1000');
      const out = [];
      for (let i = 0; i < 4; i++) out.push((await t.exchange(noopAction())).body);
      expect(out.slice(0, 3).every((b) => b.status === 'ok')).toBe(true);
      expect(out[3].status).toBe('err');
      expect(out[3].response).toMatch(/^Too many cumulative requests sent \(\d+ > 2\) for cumulative volume traded \$0\. Place taker orders to free up 1 request per USDC traded\.$/);
      const rl = await t.info({ type: 'userRateLimit', user: t.address });
      expect(rl.nRequestsUsed).toBe(3);
    } finally {
      await sim.stop();
    }
  });

  test('admin API over HTTP: ops take JSON bodies and answer JSON', async () => {
    const sim = await startTestSim();
    try {
      const addr = '0x' + '12'.repeat(20);
      const f = await postJson(`${sim.adminUrl}/admin/fund`, { address: addr, usd: '250' });
      expect(f.status).toBe(200);
      expect(f.body.result.balance).toBe('250');
      const p = await postJson(`${sim.adminUrl}/admin/setPrice`, { coin: 'ETH', px: '3000' });
      expect(p.body).toEqual({ ok: true, result: { markPx: '3000' } });
      const bad = await postJson(`${sim.adminUrl}/admin/shock`, { coin: 'ETH' });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(/^pct:/);
      expect((await postJson(`${sim.adminUrl}/admin/nope`, {})).status).toBe(404);
      const s = await postJson(`${sim.adminUrl}/admin/state`, { address: addr });
      expect(s.body.result).toMatchObject({ exists: true, balance: '250', positions: [], openOrders: [] });
    } finally {
      await sim.stop();
    }
  });
});
