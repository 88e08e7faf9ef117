/**
 * stop (#10): the hot path flattens from memory at the trigger while the durable stop sequence
 * flattens from a fresh venue read — both at once, both reduce-only. Against the real simulator:
 * the position ends at exactly zero and never flips, however the two interleave.
 */
import Decimal from 'decimal.js';
import { buildExchangeRequest, formatPrice, NonceManager, orderAction } from '../../../src/exchange/hyperliquid';
import { flattenOrderFromMemory } from '../../../src/executor/flatten-from-memory';
import { openExposure, startSimAccount, type SimAccount } from './sim-venue';

let acct: SimAccount;
beforeAll(async () => {
  acct = await startSimAccount(21);
});
afterAll(async () => {
  await acct?.sim.stop();
});

const A1 = () => ({ account: acct.address });

async function hotPathFlatten(coin: string, szi: string, nonces: NonceManager): Promise<unknown> {
  const [meta, ctxs] = await acct.http.metaAndAssetCtxs();
  const asset = meta.universe.findIndex((u) => u.name === coin);
  const szDecimals = meta.universe[asset].szDecimals;
  const rec = { coin, asset, szDecimals, markPx: ctxs[asset].markPx, midPx: ctxs[asset].markPx } as never;
  const o = flattenOrderFromMemory({ coin, szi }, rec, 500, '0x' + '0'.repeat(31) + '1', Date.now())!;
  // the executor loop puts the limit on the tick grid the conservative way (buy down, sell up)
  const px = formatPrice(o.limitPx, szDecimals, o.isBuy ? 'down' : 'up');
  const action = orderAction([{ asset, isBuy: o.isBuy, px, sz: o.size, reduceOnly: true, tif: 'Ioc' }]);
  const nonce = nonces.next();
  return acct.http.exchange(buildExchangeRequest(action, nonce, acct.signer.signL1(action, nonce, { isMainnet: false })) as never);
}

test.each([
  ['BTC', '0.03'],
  ['ETH', '-0.7'],
  ['SOL', '4'],
])('%s %s: hot-path flatten and durable flatten race; reduce-only makes the double send safe', async (coin, szi) => {
  await openExposure(acct, { [coin]: szi });
  const before = acct.state().positions.find((p) => p.coin === coin)!.szi;
  expect(new Decimal(before).toFixed()).toBe(new Decimal(szi).toFixed());
  const fills0 = acct.state().fills.length;
  const nonces = new NonceManager();
  const [, durable] = await Promise.all([
    hotPathFlatten(coin, before, nonces),
    acct.activities.flattenPositions({ ...A1(), coins: [coin], pricing: { widenBps: 50, maxSlippageBps: 500, maxOrderNotionalUsd: '1000000', maxOrdersPerAction: 40 } }),
  ]);
  const after = acct.state().positions.find((p) => p.coin === coin);
  expect(after === undefined || new Decimal(after.szi).isZero()).toBe(true);
  const fills = acct.state().fills.slice(fills0).filter((f) => f.coin === coin);
  // every fill on the closing side, and together exactly the position
  const closing = new Decimal(before).isNegative() ? 'B' : 'A';
  for (const f of fills) expect(f.side).toBe(closing);
  expect(fills.reduce((a, f) => a.plus(f.sz), new Decimal(0)).toFixed()).toBe(new Decimal(before).abs().toFixed());
  // one of the two found nothing left to reduce (or the durable one found the position already gone)
  expect(durable.orders.length).toBeLessThanOrEqual(1);
  expect((await acct.activities.confirmFlat(A1())).flat).toBe(true);
});
