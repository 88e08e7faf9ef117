/**
 * The signal gateway (config `gateway:`): a local WebSocket served by the hot-path worker, where
 * one external strategy process submits signals and cancels and is answered, for each, with the
 * gate result — synchronously, in the same turn of the event loop the frame arrived in — and
 * receives the execution events and market-state snapshots it subscribed to. Protocol: ./protocol.ts
 * and PROTOCOL.md.
 *
 * Bound to loopback or a Unix socket only; a client must present `Authorization: Bearer <token>`
 * (the token from the environment variable the config names), checked in constant time before the
 * upgrade. One strategy client per session: a second one is told why and closed. Limits: frame
 * size (a bigger frame gets an error frame, unparsed), message rate (token bucket), unread output
 * (a client that stops reading is disconnected). A bad frame gets an error frame, never a throw.
 * When the client goes away: nothing, cancel the orders it placed that are still open (default),
 * or HardStop.
 */
import { timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { GatewayConfig } from '../config/session';
import { STRATEGY_EVENT_TYPES, type StrategyEvent, type StrategyEventType } from '../strategy/events';
import { createLogger, type Logger } from '../util/log';
import type { GatewayHost } from './host';
import { parseClientFrame, PROTOCOL_VERSION, type ClientFrame, type ErrorCode, type ServerFrame } from './protocol';

/** Close codes (4000–4999 are the application's). */
export const CLOSE = { sessionTaken: 4409, slowConsumer: 4408, shutdown: 1001 } as const;

const Token = z.string().min(16, 'at least 16 characters').max(512);

export class GatewayConfigError extends Error {
  override name = 'GatewayConfigError';
}

/** The bearer token from the environment; a missing or short one names the field. */
export function gatewayToken(cfg: GatewayConfig, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[cfg.tokenEnv];
  if (v === undefined || v === '') throw new GatewayConfigError(`gateway.tokenEnv: the environment variable ${cfg.tokenEnv} is not set (it holds the bearer token strategy clients present)`);
  const r = Token.safeParse(v);
  if (!r.success) throw new GatewayConfigError(`gateway.tokenEnv: ${cfg.tokenEnv}: ${r.error.issues[0].message}`);
  return r.data;
}

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

export interface Gateway {
  /** ws://127.0.0.1:port or ws+unix:///path: (the `ws` package's form for Unix sockets) */
  readonly url: string;
  readonly stats: GatewayStats;
  readonly connected: boolean;
  /** bytes sent to the client that it has not read yet (0 without a client) */
  readonly backlogBytes: number;
  /** fan one event out to the client, if it subscribed to that type */
  publish(ev: StrategyEvent): void;
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  config: GatewayConfig;
  host: GatewayHost;
  token: string;
  log?: Logger;
}

interface Client {
  ws: WebSocket;
  tokens: number;
  refillAt: number;
  events: Set<StrategyEventType>;
  snapshotTimer: ReturnType<typeof setInterval> | undefined;
  /** cloids this client placed that may still be open (the disconnect policy cancels them) */
  owned: Set<string>;
  closed: boolean;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startGateway(o: StartGatewayOptions): Promise<Gateway> {
  const { config: cfg, host, token } = o;
  const log = o.log ?? createLogger('gateway');
  const stats: GatewayStats = {
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
  let client: Client | null = null;
  /** our own shutdown closes the client: that is not the strategy going away */
  let shuttingDown = false;

  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('a WebSocket endpoint: see src/gateway/PROTOCOL.md\n');
  });
  // ws enforces a hard ceiling (it closes with 1009); below it, a frame over maxFrameBytes is
  // answered with an error frame, so a client learns the limit instead of losing the connection
  // (UTF-8 is not validated by ws, which would close the connection: a bad text frame is answered
  // with an error frame like any other bad frame)
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(1 << 20, cfg.maxFrameBytes * 16), perMessageDeflate: false, skipUTF8Validation: true });

  server.on('upgrade', (req, socket, head) => {
    if (!tokenMatches(req.headers.authorization, token)) {
      stats.refused.unauthorized++;
      log.warn('gateway: connection refused (no or wrong bearer token)');
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  function send(c: Client, f: ServerFrame): void {
    if (c.closed) return;
    if (c.ws.bufferedAmount > cfg.maxBufferedBytes) {
      // it stopped reading: do not let its backlog grow in the hot path's memory
      log.warn('gateway: strategy client does not read its frames; disconnecting', { bufferedBytes: c.ws.bufferedAmount });
      c.closed = true;
      c.ws.close(CLOSE.slowConsumer, 'SlowConsumer: too much unread output');
      setTimeout(() => c.ws.terminate(), 1_000).unref?.();
      return;
    }
    c.ws.send(JSON.stringify(f));
  }

  function error(c: Client, code: ErrorCode, message: string, extra: { id?: string | number; field?: string } = {}): void {
    send(c, { type: 'error', ...(extra.id !== undefined ? { id: extra.id } : {}), code, ...(extra.field ? { field: extra.field } : {}), message });
  }

  function onConnection(ws: WebSocket): void {
    if (client !== null) {
      stats.refused.sessionTaken++;
      log.warn('gateway: a second strategy client was refused (one per session)');
      const reason = 'SessionTaken: another strategy client is connected to this session';
      ws.send(JSON.stringify({ type: 'error', code: 'SessionTaken', message: reason } satisfies ServerFrame));
      ws.close(CLOSE.sessionTaken, reason);
      return;
    }
    const c: Client = { ws, tokens: cfg.messageBurst, refillAt: host.clock(), events: new Set(), snapshotTimer: undefined, owned: new Set(), closed: false };
    client = c;
    stats.connections++;
    log.info('gateway: strategy client connected');
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(c, data as Buffer, isBinary);
      } catch (e) {
        // never into the hot path: the frame is answered and the connection lives on
        log.error('gateway: frame handling failed', { error: (e as Error).message });
        error(c, 'Internal', 'the gateway could not handle this frame');
      }
    });
    ws.on('close', () => onClose(c));
    ws.on('error', (e) => log.warn('gateway: client socket error', { error: e.message }));
    send(c, {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      session: host.sessionId,
      phase: host.phase(),
      hardStop: host.hardStopRecord(),
      markets: host.markets().map((m) => ({ coin: m.coin, szDecimals: m.szDecimals })),
      limits: { maxFrameBytes: cfg.maxFrameBytes, maxMessagesPerSecond: cfg.maxMessagesPerSecond, messageBurst: cfg.messageBurst, minSnapshotMs: cfg.minSnapshotMs },
      onDisconnect: cfg.onDisconnect,
    });
  }

  function takeToken(c: Client): boolean {
    const now = host.clock();
    c.tokens = Math.min(cfg.messageBurst, c.tokens + ((now - c.refillAt) * cfg.maxMessagesPerSecond) / 1000);
    c.refillAt = now;
    if (c.tokens < 1) return false;
    c.tokens -= 1;
    return true;
  }

  function onMessage(c: Client, data: Buffer, isBinary: boolean): void {
    if (c.closed) return;
    stats.frames++;
    if (data.length > cfg.maxFrameBytes) {
      stats.tooLarge++;
      return error(c, 'FrameTooLarge', `a frame is at most ${cfg.maxFrameBytes} bytes (this one: ${data.length})`);
    }
    if (!takeToken(c)) {
      stats.rateLimited++;
      return error(c, 'RateLimited', `at most ${cfg.maxMessagesPerSecond} messages per second (burst ${cfg.messageBurst}); this frame was not processed`);
    }
    if (isBinary) {
      stats.badFrames++;
      return error(c, 'BadFrame', 'text frames only (JSON)', { field: '(root)' });
    }
    const p = parseClientFrame(data.toString('utf8'));
    if (!p.ok) {
      stats.badFrames++;
      return error(c, 'BadFrame', p.message, { field: p.field, ...(p.id !== undefined ? { id: p.id } : {}) });
    }
    handle(c, p.frame);
  }

  function handle(c: Client, f: ClientFrame): void {
    const id = f.id !== undefined ? { id: f.id } : {};
    switch (f.type) {
      case 'signal': {
        stats.signals++;
        const result = host.submit(f.signal);
        if (result.status === 'Accepted') own(c, result.cloid);
        return send(c, { type: 'result', ...id, result });
      }
      case 'cancel': {
        stats.cancels++;
        // only its own orders: another's cloid is not an order of this client's
        const result = c.owned.has(f.cloid) || !host.isOpen(f.cloid)
          ? host.cancel({ cloid: f.cloid })
          : ({ status: 'Rejected', reason: 'UnknownOrder', field: 'cloid', message: 'cloid: not an order this client placed' } as const);
        return send(c, { type: 'cancelResult', ...id, cloid: f.cloid, result });
      }
      case 'subscribe': {
        c.events = new Set(f.events === true ? STRATEGY_EVENT_TYPES : f.events === false ? [] : f.events);
        clearInterval(c.snapshotTimer);
        c.snapshotTimer = undefined;
        const ms = f.snapshotMs === 0 ? 0 : Math.max(cfg.minSnapshotMs, f.snapshotMs);
        if (ms > 0) {
          c.snapshotTimer = setInterval(() => snapshot(c), ms);
          c.snapshotTimer.unref?.();
        }
        send(c, { type: 'subscribed', ...id, events: [...c.events], snapshotMs: ms });
        if (ms > 0) snapshot(c);
        return;
      }
      case 'ping':
        return send(c, { type: 'pong', ...id, at: host.clock() });
    }
  }

  function own(c: Client, cloid: string): void {
    c.owned.add(cloid);
    // forget orders that are done, now and then (events name most of them; this catches the rest)
    if (c.owned.size > 512) for (const x of c.owned) if (!host.isOpen(x)) c.owned.delete(x);
  }

  function snapshot(c: Client): void {
    try {
      stats.snapshotsSent++;
      send(c, { type: 'snapshot', at: host.clock(), phase: host.phase(), markets: host.markets(), positions: host.positions(), pending: host.orders() });
    } catch (e) {
      log.error('gateway: snapshot failed', { error: (e as Error).message });
    }
  }

  function onClose(c: Client): void {
    c.closed = true;
    clearInterval(c.snapshotTimer);
    if (client === c) client = null;
    stats.disconnects++;
    const open = [...c.owned].filter((x) => host.isOpen(x));
    if (shuttingDown) return;
    log.warn('gateway: strategy client disconnected', { policy: cfg.onDisconnect, openOrders: open.length });
    if (cfg.onDisconnect === 'cancel') {
      for (const cloid of open) if (host.cancel({ cloid }).status === 'Accepted') stats.disconnectCancels++;
    } else if (cfg.onDisconnect === 'hardStop') {
      host.hardStop('Operator', 'gateway:strategy-disconnected');
    }
  }

  // ---- listen: loopback TCP or a Unix socket ----
  const listen = cfg.listen;
  if ('socket' in listen) {
    // a stale socket file from a process that died would make listen fail with EADDRINUSE
    try {
      if (fs.statSync(listen.socket).isSocket()) fs.unlinkSync(listen.socket);
    } catch {
      /* no such file */
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('socket' in listen) server.listen(listen.socket, () => resolve());
    else server.listen(listen.port, listen.host, () => resolve());
  });
  if ('socket' in listen) fs.chmodSync(listen.socket, 0o600);
  const url = 'socket' in listen ? `ws+unix://${listen.socket}:/` : `ws://${hostForUrl(listen.host)}:${(server.address() as AddressInfo).port}`;
  log.info('gateway: listening for a strategy client', { url });

  return {
    url,
    stats,
    get connected() {
      return client !== null;
    },
    get backlogBytes() {
      return client?.ws.bufferedAmount ?? 0;
    },
    publish(ev: StrategyEvent): void {
      const c = client;
      if (!c || c.closed) return;
      if ((ev.type === 'cancelled' || ev.type === 'rejected') && ev.cloid) c.owned.delete(ev.cloid);
      if (!c.events.has(ev.type)) return;
      stats.eventsSent++;
      send(c, { type: 'event', event: ev });
    },
    async close(): Promise<void> {
      shuttingDown = true;
      const c = client;
      if (c) {
        clearInterval(c.snapshotTimer);
        c.ws.close(CLOSE.shutdown, 'the hot-path worker is shutting down');
      }
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
      if ('socket' in listen) fs.rmSync(listen.socket, { force: true });
    },
  };
}

function hostForUrl(h: string): string {
  return h.includes(':') ? `[${h}]` : h;
}
