/**
 * One connected strategy client: its message budget, its subscriptions, the orders it placed
 * (which the disconnect policy cancels), and the handling of each of its frames. Every frame is
 * answered; none throws into the hot path.
 */
import type { WebSocket } from 'ws';
import type { GatewayConfig } from '../config/session';
import { STRATEGY_EVENT_TYPES, type StrategyEvent, type StrategyEventType } from '../strategy/events';
import type { Logger } from '../util/log';
import type { GatewayHost } from './host';
import { parseClientFrame, PROTOCOL_VERSION, type ClientFrame, type ErrorCode, type ServerFrame } from './protocol';

/** Close codes (4000–4999 are the application's). */
export const CLOSE = { sessionTaken: 4409, slowConsumer: 4408, shutdown: 1001 } as const;

export interface GatewayStats {
  connections: number;
  refused: { unauthorized: number; sessionTaken: number };
  frames: number;
  badFrames: number;
  tooLarge: number;
  rateLimited: number;
  signals: number;
  cancels: number;
  eventsSent: number;
  snapshotsSent: number;
  disconnects: number;
  disconnectCancels: number;
}

export function emptyStats(): GatewayStats {
  return {
    connections: 0,
    refused: { unauthorized: 0, sessionTaken: 0 },
    frames: 0,
    badFrames: 0,
    tooLarge: 0,
    rateLimited: 0,
    signals: 0,
    cancels: 0,
    eventsSent: 0,
    snapshotsSent: 0,
    disconnects: 0,
    disconnectCancels: 0,
  };
}

export interface ClientSessionDeps {
  config: GatewayConfig;
  host: GatewayHost;
  log: Logger;
  stats: GatewayStats;
  /** the socket closed (after the disconnect policy ran, unless the gateway itself is shutting down) */
  onClosed: (s: ClientSession) => void;
  shuttingDown: () => boolean;
}

export class ClientSession {
  private tokens: number;
  private refillAt: number;
  private events = new Set<StrategyEventType>();
  private snapshotTimer: ReturnType<typeof setInterval> | undefined;
  /** cloids this client placed that may still be open */
  private readonly owned = new Set<string>();
  private closed = false;

