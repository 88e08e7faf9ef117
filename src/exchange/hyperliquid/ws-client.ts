/**
 * WebSocket transport (hyperliquid.md §1): typed subscriptions, `post` requests correlated by id,
 * heartbeat, and reconnection.
 *
 * Why each rule exists:
 * - The venue closes a socket it sent nothing to for 60 s and drops connections without notice,
 *   so we ping (default every 30 s) and treat a missing pong (default 10 s) as a dead link.
 * - Reconnects use capped exponential backoff with jitter so many clients do not stampede.
 * - Subscriptions are re-sent after every reconnect (a lost subscription is silent data loss).
 * - A post is failed immediately when the socket is not up (a permanently closed socket must not
 *   turn every later request into a timeout) and when 100 posts are already in flight (the
 *   venue's limit); a post in flight when the link drops fails with an "outcome unknown" error.
 * - Server `error` frames that name a post id (`… id=1234`) fail that post now instead of letting
 *   it time out.
 * - Any frame that does not parse is counted and logged; it never throws out of the socket handler.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { createLogger, type Logger } from '../../util/log';
import { RateLimitedError, VenueTimeoutError } from './http-client';
import {
  CHANNEL_OF,
  frameMatches,
  parseWsFrame,
  postIdInErrorText,
  subscription as subscriptionSchema,
  subscriptionKey,
  type DataOf,
  type PostKind,
  type PostResponseData,
  type Subscription,
  type SubscriptionType,
  type WsFrame,
} from './schemas/ws';

/** The socket is not up: nothing was sent, so the request may safely go another way. */
export class WsNotConnectedError extends Error {
  override name = 'WsNotConnectedError';
  readonly sent = false;
}
/** The socket closed while the request was in flight: it may or may not have been executed. */
export class WsConnectionLostError extends Error {
  override name = 'WsConnectionLostError';
  readonly sent = true;
}
/** 100 posts are already waiting for an answer; nothing was sent. */
export class WsTooManyInFlightError extends Error {
  override name = 'WsTooManyInFlightError';
  readonly sent = false;
}
/** The venue answered the post with an error (payload text) or an error frame naming its id. */
export class WsPostError extends Error {
  override name = 'WsPostError';
  readonly sent = true;
  constructor(readonly text: string) {
    super(`post rejected by the venue: ${text.slice(0, 200)}`);
  }
}

export interface BackoffOpts {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: fraction of the delay that is randomised (0.5 → delay in [d/2, d]) */
  jitter: number;
}

/** Delay before reconnect attempt `attempt` (0-based): min(max, initial·factor^attempt), jittered down. */
export function backoffDelay(attempt: number, o: BackoffOpts, random: () => number = Math.random): number {
  const capped = Math.min(o.maxMs, o.initialMs * Math.pow(o.factor, Math.max(0, attempt)));
  const j = Math.min(1, Math.max(0, o.jitter));
  return Math.round(capped * (1 - j * random()));
}

export interface WsClientOpts {
  /** send `{"method":"ping"}` this often; default 30 s */
  pingIntervalMs?: number;
  /** reconnect when no pong arrives within this; default 10 s */
  pongTimeoutMs?: number;
  /** default per-post timeout; default 10 s */
  postTimeoutMs?: number;
  /** default 100 (the venue's limit) */
  maxInFlight?: number;
  /** handshake deadline per attempt; default 10 s */
  handshakeTimeoutMs?: number;
  backoff?: Partial<BackoffOpts>;
  random?: () => number;
  logger?: Logger;
  /** a fresh label for log lines */
  name?: string;
}

export interface WsState {
  up: boolean;
  /** ms since epoch of the last transition */
  since: number;
}

export interface WsStats {
  framesIn: number;
  malformed: number;
  unknownChannel: number;
  errorFrames: number;
  connects: number;
  reconnects: number;
  pingsSent: number;
  pongTimeouts: number;
  postsSent: number;
  postsTimedOut: number;
  postsInFlight: number;
  subscriptions: number;
  handlerErrors: number;
}

type ChannelFor<T extends SubscriptionType> = T extends 'userEvents' ? 'user' : T;
export type SubscriptionData<S extends Subscription> = DataOf<ChannelFor<S['type']>>;
export type SubscriptionHandler<S extends Subscription> = (data: SubscriptionData<S>) => void;

