/**
 * startSimulator: the embedded Hyperliquid-compatible venue. One HTTP server carries POST /info,
 * POST /exchange and the /ws upgrade; a second HTTP server, always on 127.0.0.1, carries the
 * admin API. A timer advances the seeded price process every `tickMs`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidWirePrice, isValidWireSize } from '../exchange/hyperliquid/format';
import { createLogger } from '../util/log';
import { isSnapshotRequest } from './faults';
import { ADMIN_OP_NAMES, SimAdmin, createAdmin, runAdminOp } from './admin';
import { BookDepthConfig } from './book';
import { Engine } from './engine';
import { Faults } from './faults';
import { LimitConfig, VENUE_LIMITS } from './limits';
import { DEFAULT_MARKETS, buildMarkets } from './markets';
import { usdFromString } from './money';
import { Chain, Venue, VenueReply } from './venue';
import { WsHub } from './ws-server';

const log = createLogger('sim');

export interface SimulatorOptions {
  /** 0 = any free port */
  port?: number;
  host?: string;
  seed?: number;
  markets?: string[];
  chain?: Chain;
  /** address → USD collateral at start */
  fund?: Record<string, string>;
  /** price-process step period; 0 disables the timer (tests drive `admin.tick()`) */
  tickMs?: number;
  /** admin API port on 127.0.0.1; 0 = any free port */
  adminPort?: number;
  /** override the venue's limits (benchmarks lift them, tests tighten them) */
  limits?: Partial<LimitConfig>;
  depth?: BookDepthConfig;
}

export interface RunningSimulator {
  httpUrl: string;
  wsUrl: string;
  adminUrl: string;
  admin: SimAdmin;
  /** for tests and benches that want the engine itself */
  venue: Venue;
  stop(): Promise<void>;
}

const MAX_BODY = 1 << 20;

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const seed = opts.seed ?? 1;
  const chain = opts.chain ?? 'testnet';
  const limits: LimitConfig = { ...VENUE_LIMITS, ...opts.limits };
  const faults = new Faults();
  const engine = new Engine({ markets: buildMarkets(opts.markets ?? DEFAULT_MARKETS), seed, rules: { isValidWirePrice, isValidWireSize }, faults, depth: opts.depth });
  const venue = new Venue(engine, chain, limits);
  for (const [address, usd] of Object.entries(opts.fund ?? {})) {
    const v = usdFromString(usd);
    if (v === null || !/^0x[0-9a-fA-F]{40}$/.test(address)) throw new Error(`fund: bad entry ${address}=${usd}`);
    engine.fund(address, v);
  }
  engine.drain();

  const flush = () => hub.publish(venue.ledger.events(engine.drain()));
  const hub: WsHub = new WsHub(venue, faults, limits, flush);

  const server = http.createServer((req, res) => {
    void handleVenueHttp(req, res, venue, faults, flush);
  });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    hub.handleUpgrade(req, socket, head);
  });

  const admin = createAdmin({
    engine,
    agentsOf: (user) => [...venue.agents.entries()].filter(([, g]) => g.user === user).map(([address, g]) => ({ address, name: g.name })),
    dropSockets: () => hub.dropAll(),
    flush,
    publishTick: () => hub.publishTick(),
    ledger: venue.ledger,
  });
  const adminServer = http.createServer((req, res) => {
    void handleAdminHttp(req, res, admin);
  });

  await listen(server, opts.port ?? 0, host);
  await listen(adminServer, opts.adminPort ?? 0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  const adminPort = (adminServer.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const tickMs = opts.tickMs ?? 1000;
  const timer =
    tickMs > 0
      ? setInterval(() => {
          try {
            engine.tick();
            flush();
            hub.publishTick();
          } catch (e) {
            log.error('tick failed', { error: e instanceof Error ? e.message : String(e) });
          }
        }, tickMs)
      : undefined;

  let stopped = false;
  return {
    httpUrl: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port}/ws`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    admin,
    venue,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await hub.close();
      await Promise.all([closeServer(server), closeServer(adminServer)]);
    },
  };
}

async function handleVenueHttp(req: http.IncomingMessage, res: http.ServerResponse, venue: Venue, faults: Faults, flush: () => void): Promise<void> {
  try {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== '/info' && path !== '/exchange')) {
      return reply(res, { status: 404, body: 'Not Found' });
    }
    const text = await readBody(req);
    if (text === null) return reply(res, { status: 413, body: 'Payload Too Large' });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reply(res, { status: 400, body: 'Failed to parse the request body as JSON' });
    }
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const ip = req.socket.remoteAddress ?? 'unknown';
    const out = path === '/info' ? venue.info(body, ip) : venue.exchange(body, ip);
    if (path === '/info' && isSnapshotRequest(body) && faults.takeHoldSnapshot()) await faults.afterNextFillPush();
    reply(res, out);
    flush();
  } catch (e) {
    log.error('http handler failed', { error: e instanceof Error ? e.message : String(e) });
    if (!res.headersSent) reply(res, { status: 500, body: 'Internal Server Error' });
  }
}

async function handleAdminHttp(req: http.IncomingMessage, res: http.ServerResponse, admin: SimAdmin): Promise<void> {
  try {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && (path === '/admin' || path === '/admin/')) return reply(res, { status: 200, body: { ops: ADMIN_OP_NAMES } });
    const m = /^\/admin\/([A-Za-z0-9]+)$/.exec(path);
    if (req.method !== 'POST' || !m) return reply(res, { status: 404, body: { error: 'POST /admin/<op>', ops: ADMIN_OP_NAMES } });
    const text = await readBody(req);
    if (text === null) return reply(res, { status: 413, body: { error: 'body too large' } });
    let body: unknown = {};
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return reply(res, { status: 400, body: { error: 'body is not JSON' } });
      }
    }
    reply(res, runAdminOp(admin, m[1], body));
  } catch (e) {
    log.error('admin handler failed', { error: e instanceof Error ? e.message : String(e) });
    if (!res.headersSent) reply(res, { status: 500, body: { error: 'internal error' } });
  }
}

function reply(res: http.ServerResponse, out: VenueReply): void {
  // error bodies are plain text; a 200 answer is always JSON, even a bare string ("default")
  const isText = typeof out.body === 'string' && out.status !== 200;
  const payload = isText ? (out.body as string) : JSON.stringify(out.body);
  res.writeHead(out.status, { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** The body as text, or null past MAX_BODY. */
function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

