/**
 * The signal gateway against a real hot path (in-process venue): the bearer token, the protocol's
 * answers, hostile frames that must never crash anything, the one-client rule, the limits, the
 * strategy's cancels (its own orders only) and what happens when it goes away.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostFromHotPath } from '../../../src/gateway/host';
import { CLOSE, gatewayToken, startGateway, type Gateway } from '../../../src/gateway/server';
import type { GatewayConfig } from '../../../src/config/session';
import type { HotPath } from '../../../src/executor/hot-path';
import { setLogSink } from '../../../src/util/log';
import { TestClient } from './client';
import { restingConfig, restingHotPath, waitFor, type RestingVenue } from './resting-hot-path';

setLogSink({ write: () => {} });
const TOKEN = 'test-token-0123456789abcdef';

let gw: Gateway | null = null;
let hp: HotPath | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
  await gw?.close();
  hp?.stop();
  gw = null;
  hp = null;
});

async function boot(over: Partial<GatewayConfig> = {}): Promise<{ gw: Gateway; hp: HotPath; venue: RestingVenue; hardStops: { reason: string; source: string }[] }> {
  const cfg = restingConfig({ gateway: { listen: { port: 0 }, tokenEnv: 'HLX_TEST_GATEWAY_TOKEN', ...over } });
  let g: Gateway | null = null;
  const r = await restingHotPath({ config: cfg, onStrategyEvent: (ev) => g?.publish(ev) });
  hp = r.hp;
  const h = r.hp;
  g = await startGateway({ config: cfg.gateway!, host: hostFromHotPath('test-session', () => h), token: TOKEN });
  gw = g;
  return { gw: g, hp: h, venue: r.venue, hardStops: r.hardStops };
}

async function client(url: string, token: string | null = TOKEN): Promise<TestClient> {
  const c = await TestClient.connect(url, token);
  clients.push(c);
  return c;
}

const BTC_BID = { market: 'BTC', side: 'buy', size: '0.001', limitPx: '90000', tif: 'Alo' };

test('the token is read from the named variable; a missing or short one names gateway.tokenEnv', () => {
  const cfg = restingConfig().gateway!;
  expect(() => gatewayToken(cfg, {})).toThrow(/^gateway\.tokenEnv: the environment variable HLX_TEST_GATEWAY_TOKEN is not set/);
  expect(() => gatewayToken(cfg, { HLX_TEST_GATEWAY_TOKEN: 'short' })).toThrow(/^gateway\.tokenEnv: HLX_TEST_GATEWAY_TOKEN: at least 16 characters/);
  expect(gatewayToken(cfg, { HLX_TEST_GATEWAY_TOKEN: TOKEN })).toBe(TOKEN);
});

test('no token or a wrong one: refused before the upgrade (401), nothing reaches the hot path', async () => {
  const { gw } = await boot();
  await expect(TestClient.connect(gw.url, null)).rejects.toThrow('HTTP 401');
  await expect(TestClient.connect(gw.url, TOKEN.slice(0, -1) + 'X')).rejects.toThrow('HTTP 401');
  expect(gw.stats.refused.unauthorized).toBe(2);
  expect(gw.connected).toBe(false);
});

test('welcome, then a signal answered with the gate result: Accepted with its cloid, Rejected naming the field', async () => {
  const { gw, hp } = await boot();
  const c = await client(gw.url);
  const w = await c.next('welcome');
  expect(w).toMatchObject({ protocol: 1, session: 'test-session', phase: 'READY_TRADING', hardStop: null, onDisconnect: 'cancel' });
  expect(w.markets.map((m) => m.coin)).toEqual(['BTC', 'ETH', 'SOL']);
  c.send({ type: 'signal', id: 1, signal: BTC_BID });
  const ok = await c.next('result', (f) => f.id === 1);
  expect(ok.result).toEqual({ status: 'Accepted', cloid: expect.stringMatching(/^0x[0-9a-f]{32}$/) });
  expect(hp.tracker.getOrder((ok.result as { cloid: string }).cloid)).toBeDefined();
  c.send({ type: 'signal', id: 'b', signal: { ...BTC_BID, market: 'ETH', size: '1e-3' } });
  expect((await c.next('result', (f) => f.id === 'b')).result).toMatchObject({ status: 'Rejected', reason: 'InvalidSignal', field: 'size' });
  // the BTC bid is pending: the gates say Skipped(PendingOrder)
  c.send({ type: 'signal', id: 3, signal: BTC_BID });
  expect((await c.next('result', (f) => f.id === 3)).result).toEqual({ status: 'Skipped', reason: 'PendingOrder' });
});

test('hostile frames get an error frame naming the field, and the connection lives on', async () => {
  const { gw, hp } = await boot({ maxFrameBytes: 1024 });
  const c = await client(gw.url);
  await c.next('welcome');
  c.send('{not json');
  c.send({ type: 'launch', id: 7 });
  c.send({ type: 'signal', id: 8 });
  c.send({ type: 'cancel', id: 9, cloid: 5 });
  c.send({ type: 'subscribe', id: 10, snapshotMs: -1 });
  c.send({ type: 'ping', id: 11, extra: true });
  c.send(Buffer.from([1, 2, 3]));
  c.send(JSON.stringify({ type: 'ping', id: 12, pad: 'x'.repeat(2000) }));
  c.send('null');
  c.send({ type: 'signal', id: 13, signal: { __proto__: { market: 'BTC' }, constructor: 1 } });
  c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }); // not UTF-8, in a text frame
  c.send({ type: 'ping', id: 99 });
  await c.next('pong', (f) => f.id === 99);
  const errs = c.all('error');
  expect(errs.map((e) => [e.code, e.field, e.id])).toEqual([
    ['BadFrame', '(root)', undefined],
    ['BadFrame', 'type', 7],
    ['BadFrame', 'signal', 8],
    ['BadFrame', 'cloid', 9],
    ['BadFrame', 'snapshotMs', 10],
    ['BadFrame', '(root)', 11],
    ['BadFrame', '(root)', undefined],
    ['FrameTooLarge', undefined, undefined],
    ['BadFrame', '(root)', undefined],
    ['BadFrame', '(root)', undefined],
  ]);
  expect(errs[0].message).toMatch(/^not JSON/);
  expect(errs[5].message).toMatch(/Unrecognized key: "extra"/);
  // a signal whose content is nonsense reaches the gates, which reject it naming the field
  expect(c.all('result').map((r) => [r.id, r.result.status, (r.result as { field?: string }).field])).toEqual([[13, 'Rejected', 'market']]);
  expect(gw.stats.badFrames).toBe(9);
  expect(gw.stats.tooLarge).toBe(1);
  expect(hp.tracker.orderCount).toBe(0);
});

test('one strategy client per session: a second is told why and closed; the first keeps working', async () => {
  const { gw } = await boot();
  const a = await client(gw.url);
  await a.next('welcome');
  const b = await client(gw.url);
  const err = await b.next('error');
  expect(err).toMatchObject({ code: 'SessionTaken', message: expect.stringContaining('another strategy client') });
  await waitFor(() => b.closed, 'the second client closed');
  expect(b.closed).toEqual({ code: CLOSE.sessionTaken, reason: expect.stringMatching(/^SessionTaken/) });
  expect(gw.stats.refused.sessionTaken).toBe(1);
  a.send({ type: 'ping', id: 1 });
  await a.next('pong');
  // once the first is gone, a new client may connect
  await a.close();
  await waitFor(() => !gw.connected, 'the first client gone');
  const c = await client(gw.url);
  await c.next('welcome');
});

test('the message rate limit: frames past the burst are refused with RateLimited, unprocessed', async () => {
  const { gw, hp } = await boot({ maxMessagesPerSecond: 1, messageBurst: 5 });
  const c = await client(gw.url);
  await c.next('welcome');
  for (let i = 0; i < 20; i++) c.send({ type: 'signal', id: i, signal: { ...BTC_BID, market: ['BTC', 'ETH', 'SOL'][i % 3], size: '0.01' } });
  await waitFor(() => c.frames.length >= 21 || undefined, '20 answers');
  expect(c.all('result')).toHaveLength(5);
  expect(c.all('error').filter((e) => e.code === 'RateLimited')).toHaveLength(15);
  expect(gw.stats.rateLimited).toBe(15);
  // exactly the five that were processed reached the gates
  expect(Object.values(hp.executor.counts).reduce((a, b) => a + b, 0)).toBe(5);
});

test('events and snapshots as subscribed; cancels of its own orders only, answered and counted', async () => {
  const { gw, hp, venue } = await boot();
  const c = await client(gw.url);
  await c.next('welcome');
  c.send({ type: 'subscribe', id: 's', events: ['order', 'cancelled', 'hardStop', 'phase'], snapshotMs: 5 });
  expect(await c.next('subscribed')).toMatchObject({ id: 's', events: ['order', 'cancelled', 'hardStop', 'phase'], snapshotMs: 20 });
  c.send({ type: 'signal', id: 1, signal: BTC_BID });
  const cloid = ((await c.next('result', (f) => f.id === 1)).result as { cloid: string }).cloid;
  await c.next('event', (f) => f.event.type === 'order' && f.event.cloid === cloid && f.event.status === 'open');
  const snap = await c.next('snapshot', (f) => f.pending.some((o) => o.cloid === cloid && o.state === 'resting'));
  expect(snap.markets.find((m) => m.coin === 'BTC')).toMatchObject({ markPx: '97000', pending: true, position: '0' });
  // an order this client did not place (the operator's, say) is not its to cancel
  const other = hp.submitSignal({ ...BTC_BID, market: 'ETH', limitPx: '3000' });
  expect(other.status).toBe('Accepted');
  c.send({ type: 'cancel', id: 2, cloid: (other as { cloid: string }).cloid });
  expect((await c.next('cancelResult', (f) => f.id === 2)).result).toMatchObject({ status: 'Rejected', reason: 'UnknownOrder' });
  c.send({ type: 'cancel', id: 3, cloid });
  expect((await c.next('cancelResult', (f) => f.id === 3)).result).toEqual({ status: 'Accepted', cloid, how: 'cancelQueued' });
  await c.next('event', (f) => f.event.type === 'cancelled' && f.event.cloid === cloid);
  expect(venue.cancelled).toEqual([cloid]);
  c.send({ type: 'cancel', id: 4, cloid });
  expect((await c.next('cancelResult', (f) => f.id === 4)).result).toMatchObject({ status: 'Rejected', reason: 'UnknownOrder' });
  expect(hp.executor.cancelCounts).toMatchObject({ Accepted: 1, UnknownOrder: 1 });
  // events not subscribed to are not sent
  expect(c.all('event').some((f) => f.event.type === 'posted')).toBe(false);
});

test('disconnect policy "cancel" (the default): the orders it placed that are still open are cancelled', async () => {
  const { gw, hp, venue } = await boot();
  const c = await client(gw.url);
  await c.next('welcome');
  c.send({ type: 'signal', id: 1, signal: BTC_BID });
  c.send({ type: 'signal', id: 2, signal: { ...BTC_BID, market: 'SOL', size: '0.1', limitPx: '200' } });
  const cloids = (await Promise.all([c.next('result', (f) => f.id === 1), c.next('result', (f) => f.id === 2)])).map((f) => (f.result as { cloid: string }).cloid);
  await waitFor(() => cloids.every((x) => venue.book.has(x)), 'both resting');
  const operators = hp.submitSignal({ ...BTC_BID, market: 'ETH', limitPx: '3000' }) as { cloid: string };
  await waitFor(() => venue.book.has(operators.cloid), 'the operator order resting');
  await c.close();
  await waitFor(() => venue.cancelled.length === 2, 'two cancels');
  expect(venue.cancelled.sort()).toEqual([...cloids].sort());
  expect(venue.book.has(operators.cloid)).toBe(true);
  expect(gw.stats.disconnectCancels).toBe(2);
  expect(hp.latch.isTriggered()).toBe(false);
});

test('disconnect policy "hardStop": the strategy going away is a HardStop; "none" leaves its orders', async () => {
  const a = await boot({ onDisconnect: 'hardStop' });
  const c = await client(a.gw.url);
  await c.next('welcome');
  await c.close();
  await waitFor(() => a.hp.latch.isTriggered(), 'the latch');
  expect(a.hp.latch.record()).toMatchObject({ reason: 'Operator', source: 'gateway:strategy-disconnected' });
  await waitFor(() => a.hardStops.length > 0, 'the session signalled');
  await gw!.close();
  hp!.stop();

  const b = await boot({ onDisconnect: 'none' });
  const d = await client(b.gw.url);
  await d.next('welcome');
  d.send({ type: 'signal', id: 1, signal: BTC_BID });
  const cloid = ((await d.next('result')).result as { cloid: string }).cloid;
  await waitFor(() => b.venue.book.has(cloid), 'resting');
  await d.close();
  await waitFor(() => !b.gw.connected, 'gone');
  await new Promise((r) => setTimeout(r, 100));
  expect(b.venue.cancelled).toEqual([]);
});

test('the HardStop reaches the client as an event; its cancels are still allowed and new orders are not', async () => {
  const { gw, hp } = await boot();
  const c = await client(gw.url);
  await c.next('welcome');
  c.send({ type: 'subscribe', events: true });
  await c.next('subscribed');
  hp.hardStop('Operator', 'test');
  const ev = await c.next('event', (f) => f.event.type === 'hardStop');
  expect(ev.event).toMatchObject({ type: 'hardStop', reason: 'Operator', source: 'test' });
  await c.next('event', (f) => f.event.type === 'phase' && f.event.phase === 'HARD_STOPPED');
  c.send({ type: 'signal', id: 1, signal: BTC_BID });
  expect((await c.next('result')).result).toEqual({ status: 'Rejected', reason: 'HardStop' });
});

test('a Unix socket instead of a port', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-gw-'));
  const sock = path.join(dir, 'strategy.sock');
  try {
    const { gw: g } = await boot({ listen: { socket: sock } });
    expect(g.url).toBe(`ws+unix://${sock}:/`);
    expect(fs.statSync(sock).mode & 0o777).toBe(0o600);
    const c = await client(g.url);
    expect((await c.next('welcome')).session).toBe('test-session');
    await c.close();
    await g.close();
    gw = null;
    expect(fs.existsSync(sock)).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
