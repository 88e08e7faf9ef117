/**
 * The hot-path worker's venue: orders go over the WebSocket `post` while the socket is up and
 * over HTTP /exchange otherwise; the feeds come from the same socket; the info calls the worker
 * makes at start and after a reconnect (meta, clearinghouseState, openOrders) go over HTTP, the
 * path that also works while the socket is down.
 *
 * A post whose socket dies after it was sent is NOT re-sent over HTTP: its outcome is unknown
 * (it may have landed), so the error goes to the hot path, which reconciles by cloid.
 */
import * as actions from '../src/exchange/hyperliquid/actions';
import { endpointsFor } from '../src/exchange/hyperliquid/endpoints';
import * as format from '../src/exchange/hyperliquid/format';
import { HttpClient, parseExchangeResponse, type ExchangeRequest } from '../src/exchange/hyperliquid/http-client';
import { NonceManager } from '../src/exchange/hyperliquid/nonce';
import { Signer } from '../src/exchange/hyperliquid/signer';
import { WsClient, WsNotConnectedError } from '../src/exchange/hyperliquid/ws-client';
import type { Subscription } from '../src/exchange/hyperliquid/schemas/ws';
import type { SessionConfig } from '../src/config/session';
import { createVenueWire } from '../src/executor/wire';
import type { ExchangeRequestLike, ExchangeResponseLike, WirePort } from '../src/executor/ports';
import { createLogger } from '../src/util/log';
import type { VenuePort } from './hotpath-worker';

export interface WsHttpVenueOpts {
  httpUrl: string;
  wsUrl: string;
  httpTimeoutMs?: number;
  postTimeoutMs?: number;
}

export class WsHttpVenue implements VenuePort {
  readonly ws: WsClient;
  readonly http: HttpClient;
  /** posts by path, for the status view and tests */
  readonly posts = { ws: 0, http: 0 };

  constructor(o: WsHttpVenueOpts) {
    this.ws = new WsClient(o.wsUrl, { postTimeoutMs: o.postTimeoutMs ?? 5_000, logger: createLogger('ws'), name: 'hotpath' });
    this.http = new HttpClient(o.httpUrl, { timeoutMs: o.httpTimeoutMs ?? 5_000 });
  }

  async connect(): Promise<void> {
    // a venue whose socket is down at start still lets the worker come up (not ready, no trading)
    try {
      await this.ws.connect();
    } catch (e) {
      createLogger('venue').warn('socket not up at start; retrying in the background', { error: (e as Error).message });
    }
  }

  close(): Promise<void> {
    return this.ws.close();
  }

  subscribe(sub: Record<string, unknown>, handler: (data: unknown) => void): void {
    this.ws.subscribe(sub as Subscription, handler as never);
  }

  onSocketState(cb: (up: boolean) => void): void {
    this.ws.on('state', (s: { up: boolean }) => cb(s.up));
  }

  socketUp(): boolean {
    return this.ws.isUp;
  }

  async post(req: ExchangeRequestLike): Promise<ExchangeResponseLike> {
    if (this.ws.isUp) {
      try {
        const r = await this.ws.post('action', req);
        this.posts.ws++;
        return parseExchangeResponse(r, 'ws post action') as ExchangeResponseLike;
      } catch (e) {
        // only "never sent" may go over HTTP; anything else has an unknown outcome
        if (!(e instanceof WsNotConnectedError)) throw e;
      }
    }
    this.posts.http++;
    return (await this.http.exchange(req as ExchangeRequest)) as ExchangeResponseLike;
  }

  meta() {
    return this.http.meta();
  }
  clearinghouseState(user: string) {
    return this.http.clearinghouseState(user);
  }
  openOrders(user: string) {
    return this.http.openOrders(user);
  }
}

export function venueEndpoints(cfg: SessionConfig) {
  return endpointsFor(cfg.venue.network, { httpUrl: cfg.venue.httpUrl, wsUrl: cfg.venue.wsUrl });
}

export async function createVenuePort(cfg: SessionConfig): Promise<WsHttpVenue> {
  const ep = venueEndpoints(cfg);
  return new WsHttpVenue({ httpUrl: ep.httpUrl, wsUrl: ep.wsUrl });
}

/** The signer named by the config: a key from an environment variable, or an encrypted keystore. */
export async function signerFor(cfg: SessionConfig, env: NodeJS.ProcessEnv = process.env): Promise<Signer> {
  const s = cfg.signer;
  if ('privateKeyEnv' in s) return Signer.fromEnv(s.privateKeyEnv, env);
  const password = env[s.passwordEnv];
  if (!password) throw new Error(`signer.passwordEnv: environment variable ${s.passwordEnv} is not set`);
  return Signer.fromKeystore(s.keystore, password);
}

export async function createWireFor(cfg: SessionConfig, signer?: Signer): Promise<WirePort> {
  const sg = signer ?? (await signerFor(cfg));
  const ep = venueEndpoints(cfg);
  return createVenueWire({ ...actions, ...format }, sg, new NonceManager(), {
    isMainnet: ep.isMainnet,
    ...(cfg.venue.vaultAddress ? { vaultAddress: cfg.venue.vaultAddress } : {}),
  });
}