export interface SubscriptionHandle {
  /** resolves on the venue's subscriptionResponse for the current connection */
  readonly acked: Promise<void>;
  unsubscribe(): void;
}

interface SubEntry {
  sub: Subscription;
  key: string;
  handlers: Set<(data: unknown) => void>;
  acked: boolean;
  ackWaiters: (() => void)[];
}

interface Pending {
  kind: PostKind;
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

const DEFAULT_BACKOFF: BackoffOpts = { initialMs: 250, maxMs: 10_000, factor: 2, jitter: 0.5 };

export class WsClient extends EventEmitter {
  readonly url: string;
  private readonly o: Required<Omit<WsClientOpts, 'backoff' | 'logger' | 'name' | 'random'>> & {
    backoff: BackoffOpts;
    random: () => number;
  };
  private readonly log: Logger;
  private ws: WebSocket | null = null;
  private st: WsState = { up: false, since: Date.now() };
  private closedByUser = true;
  private attempt = 0;
  private everConnected = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private pongTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subs = new Map<string, SubEntry>();
  private readonly counters: Omit<WsStats, 'postsInFlight' | 'subscriptions'> = {
    framesIn: 0,
    malformed: 0,
    unknownChannel: 0,
    errorFrames: 0,
    connects: 0,
    reconnects: 0,
    pingsSent: 0,
    pongTimeouts: 0,
    postsSent: 0,
    postsTimedOut: 0,
    handlerErrors: 0,
  };

