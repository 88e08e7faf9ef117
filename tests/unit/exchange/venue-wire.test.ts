/**
 * The hot path's production WirePort (src/executor/wire.ts) composed over the real foundation,
 * exactly as the worker does it: createVenueWire({...actions, ...format}, signer, new NonceManager()).
 * This file also pins that composition at compile time (tsc type-checks tests).
 */
import * as actions from '../../../src/exchange/hyperliquid/actions';
import * as format from '../../../src/exchange/hyperliquid/format';
import { NonceManager, recoverL1Signer, Signer, exchangeRequestSchema } from '../../../src/exchange/hyperliquid';
import { createVenueWire } from '../../../src/executor/wire';

const signer = Signer.fromPrivateKey('0x' + '3c'.repeat(32));

test('createVenueWire over the foundation builds, formats and signs requests the venue recovers', () => {
  const vault = '0x' + '77'.repeat(20);
  const wire = createVenueWire({ ...actions, ...format }, signer, new NonceManager(), { isMainnet: false, vaultAddress: vault });
  const px = wire.formatPrice('97123.456', 5, 'up');
  const sz = wire.formatSize('0.0012349', 5);
  expect([px, sz]).toEqual(['97124', '0.00123']);
  const order = wire.orderAction([{ asset: 0, isBuy: true, px, sz, reduceOnly: false, tif: 'Ioc', cloid: '0x' + 'ab'.repeat(16) }]);
  const n1 = wire.nextNonce();
  const req = wire.sign(order, n1, n1 + 30_000);
  expect(exchangeRequestSchema.safeParse(req).success).toBe(true);
  expect(recoverL1Signer(req.action, req.nonce, { isMainnet: false, vaultAddress: req.vaultAddress, expiresAfter: req.expiresAfter }, req.signature)).toBe(signer.address);

  const cancel = wire.cancelByCloidAction([{ asset: 0, cloid: '0x' + 'ab'.repeat(16) }]);
  const n2 = wire.nextNonce();
  expect(n2).toBeGreaterThan(n1);
  const creq = wire.sign(cancel, n2, undefined);
  expect('expiresAfter' in creq).toBe(false);
  expect(recoverL1Signer(creq.action, creq.nonce, { isMainnet: false, vaultAddress: vault }, creq.signature)).toBe(signer.address);
  // the other network would recover a different address: mainnet/testnet replay protection
  expect(recoverL1Signer(creq.action, creq.nonce, { isMainnet: true, vaultAddress: vault }, creq.signature)).not.toBe(signer.address);
});
