/**
 * VenueClient: the executor's one door to the venue. Orders and info go over the WebSocket
 * `post` while the socket is up (lowest latency, one connection) and over HTTP otherwise.
 *
 * Fallback rules (why they differ):
 * - Info requests are read-only, so a WS transport failure (not connected, cap reached, link
 *   lost, timeout) is retried once over HTTP; the venue's own refusals (429) are not.
 * - An action falls back to HTTP only when the socket provably did not send it (not connected,
 *   100 posts in flight). Once sent, a lost link or a timeout means the outcome is unknown: the
 *   error goes back to the hot path, which reconciles by cloid instead of double-placing.
 */
import { createLogger, type Logger } from '../../util/log';
import type { ExchangeRequestLike, ExchangeResponseLike, OrderTransport } from '../../executor/ports';
import type { Endpoints } from './endpoints';
import {
  HttpClient,
  InfoApi,
  parseExchangeResponse,
  parseInfoResponse,
  RateLimitedError,
  validateExchangeRequest,
  validateInfoRequest,
  type ExchangeResponse,
  type HttpClientOpts,
  type InfoRequestOf,
} from './http-client';
import type { InfoRequestType, InfoResponseFor } from './schemas/info';
import type { Subscription } from './schemas/ws';
import { UserFeed, type FeedSource, type UserFeedHandlers, type UserFeedOpts } from './user-feed';
import {
  WsClient,
  WsNotConnectedError,
  WsPostError,
  WsTooManyInFlightError,
  type SubscriptionHandle,
  type SubscriptionHandler,
  type WsClientOpts,
  type WsState,
  type WsStats,
} from './ws-client';

export interface VenueClientOpts {
  httpUrl: string;
  /** null = HTTP only (stop activities, CLI) */
  wsUrl?: string | null;
  http?: HttpClientOpts;
  ws?: WsClientOpts;
  logger?: Logger;
}

export interface VenueClientStats {
  actionsViaWs: number;
  actionsViaHttp: number;
  infoViaWs: number;
  infoViaHttp: number;
  infoFallbacks: number;
  ws: WsStats | null;
  http: HttpClient['counters'];
}

export class VenueClient extends InfoApi implements OrderTransport, FeedSource {
  readonly http: HttpClient;
  readonly ws: WsClient | null;
  private readonly log: Logger;
  private readonly counters = { actionsViaWs: 0, actionsViaHttp: 0, infoViaWs: 0, infoViaHttp: 0, infoFallbacks: 0 };
  private feedUser: string | null = null;
  private readonly feeds = new Set<UserFeed>();

  constructor(opts: VenueClientOpts) {
    super();
    this.log = opts.logger ?? createLogger('venue');
    this.http = new HttpClient(opts.httpUrl, opts.http);
    this.ws = opts.wsUrl ? new WsClient(opts.wsUrl, { logger: this.log.child('ws'), ...opts.ws }) : null;
  }

  static fromEndpoints(ep: Endpoints, opts: Omit<VenueClientOpts, 'httpUrl' | 'wsUrl'> & { httpOnly?: boolean } = {}): VenueClient {
    return new VenueClient({ ...opts, httpUrl: ep.httpUrl, wsUrl: opts.httpOnly ? null : ep.wsUrl });
  }

  /** Opens the socket (no-op for HTTP only). Resolves when it is up. */
  async connect(timeoutMs?: number): Promise<void> {
    await this.ws?.connect(timeoutMs);
  }

  async close(): Promise<void> {
    await this.ws?.close();
  }

  socketUp(): boolean {
    return this.ws?.isUp ?? false;
  }

  socketState(): WsState {
    return this.ws?.state() ?? { up: false, since: 0 };
  }

  /** Connection state changes (READY-TRADING gate, disconnect trigger). Returns an unsubscribe. */
  onSocketState(cb: (s: WsState & { reconnect?: boolean }) => void): () => void {
    const ws = this.ws;
    if (!ws) return () => {};
    ws.on('state', cb);
    return () => ws.off('state', cb);
  }

  subscribe<S extends Subscription>(sub: S, handler: SubscriptionHandler<S>): SubscriptionHandle {
    if (!this.ws) throw new Error('subscribe: this VenueClient has no WebSocket (HTTP only)');
    return this.ws.subscribe(sub, handler);
  }

  /**
   * The account's fills, order updates, positions (and marks of opts.coins) as hot-path events,
   * each delivered once, reconciled after every reconnect. `user` = the account (or vault)
   * address, never the agent's.
   */
  userFeed(user: string, handlers: UserFeedHandlers, opts: UserFeedOpts = {}): UserFeed {
    // orderUpdates and user-channel frames do not say whose they are: one account per socket
    const who = user.toLowerCase();
    if (this.feedUser !== null && this.feedUser !== who) {
      throw new Error(`userFeed: this connection already carries ${this.feedUser}'s feed; use one VenueClient per account`);
    }
    this.feedUser = who;
    const feed: UserFeed = new UserFeed(this, user, handlers, {
      logger: this.log.child('feed'),
      ...opts,
      onStop: () => {
        opts.onStop?.();
        this.feeds.delete(feed);
        if (this.feeds.size === 0) this.feedUser = null;
      },
    });
    this.feeds.add(feed);
    return feed;
  }

  // ---------------------------------------------------------------- actions

  /** OrderTransport.post: one signed action, WS when up, HTTP otherwise. */
  async post(req: ExchangeRequestLike): Promise<ExchangeResponseLike> {
    return (await this.exchange(req)) as ExchangeResponseLike;
  }

  async exchange(req: ExchangeRequestLike, opts: { timeoutMs?: number } = {}): Promise<ExchangeResponse> {
    const body = validateExchangeRequest(req);
    const ws = this.ws;
    if (ws && ws.isUp && ws.inFlight < ws.maxInFlight) {
      try {
        const payload = await ws.post('action', body, opts);
        this.counters.actionsViaWs++;
        return parseExchangeResponse(payload, `ws exchange ${body.action.type}`);
      } catch (e) {
        // only a request the socket never sent may take the other road
        if (!(e instanceof WsNotConnectedError || e instanceof WsTooManyInFlightError)) throw e;
      }
    }
    this.counters.actionsViaHttp++;
    return this.http.exchange(body, opts);
  }

  // ---------------------------------------------------------------- info

  async info<T extends InfoRequestType>(req: InfoRequestOf<T>, opts: { timeoutMs?: number } = {}): Promise<InfoResponseFor<T>> {
    const body = validateInfoRequest(req);
    const ws = this.ws;
    if (ws && ws.isUp && ws.inFlight < ws.maxInFlight) {
      let data: unknown;
      let sent = false;
      try {
        data = await ws.post('info', body, opts);
        sent = true;
      } catch (e) {
        // the venue's own refusals (429, error answers) would only be repeated over HTTP
        if (e instanceof RateLimitedError || e instanceof WsPostError) throw e;
        this.counters.infoFallbacks++;
        this.log.debug('info over ws failed; using http', { type: body.type, error: e as Error });
      }
      if (sent) {
        this.counters.infoViaWs++;
        return parseInfoResponse(body.type as T, data);
      }
    }
    this.counters.infoViaHttp++;
    return this.http.info(req, opts);
  }

  stats(): VenueClientStats {
    return { ...this.counters, ws: this.ws?.stats() ?? null, http: { ...this.http.counters } };
  }
}
