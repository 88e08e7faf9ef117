/** The simulator's ledger records what the venue accepted and refused, with nonce, account, orders, marks, fills. */
import { Wallet } from 'ethers';
import { buildExchangeRequest, orderAction, Signer } from '../../../src/exchange/hyperliquid';
import { startSimulator, type RunningSimulator } from '../../../src/sim';
import type { LedgerAction, LedgerFill } from '../../../src/sim/ledger';

let sim: RunningSimulator;
const key = Wallet.createRandom().privateKey;
const signer = Signer.fromPrivateKey(key);
const me = signer.address.toLowerCase();
beforeAll(async () => {
  sim = await startSimulator({ port: 0, tickMs: 0, seed: 3, fund: { [me]: '10000' } });
});
afterAll(() => sim.stop());

function send(orders: Parameters<typeof orderAction>[0], nonce: number, expiresAfter?: number) {
  const action = orderAction(orders);
  const sig = signer.signL1(action, nonce, { isMainnet: false, ...(expiresAfter ? { expiresAfter } : {}) });
  return sim.venue.exchange(buildExchangeRequest(action, nonce, sig, expiresAfter ? { expiresAfter } : {}) as never, '127.0.0.1');
}

test('an accepted IOC, a refused nonce and an expired action are all in the ledger, with the fill', () => {
  const nonce = Date.now();
  send([{ asset: 0, isBuy: true, px: '120000', sz: '0.0002', reduceOnly: false, tif: 'Ioc' }], nonce);
  send([{ asset: 0, isBuy: true, px: '120000', sz: '0.0002', reduceOnly: false, tif: 'Ioc' }], nonce); // nonce reused
  send([{ asset: 0, isBuy: false, px: '1', sz: '0.0002', reduceOnly: true, tif: 'Ioc' }], nonce + 1, Date.now() - 1_000);
  sim.admin.tick(); // the servers flush the engine's events after each request; called directly, a tick does it
  const entries = sim.admin.ledger().entries;
  const actions = entries.filter((e): e is LedgerAction => e.kind === 'action');
  expect(actions).toHaveLength(3);
  expect(actions[0]).toMatchObject({ account: me, signer: me, nonce, type: 'order', accepted: true, orders: [{ coin: 'BTC', isBuy: true, reduceOnly: false, tif: 'Ioc', outcome: 'filled' }], positionsAfter: { BTC: '0.0002' } });
  expect(Number(actions[0]!.marks!.BTC)).toBeGreaterThan(0);
  expect(actions[1]).toMatchObject({ accepted: false, nonce, orders: [{ outcome: 'error' }] });
  expect(actions[1]!.error).toMatch(/nonce/i);
  expect(actions[2]).toMatchObject({ accepted: false, orders: [{ reduceOnly: true, outcome: 'error' }] });
  expect(actions[2]!.error).toMatch(/expired/i);
  const fills = entries.filter((e): e is LedgerFill => e.kind === 'fill');
  expect(fills).toHaveLength(1);
  expect(fills[0]).toMatchObject({ account: me, coin: 'BTC', side: 'B', sz: '0.0002' });
  // since: only what came after
  expect(sim.admin.ledger(actions[1]!.seq).entries.map((e) => e.seq)).toEqual(entries.filter((e) => e.seq > actions[1]!.seq).map((e) => e.seq));
});
