/**
 * The hot-path worker's venue and signing, built from the session config: TRANSPORTS'
 * VenueClient (orders over the WebSocket `post` while the socket is up, HTTP otherwise; an order
 * already sent is never re-sent over HTTP) and the FOUNDATION wire (actions, formatting, Signer,
 * NonceManager) composed by the hot path's createVenueWire.
 */
import * as actions from '../src/exchange/hyperliquid/actions';
import { endpointsFor } from '../src/exchange/hyperliquid/endpoints';
import * as format from '../src/exchange/hyperliquid/format';
import { NonceManager } from '../src/exchange/hyperliquid/nonce';
import { Signer } from '../src/exchange/hyperliquid/signer';
import { VenueClient } from '../src/exchange/hyperliquid/venue-client';
import type { SessionConfig } from '../src/config/session';
import { createVenueWire } from '../src/executor/wire';
import type { WirePort } from '../src/executor/ports';
import { createLogger } from '../src/util/log';

export function venueEndpoints(cfg: SessionConfig) {
  return endpointsFor(cfg.venue.network, { httpUrl: cfg.venue.httpUrl, wsUrl: cfg.venue.wsUrl });
}

export function createVenueClient(cfg: SessionConfig): VenueClient {
  return VenueClient.fromEndpoints(venueEndpoints(cfg), {
    http: { timeoutMs: 5_000 },
    ws: { postTimeoutMs: 5_000 },
    logger: createLogger('venue'),
  });
}

/** The signer named by the config: a key from an environment variable, or an encrypted keystore. */
export async function signerFor(cfg: SessionConfig, env: NodeJS.ProcessEnv = process.env): Promise<Signer> {
  const s = cfg.signer;
  if ('privateKeyEnv' in s) return Signer.fromEnv(s.privateKeyEnv, env);
  const password = env[s.passwordEnv];
  if (!password) throw new Error(`signer.passwordEnv: environment variable ${s.passwordEnv} is not set`);
  return Signer.fromKeystore(s.keystore, password);
}

/** `nonces`: pass one sequence when another signer in this process uses the same key (the demo's stop worker). */
export async function createWireFor(cfg: SessionConfig, signer?: Signer, nonces: { next(): number } = new NonceManager()): Promise<WirePort> {
  const sg = signer ?? (await signerFor(cfg));
  const ep = venueEndpoints(cfg);
  return createVenueWire({ ...actions, ...format }, sg, nonces, {
    isMainnet: ep.isMainnet,
    ...(cfg.venue.vaultAddress ? { vaultAddress: cfg.venue.vaultAddress } : {}),
  });
}
