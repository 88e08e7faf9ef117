/**
 * The wire the benchmark signs with: the production one — createVenueWire over the foundation's
 * action builders, wire formatting, Signer.signL1 and NonceManager — so the figure for
 * `tick() → signed batch` is what the hot-path worker pays.
 */
import * as actions from '../src/exchange/hyperliquid/actions';
import * as format from '../src/exchange/hyperliquid/format';
import { NonceManager } from '../src/exchange/hyperliquid/nonce';
import { Signer } from '../src/exchange/hyperliquid/signer';
import type { WirePort } from '../src/executor/ports';
import { createVenueWire } from '../src/executor/wire';

const BENCH_KEY = '0x' + '11'.repeat(32); // a throwaway test key, never a real one

export function benchWire(): { name: string; wire: WirePort } {
  const wire = createVenueWire({ ...actions, ...format }, Signer.fromPrivateKey(BENCH_KEY), new NonceManager(), { isMainnet: false });
  return { name: 'production wire', wire };
}