  constructor(
    readonly ws: WebSocket,
    private readonly d: ClientSessionDeps,
  ) {
    this.tokens = d.config.messageBurst;
    this.refillAt = d.host.clock();
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(data as Buffer, isBinary);
      } catch (e) {
        // never into the hot path: the frame is answered and the connection lives on
        d.log.error('gateway: frame handling failed', { error: (e as Error).message });
        this.error('Internal', 'the gateway could not handle this frame');
      }
    });
    ws.on('close', () => this.onClose());
    ws.on('error', (e) => d.log.warn('gateway: client socket error', { error: e.message }));
    const cfg = d.config;
    this.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      session: d.host.sessionId,
      phase: d.host.phase(),
      hardStop: d.host.hardStopRecord(),
      markets: d.host.markets().map((m) => ({ coin: m.coin, szDecimals: m.szDecimals })),
      limits: { maxFrameBytes: cfg.maxFrameBytes, maxMessagesPerSecond: cfg.maxMessagesPerSecond, messageBurst: cfg.messageBurst, minSnapshotMs: cfg.minSnapshotMs },
      onDisconnect: cfg.onDisconnect,
    });
  }

  get backlogBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** One event, if the client subscribed to its type; done orders are forgotten. */
  publish(ev: StrategyEvent): void {
    if (this.closed) return;
    if ((ev.type === 'cancelled' || ev.type === 'rejected') && ev.cloid) this.owned.delete(ev.cloid);
    if (!this.events.has(ev.type)) return;
    this.d.stats.eventsSent++;
    this.send({ type: 'event', event: ev });
  }

  /** The gateway shuts down: close without the disconnect policy. */
  shutdown(): void {
    clearInterval(this.snapshotTimer);
    this.ws.close(CLOSE.shutdown, 'the hot-path worker is shutting down');
  }

  private send(f: ServerFrame): void {
    if (this.closed) return;
    if (this.ws.bufferedAmount > this.d.config.maxBufferedBytes) {
      // it stopped reading: do not let its backlog grow in the hot path's memory
      this.d.log.warn('gateway: strategy client does not read its frames; disconnecting', { bufferedBytes: this.ws.bufferedAmount });
      this.closed = true;
      this.ws.close(CLOSE.slowConsumer, 'SlowConsumer: too much unread output');
      setTimeout(() => this.ws.terminate(), 1_000).unref?.();
      return;
    }
    this.ws.send(JSON.stringify(f));
  }

  private error(code: ErrorCode, message: string, extra: { id?: string | number; field?: string } = {}): void {
    this.send({ type: 'error', ...(extra.id !== undefined ? { id: extra.id } : {}), code, ...(extra.field ? { field: extra.field } : {}), message });
  }

  private takeToken(): boolean {
    const { maxMessagesPerSecond, messageBurst } = this.d.config;
    const now = this.d.host.clock();
    this.tokens = Math.min(messageBurst, this.tokens + ((now - this.refillAt) * maxMessagesPerSecond) / 1000);
    this.refillAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    const { stats, config: cfg } = this.d;
    stats.frames++;
    if (data.length > cfg.maxFrameBytes) {
      stats.tooLarge++;
      return this.error('FrameTooLarge', `a frame is at most ${cfg.maxFrameBytes} bytes (this one: ${data.length})`);
    }
    if (!this.takeToken()) {
      stats.rateLimited++;
      return this.error('RateLimited', `at most ${cfg.maxMessagesPerSecond} messages per second (burst ${cfg.messageBurst}); this frame was not processed`);
    }
    if (isBinary) {
      stats.badFrames++;
      return this.error('BadFrame', 'text frames only (JSON)', { field: '(root)' });
    }
    const p = parseClientFrame(data.toString('utf8'));
    if (!p.ok) {
      stats.badFrames++;
      return this.error('BadFrame', p.message, { field: p.field, ...(p.id !== undefined ? { id: p.id } : {}) });
    }
    this.handle(p.frame);
  }

  private handle(f: ClientFrame): void {
    const { host, stats } = this.d;
    const id = f.id !== undefined ? { id: f.id } : {};
    switch (f.type) {
      case 'signal': {
        stats.signals++;
        const result = host.submit(f.signal);
        if (result.status === 'Accepted') this.own(result.cloid);
        return this.send({ type: 'result', ...id, result });
      }
      case 'cancel': {
        stats.cancels++;
        // only its own orders: another's cloid is not an order of this client's
        const result =
          this.owned.has(f.cloid) || !host.isOpen(f.cloid)
            ? host.cancel({ cloid: f.cloid })
            : ({ status: 'Rejected', reason: 'UnknownOrder', field: 'cloid', message: 'cloid: not an order this client placed' } as const);
        return this.send({ type: 'cancelResult', ...id, cloid: f.cloid, result });
      }
      case 'subscribe':
        return this.subscribe(f, id);
      case 'ping':
        return this.send({ type: 'pong', ...id, at: host.clock() });
    }
  }

  private subscribe(f: Extract<ClientFrame, { type: 'subscribe' }>, id: { id?: string | number }): void {
    this.events = new Set(f.events === true ? STRATEGY_EVENT_TYPES : f.events === false ? [] : f.events);
    clearInterval(this.snapshotTimer);
    this.snapshotTimer = undefined;
    const ms = f.snapshotMs === 0 ? 0 : Math.max(this.d.config.minSnapshotMs, f.snapshotMs);
    if (ms > 0) {
      this.snapshotTimer = setInterval(() => this.snapshot(), ms);
      this.snapshotTimer.unref?.();
    }
    this.send({ type: 'subscribed', ...id, events: [...this.events], snapshotMs: ms });
    if (ms > 0) this.snapshot();
  }

  private own(cloid: string): void {
    this.owned.add(cloid);
    // forget orders that are done, now and then (events name most of them; this catches the rest)
    if (this.owned.size > 512) for (const x of this.owned) if (!this.d.host.isOpen(x)) this.owned.delete(x);
  }

  private snapshot(): void {
    const h = this.d.host;
    try {
      this.d.stats.snapshotsSent++;
      this.send({ type: 'snapshot', at: h.clock(), phase: h.phase(), markets: h.markets(), positions: h.positions(), pending: h.orders() });
    } catch (e) {
      this.d.log.error('gateway: snapshot failed', { error: (e as Error).message });
    }
  }

  private onClose(): void {
    const { host, stats, config: cfg, log } = this.d;
    this.closed = true;
    clearInterval(this.snapshotTimer);
    stats.disconnects++;
    if (!this.d.shuttingDown()) {
      const open = [...this.owned].filter((x) => host.isOpen(x));
      log.warn('gateway: strategy client disconnected', { policy: cfg.onDisconnect, openOrders: open.length });
      if (cfg.onDisconnect === 'cancel') {
        for (const cloid of open) if (host.cancel({ cloid }).status === 'Accepted') stats.disconnectCancels++;
      } else if (cfg.onDisconnect === 'hardStop') {
        host.hardStop('Operator', 'gateway:strategy-disconnected');
      }
    }
    this.d.onClosed(this);
  }
}