  constructor(url: string, opts: WsClientOpts = {}) {
    super();
    this.url = url;
    this.o = {
      pingIntervalMs: opts.pingIntervalMs ?? 30_000,
      pongTimeoutMs: opts.pongTimeoutMs ?? 10_000,
      postTimeoutMs: opts.postTimeoutMs ?? 10_000,
      maxInFlight: opts.maxInFlight ?? 100,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 10_000,
      backoff: { ...DEFAULT_BACKOFF, ...opts.backoff },
      random: opts.random ?? Math.random,
    };
    this.log = opts.logger ?? createLogger(opts.name ?? 'ws');
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Open the socket and keep it open (reconnecting) until close(). Resolves once it is up;
   * rejects after `timeoutMs` (reconnect attempts continue) or if close() comes first.
   */
  connect(timeoutMs = 15_000): Promise<void> {
    this.closedByUser = false;
    if (!this.ws && !this.reconnectTimer) this.open();
    if (this.st.up) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`ws ${this.url}: not connected within ${timeoutMs} ms`));
      }, timeoutMs);
      const onState = (s: WsState) => {
        if (s.up) {
          cleanup();
          resolve();
        }
      };
      const onClosed = () => {
        cleanup();
        reject(new WsNotConnectedError('closed before the connection was established'));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.off('state', onState);
        this.off('closed', onClosed);
      };
      this.on('state', onState);
      this.on('closed', onClosed);
    });
  }

  /** Close for good: no reconnect; pending posts fail. */
  async close(): Promise<void> {
    this.closedByUser = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    this.teardown(new WsConnectionLostError('connection closed by the client'));
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1_000);
        ws.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        ws.close();
      });
    }
    this.setState(false);
    this.emit('closed');
  }

  state(): WsState {
    return { ...this.st };
  }

  get isUp(): boolean {
    return this.st.up;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get maxInFlight(): number {
    return this.o.maxInFlight;
  }

  stats(): WsStats {
    return { ...this.counters, postsInFlight: this.pending.size, subscriptions: this.subs.size };
  }

  /** Drop the current socket as if the link died (tests, and the pong watchdog). */
  terminate(reason = 'terminated'): void {
    const ws = this.ws;
    if (!ws) return;
    this.log.warn('dropping socket', { reason });
    this.teardown(new WsConnectionLostError(`connection lost (${reason}); outcome unknown`));
    ws.terminate();
    this.setState(false);
    this.scheduleReconnect();
  }

  /** Skip the remaining backoff wait and reconnect now (operator action; tests that control the gap). */
  reconnectNow(): void {
    if (this.closedByUser || this.ws || !this.reconnectTimer) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.open();
  }

  private open(): void {
    const ws = new WebSocket(this.url, { handshakeTimeout: this.o.handshakeTimeoutMs, perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      const reconnect = this.everConnected;
      this.everConnected = true;
      this.attempt = 0;
      this.counters.connects++;
      if (reconnect) this.counters.reconnects++;
      this.startHeartbeat();
      // re-subscribe everything before anyone is told the link is up
      for (const e of this.subs.values()) {
        e.acked = false;
        this.sendRaw({ method: 'subscribe', subscription: e.sub });
      }
      this.setState(true, reconnect);
    });
    ws.on('message', (raw: WebSocket.RawData, isBinary: boolean) => {
      if (this.ws !== ws) return;
      this.onMessage(isBinary ? Buffer.from(raw as Buffer).toString('utf8') : raw.toString());
    });
    ws.on('error', (err: Error) => {
      // 'close' follows; the error is only logged (the URL is public, no secret in it)
      if (this.ws === ws) this.log.warn('socket error', { url: this.url, error: err.message });
    });
    ws.on('close', (code: number) => {
      if (this.ws !== ws) return;
      this.log.info('socket closed', { url: this.url, code });
      this.teardown(new WsConnectionLostError('connection closed while the request was in flight; outcome unknown'));
      this.setState(false);
      this.scheduleReconnect();
    });
  }

  /** Forget the socket and fail everything waiting on it. */
  private teardown(err: Error): void {
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.removeAllListeners('message');
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
    for (const e of this.subs.values()) e.acked = false;
  }

  private scheduleReconnect(): void {
    if (this.closedByUser || this.reconnectTimer) return;
    const delay = backoffDelay(this.attempt++, this.o.backoff, this.o.random);
    this.log.info('reconnecting', { url: this.url, inMs: delay, attempt: this.attempt });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closedByUser) this.open();
    }, delay);
    this.reconnectTimer.unref?.();
  }

  private setState(up: boolean, reconnect = false): void {
    if (this.st.up === up) return;
    this.st = { up, since: Date.now() };
    this.emit('state', { ...this.st, reconnect });
  }

  // ---------------------------------------------------------------- heartbeat

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.pingTimer = setInterval(() => this.ping(), this.o.pingIntervalMs);
    this.pingTimer.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = this.pongTimer = null;
  }

  private ping(): void {
    if (!this.sendRaw({ method: 'ping' })) return;
    this.counters.pingsSent++;
    if (this.pongTimer) return; // an earlier ping is still waiting: its deadline stands
    this.pongTimer = setTimeout(() => {
      this.pongTimer = null;
      this.counters.pongTimeouts++;
      this.terminate(`no pong within ${this.o.pongTimeoutMs} ms`);
    }, this.o.pongTimeoutMs);
    this.pongTimer.unref?.();
  }

  // ---------------------------------------------------------------- subscriptions

  /**
   * Subscribe now (if up) and after every reconnect. Several handlers may share one venue
   * subscription; the venue subscription is dropped when the last handler unsubscribes.
   */
  subscribe<S extends Subscription>(sub: S, handler: SubscriptionHandler<S>): SubscriptionHandle {
    const valid = subscriptionSchema.parse(sub) as Subscription;
    const key = subscriptionKey(valid);
    let e = this.subs.get(key);
    if (!e) {
      e = { sub: valid, key, handlers: new Set(), acked: false, ackWaiters: [] };
      this.subs.set(key, e);
      if (this.st.up) this.sendRaw({ method: 'subscribe', subscription: valid });
    }
    const entry = e;
    const h = handler as (data: unknown) => void;
    entry.handlers.add(h);
    const acked = entry.acked ? Promise.resolve() : new Promise<void>((resolve) => entry.ackWaiters.push(resolve));
    return {
      acked,
      unsubscribe: () => {
        entry.handlers.delete(h);
        if (entry.handlers.size === 0 && this.subs.get(key) === entry) {
          this.subs.delete(key);
          if (this.st.up) this.sendRaw({ method: 'unsubscribe', subscription: entry.sub });
        }
      },
    };
  }

  // ---------------------------------------------------------------- post

  /**
   * Send `{"method":"post"}` and resolve with the answer's payload: for `info` the `data` of
   * `{type, data}`, for `action` the /exchange response (unvalidated here; the caller parses it).
   */
  post(kind: PostKind, payload: object, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    if (!this.st.up || !this.ws || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new WsNotConnectedError('socket is not connected'));
    }
    if (this.pending.size >= this.o.maxInFlight) {
      return Promise.reject(new WsTooManyInFlightError(`${this.pending.size} posts in flight (max ${this.o.maxInFlight})`));
    }
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? this.o.postTimeoutMs;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) {
          this.counters.postsTimedOut++;
          reject(new VenueTimeoutError(`ws post ${kind} id=${id}`, timeoutMs));
        }
      }, timeoutMs);
      this.pending.set(id, { kind, resolve, reject, timer });
      if (!this.sendRaw({ method: 'post', id, request: { type: kind, payload } })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new WsNotConnectedError('socket closed before the request was sent'));
        return;
      }
      this.counters.postsSent++;
    });
  }

  // ---------------------------------------------------------------- inbound

  private onMessage(text: string): void {
    this.counters.framesIn++;
    // any frame proves the link is alive
    if (this.pongTimer) {
      clearTimeout(this.pongTimer);
      this.pongTimer = null;
    }
    const r = parseWsFrame(text);
    if (!r.ok) {
      if (r.channel !== undefined && r.reason.startsWith('unknown channel')) this.counters.unknownChannel++;
      else this.counters.malformed++;
      // a venue sending garbage in a loop must not flood the log: the first 20, then every 1000th
      const n = this.counters.malformed + this.counters.unknownChannel;
      if (n <= 20 || n % 1_000 === 0) {
        this.log.warn('frame ignored', { reason: r.reason.slice(0, 300), sample: text.slice(0, 120), ignoredSoFar: n });
      }
      this.emit('malformed', r.reason);
      return;
    }
    if (!('frame' in r)) return; // greeting
    try {
      this.dispatch(r.frame);
    } catch (e) {
      this.counters.handlerErrors++;
      this.log.error('frame handling failed', { channel: r.frame.channel, error: e as Error });
    }
  }

  private dispatch(f: WsFrame): void {
    switch (f.channel) {
      case 'pong':
        return;
      case 'post':
        return this.onPostResponse(f.data);
      case 'error':
        return this.onErrorFrame(f.data);
      case 'subscriptionResponse': {
        const s = subscriptionSchema.safeParse(f.data.subscription);
        if (!s.success) return;
        const e = this.subs.get(subscriptionKey(s.data));
        if (e && f.data.method === 'subscribe' && !e.acked) {
          e.acked = true;
          for (const w of e.ackWaiters.splice(0)) w();
        }
        return;
      }
      default:
        for (const e of this.subs.values()) {
          if (CHANNEL_OF[e.sub.type] !== f.channel || !frameMatches(e.sub, f)) continue;
          for (const h of e.handlers) {
            try {
              h(f.data);
            } catch (err) {
              this.counters.handlerErrors++;
              this.log.error('subscription handler threw', { channel: f.channel, error: err as Error });
            }
          }
        }
    }
  }

  private onPostResponse(d: PostResponseData): void {
    const p = this.pending.get(d.id);
    if (!p) return; // late answer after a timeout: already reported
    this.pending.delete(d.id);
    clearTimeout(p.timer);
    const resp = d.response;
    if (resp.type === 'error') {
      p.reject(/^429\b/.test(resp.payload) ? new RateLimitedError(resp.payload, `ws post id=${d.id}`) : new WsPostError(resp.payload));
    } else if (resp.type === 'info') {
      p.resolve(resp.payload.data);
    } else {
      p.resolve(resp.payload);
    }
  }

  private onErrorFrame(text: string): void {
    this.counters.errorFrames++;
    const id = postIdInErrorText(text);
    const p = id !== undefined ? this.pending.get(id) : undefined;
    if (p && id !== undefined) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new WsPostError(text));
      return;
    }
    this.log.warn('venue error frame', { text: text.slice(0, 300) });
    this.emit('venueError', text);
  }

  private sendRaw(msg: object): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    try {
      ws.send(JSON.stringify(msg));
      return true;
    } catch (e) {
      this.log.warn('send failed', { error: (e as Error).message });
      return false;
    }
  }
}
