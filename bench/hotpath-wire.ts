/**
 * The wire the benchmark signs with: createVenueWire over the foundation (action builders, wire
 * formatting, Signer.signL1, NonceManager) when those modules are present; otherwise a stand-in
 * doing the same work shape (msgpack + keccak + secp256k1 over an L1 order action).
 */
import { encode } from '@msgpack/msgpack';
import { keccak256, SigningKey } from 'ethers';
import type { ExchangeRequestLike, WireOrderSpec, WirePort } from '../src/executor/ports';
import { createVenueWire, type FoundationWire, type L1Signer } from '../src/executor/wire';

const BENCH_KEY = '0x' + '11'.repeat(32); // a throwaway test key, never a real one

export function benchWire(): { name: string; wire: WirePort } {
  try {
    // loaded at run time so the benchmark still runs (with the stand-in) before the foundation lands
    const base = '../src/exchange/hyperliquid/';
    const actions = require(base + 'actions');
    const format = require(base + 'format');
    const { Signer } = require(base + 'signer');
    const { NonceManager } = require(base + 'nonce');
    const f: FoundationWire = { ...actions, ...format };
    const signer: L1Signer = Signer.fromPrivateKey(BENCH_KEY);
    return { name: 'production wire', wire: createVenueWire(f, signer, new NonceManager(), { isMainnet: false }) };
  } catch {
    return { name: 'stand-in wire', wire: standIn() };
  }
}

function standIn(): WirePort {
  const key = new SigningKey(BENCH_KEY);
  let nonce = Date.now();
  return {
    formatPrice: (px) => px,
    formatSize: (sz) => sz,
    orderAction: (orders: WireOrderSpec[]) => ({
      type: 'order',
      orders: orders.map((o) => ({ a: o.asset, b: o.isBuy, p: o.px, s: o.sz, r: o.reduceOnly, t: { limit: { tif: o.tif ?? 'Gtc' } }, c: o.cloid })),
      grouping: 'na',
    }),
    cancelByCloidAction: (c) => ({ type: 'cancelByCloid', cancels: c }),
    cancelAction: (c) => ({ type: 'cancel', cancels: c.map((x) => ({ a: x.asset, o: x.oid })) }),
    nextNonce: () => ++nonce,
    sign(action: unknown, n: number, expiresAfter?: number): ExchangeRequestLike {
      const body = encode(action);
      const tail = new Uint8Array(9 + (expiresAfter ? 9 : 0));
      new DataView(tail.buffer).setBigUint64(0, BigInt(n));
      const buf = new Uint8Array(body.length + tail.length);
      buf.set(body);
      buf.set(tail, body.length);
      const sig = key.sign(keccak256(buf));
      return { action, nonce: n, signature: { r: sig.r, s: sig.s, v: sig.v }, expiresAfter };
    },
  };
}
