/**
 * The signal gateway (config `gateway:`): a local WebSocket served by the hot-path worker, where
 * one external strategy process submits signals and cancels and is answered, for each, with the
 * gate result — synchronously, in the same turn of the event loop the frame arrived in — and
 * receives the execution events and market-state snapshots it subscribed to. Protocol:
 * ./protocol.ts and PROTOCOL.md; one client's handling: ./client-session.ts.
 *
 * Bound to loopback or a Unix socket (mode 0600) only; a client must present `Authorization:
 * Bearer <token>` (the token from the environment variable the config names), checked in constant
 * time before the upgrade. One strategy client per session: a second one is told why and closed.
 */
import { timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { GatewayConfig } from '../config/session';
import type { StrategyEvent } from '../strategy/events';
import { createLogger, type Logger } from '../util/log';
import { ClientSession, CLOSE, emptyStats, type GatewayStats } from './client-session';
import type { GatewayHost } from './host';
import type { ServerFrame } from './protocol';

export { CLOSE, type GatewayStats } from './client-session';

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
  const stats = emptyStats();
  let client: ClientSession | null = null;
  /** our own shutdown closes the client: that is not the strategy going away */
  let shuttingDown = false;

  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('a WebSocket endpoint: see src/gateway/PROTOCOL.md\n');
  });
  // ws enforces a hard ceiling (it closes with 1009); below it, a frame over maxFrameBytes is
  // answered with an error frame, so a client learns the limit instead of losing the connection.
  // UTF-8 is not validated by ws (which would close the connection): a bad text frame is answered
  // with an error frame like any other bad frame.
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

  function onConnection(ws: WebSocket): void {
    if (client !== null) {
      stats.refused.sessionTaken++;
      log.warn('gateway: a second strategy client was refused (one per session)');
      const reason = 'SessionTaken: another strategy client is connected to this session';
      ws.send(JSON.stringify({ type: 'error', code: 'SessionTaken', message: reason } satisfies ServerFrame));
      ws.close(CLOSE.sessionTaken, reason);
      return;
    }
    stats.connections++;
    log.info('gateway: strategy client connected');
    client = new ClientSession(ws, {
      config: cfg,
      host,
      log,
      stats,
      shuttingDown: () => shuttingDown,
      onClosed: (s) => {
        if (client === s) client = null;
      },
    });
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
      return client?.backlogBytes ?? 0;
    },
    publish(ev: StrategyEvent): void {
      client?.publish(ev);
    },
    async close(): Promise<void> {
      shuttingDown = true;
      client?.shutdown();
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
