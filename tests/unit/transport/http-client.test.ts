import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HttpClient,
  RateLimitedError,
  VenueHttpError,
  VenueResponseError,
  VenueTimeoutError,
} from '../../../src/exchange/hyperliquid/http-client';
import { VenueClient } from '../../../src/exchange/hyperliquid/venue-client';
import { WsConnectionLostError } from '../../../src/exchange/hyperliquid/ws-client';
import { setLogSink } from '../../../src/util/log';
import { startScriptedServer, waitFor } from './ws-test-server';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));

type Reply = { status: number; body: string; delayMs?: number };
let next: (path: string, body: any) => Reply;
let server: http.Server;
let base: string;
const seen: { path: string; body: any }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text);
      seen.push({ path: req.url!, body });
      const r = next(req.url!, body);
      setTimeout(() => {
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(r.body);
      }, r.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const KEYLIKE = '0x' + 'ab'.repeat(32);
const body = {
  action: { type: 'order', orders: [], grouping: 'na' },
  nonce: 1,
  signature: { r: KEYLIKE, s: KEYLIKE, v: 27 as const },
};
const OK = JSON.stringify({ status: 'ok', response: { type: 'order', data: { statuses: [{ resting: { oid: 5 } }] } } });

describe('HttpClient', () => {
  it('posts info and exchange bodies to their paths and returns the parsed answer', async () => {
    next = (p) => (p === '/info' ? { status: 200, body: JSON.stringify({ BTC: '97000.5' }) } : { status: 200, body: OK });
    const c = new HttpClient(base + '/');
    await expect(c.allMids()).resolves.toEqual({ BTC: '97000.5' });
    await expect(c.exchange(body)).resolves.toEqual(JSON.parse(OK));
    expect(seen.slice(-2).map((s) => s.path)).toEqual(['/info', '/exchange']);
    expect(seen.at(-2)!.body).toEqual({ type: 'allMids' });
  });

  it('typed errors: 429, other statuses, timeout, non-JSON, schema mismatch naming the field', async () => {
    const c = new HttpClient(base, { timeoutMs: 5_000 });
    next = () => ({ status: 429, body: 'Too Many Requests' });
    const e429 = await c.allMids().catch((e) => e);
    expect(e429).toBeInstanceOf(RateLimitedError);
    expect(e429).toBeInstanceOf(VenueHttpError);
    expect(e429.status).toBe(429);
    next = () => ({ status: 500, body: 'Internal Server Error' });
    const e500 = await c.exchange(body).catch((e) => e);
    expect(e500).toBeInstanceOf(VenueHttpError);
    expect(e500).not.toBeInstanceOf(RateLimitedError);
    expect(e500).toMatchObject({ status: 500, body: 'Internal Server Error' });
    next = () => ({ status: 200, body: OK, delayMs: 400 });
    await expect(c.exchange(body, { timeoutMs: 100 })).rejects.toBeInstanceOf(VenueTimeoutError);
    next = () => ({ status: 200, body: '<html>' });
    await expect(c.allMids()).rejects.toBeInstanceOf(VenueResponseError);
    next = () => ({ status: 200, body: JSON.stringify([{ coin: 'BTC', side: 'B', limitPx: 1, sz: '1', oid: 1, timestamp: 1 }]) });
    await expect(c.openOrders('0x14791697260e4c9a71f18484c9f997b308e59325')).rejects.toThrow(/0\.limitPx/);
    expect(c.counters).toMatchObject({ rateLimited: 1, timeouts: 1 });
  });

  it('rejects bad requests before sending, naming the field, and never echoes the signed body in errors', async () => {
    const c = new HttpClient(base);
    const n = seen.length;
    await expect(c.openOrders('not-an-address')).rejects.toThrow(/user/);
    await expect(c.exchange({ ...body, nonce: -1 })).rejects.toThrow(/nonce/);
    expect(seen.length).toBe(n);
    next = () => ({ status: 400, body: 'bad' });
    const e = await c.exchange(body).catch((x) => x);
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain(KEYLIKE.slice(2));
    const dead = new HttpClient('http://127.0.0.1:1');
    const e2 = await dead.exchange(body).catch((x) => x);
    expect(e2).toBeInstanceOf(VenueHttpError);
    expect(e2.status).toBe(0);
    expect(`${e2.message} ${e2.body}`).not.toContain(KEYLIKE.slice(2));
  });
});

describe('VenueClient fallback rules', () => {
  it('sends over HTTP only what the socket provably did not send', async () => {
    const ws = await startScriptedServer();
    next = () => ({ status: 200, body: OK });
    const held: any[] = [];
    ws.onPost = (m) => {
      held.push(m);
      return undefined;
    };
    const c = new VenueClient({ httpUrl: base, wsUrl: ws.url, ws: { maxInFlight: 2, backoff: { initialMs: 5_000, maxMs: 5_000 } } });
    try {
      // not connected yet: HTTP
      await expect(c.post(body)).resolves.toMatchObject({ status: 'ok' });
      await c.connect();
      // two in flight over WS, the third goes over HTTP
      const a = c.post(body);
      const b = c.post(body);
      await waitFor(() => held.length === 2);
      await expect(c.post(body)).resolves.toMatchObject({ status: 'ok' });
      expect(c.stats()).toMatchObject({ actionsViaHttp: 2 });
      // the link dies with both in flight: unknown outcome, no HTTP retry
      ws.dropAll();
      await expect(a).rejects.toBeInstanceOf(WsConnectionLostError);
      await expect(b).rejects.toBeInstanceOf(WsConnectionLostError);
      expect(c.stats()).toMatchObject({ actionsViaHttp: 2, actionsViaWs: 0 });
    } finally {
      await c.close();
      await ws.close();
    }
  });

  it('info falls back to HTTP when the socket post times out', async () => {
    const ws = await startScriptedServer();
    ws.onPost = () => undefined;
    next = () => ({ status: 200, body: JSON.stringify({ ETH: '3600' }) });
    const c = new VenueClient({ httpUrl: base, wsUrl: ws.url, ws: { postTimeoutMs: 50 } });
    try {
      await c.connect();
      await expect(c.allMids()).resolves.toEqual({ ETH: '3600' });
      expect(c.stats()).toMatchObject({ infoFallbacks: 1, infoViaHttp: 1, infoViaWs: 0 });
    } finally {
      await c.close();
      await ws.close();
    }
  });
});

describe('VenueClient.userFeed', () => {
  it('refuses a second account on the same socket (orderUpdates frames do not name the user)', async () => {
    const ws = await startScriptedServer();
    const c = new VenueClient({ httpUrl: base, wsUrl: ws.url });
    const noop = { onFill: () => {}, onOrderUpdate: () => {}, onPositions: () => {} };
    try {
      const a = c.userFeed('0x14791697260e4c9a71f18484c9f997b308e59325', noop);
      const again = c.userFeed('0x14791697260E4C9A71F18484C9F997B308E59325', noop);
      expect(() => c.userFeed('0x0000000000000000000000000000000000000001', noop)).toThrow(/one VenueClient per account/);
      a.stop();
      again.stop();
      c.userFeed('0x0000000000000000000000000000000000000001', noop).stop();
    } finally {
      await c.close();
      await ws.close();
    }
  });
});
