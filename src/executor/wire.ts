/**
 * The production WirePort: the foundation's action builders and wire formatting, the Signer's
 * signL1 and the NonceManager, composed for the executor loop.
 *
 * The foundation pieces are passed in (the worker does
 * `createVenueWire({ ...actions, ...format }, signer, nonceManager, opts)` with
 * `import * as actions from '../exchange/hyperliquid/actions'` and
 * `import * as format from '../exchange/hyperliquid/format'`), so this folder has no compile-time
 * dependency on the protocol layer and tests can pass fakes.
 */
import type { ExchangeRequestLike, SignatureLike, WireOrderSpec, WirePort } from './ports';

/** The foundation's functions this port needs (src/exchange/hyperliquid/{actions,format}.ts). */
export interface FoundationWire {
  orderAction(orders: WireOrderSpec[], opts?: unknown): unknown;
  cancelAction(cancels: { asset: number; oid: number }[], opts?: { fast?: boolean }): unknown;
  cancelByCloidAction(cancels: { asset: number; cloid: string }[], opts?: unknown): unknown;
  formatPrice(px: string, szDecimals: number, rounding: 'nearest' | 'up' | 'down'): string;
  formatSize(sz: string, szDecimals: number, rounding: 'nearest' | 'down'): string;
}

/** The foundation's Signer (src/exchange/hyperliquid/signer.ts). */
export interface L1Signer {
  signL1(action: unknown, nonce: number, opts: { isMainnet: boolean; vaultAddress?: string; expiresAfter?: number }): SignatureLike;
}

export interface VenueWireOpts {
  isMainnet: boolean;
  vaultAddress?: string;
}

export function createVenueWire(f: FoundationWire, signer: L1Signer, nonces: { next(): number }, opts: VenueWireOpts): WirePort {
  return {
    formatPrice: (px, szDecimals, rounding) => f.formatPrice(px, szDecimals, rounding),
    // sizes were validated against szDecimals at the gate, so 'down' never changes them
    formatSize: (sz, szDecimals) => f.formatSize(sz, szDecimals, 'down'),
    orderAction: (orders) => f.orderAction(orders),
    cancelByCloidAction: (cancels) => f.cancelByCloidAction(cancels),
    cancelAction: (cancels) => f.cancelAction(cancels),
    nextNonce: () => nonces.next(),
    sign(action, nonce, expiresAfter): ExchangeRequestLike {
      const signature = signer.signL1(action, nonce, {
        isMainnet: opts.isMainnet,
        ...(opts.vaultAddress ? { vaultAddress: opts.vaultAddress } : {}),
        ...(expiresAfter !== undefined ? { expiresAfter } : {}),
      });
      return {
        action,
        nonce,
        signature,
        ...(opts.vaultAddress ? { vaultAddress: opts.vaultAddress } : {}),
        ...(expiresAfter !== undefined ? { expiresAfter } : {}),
      };
    },
  };
}
