/**
 * Where the venue lives. The executor never branches on simulator vs. real venue beyond this:
 * only URLs change (issue 3). `isMainnet` picks the phantom-agent source the signer uses.
 */
export type Network = 'sim' | 'testnet' | 'mainnet';

export interface Endpoints {
  /** base URL; `/info` and `/exchange` are appended */
  httpUrl: string;
  wsUrl: string;
  isMainnet: boolean;
}

const KNOWN: Record<Exclude<Network, 'sim'>, Endpoints> = {
  testnet: { httpUrl: 'https://api.hyperliquid-testnet.xyz', wsUrl: 'wss://api.hyperliquid-testnet.xyz/ws', isMainnet: false },
  mainnet: { httpUrl: 'https://api.hyperliquid.xyz', wsUrl: 'wss://api.hyperliquid.xyz/ws', isMainnet: true },
};

/** Default simulator address (`hlx sim` without --port); tests pass the simulator's own URLs. */
export const DEFAULT_SIM_PORT = 8787;

export function endpointsFor(network: Network, overrides: { httpUrl?: string; wsUrl?: string } = {}): Endpoints {
  let base: Endpoints;
  if (network === 'sim') {
    // the simulator signs/verifies like testnet unless started with --chain mainnet
    base = { httpUrl: `http://127.0.0.1:${DEFAULT_SIM_PORT}`, wsUrl: `ws://127.0.0.1:${DEFAULT_SIM_PORT}/ws`, isMainnet: false };
  } else if (network in KNOWN) {
    base = KNOWN[network];
  } else {
    throw new Error(`network: expected sim, testnet or mainnet, got ${JSON.stringify(network)}`);
  }
  const httpUrl = stripSlash(overrides.httpUrl ?? base.httpUrl);
  const wsUrl = overrides.wsUrl ?? (overrides.httpUrl ? wsFromHttp(httpUrl) : base.wsUrl);
  return { httpUrl, wsUrl, isMainnet: base.isMainnet };
}

function stripSlash(u: string): string {
  return u.replace(/\/+$/, '');
}

/** `http://h:p` → `ws://h:p/ws` (the venue's and the simulator's socket path). */
export function wsFromHttp(httpUrl: string): string {
  return `${stripSlash(httpUrl).replace(/^http/, 'ws')}/ws`;
}
