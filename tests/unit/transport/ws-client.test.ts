import { setLogSink } from '../../../src/util/log';
import { RateLimitedError, VenueTimeoutError } from '../../../src/exchange/hyperliquid/http-client';
import {
  backoffDelay,
  WsClient,
  WsConnectionLostError,
  WsNotConnectedError,
  WsPostError,
  WsTooManyInFlightError,
  type WsState,
} from '../../../src/exchange/hyperliquid/ws-client';
import { startScriptedServer, waitFor, type ScriptedServer } from './ws-test-server';

const logLines: string[] = [];
beforeAll(() => setLogSink({ write: (l) => logLines.push(l) }));
afterAll(() => setLogSink(undefined));

const FAST = { backoff: { initialMs: 10, maxMs: 50 }, postTimeoutMs: 2_000 };

describe('WsClient against a scripted server', () => {
  let srv: ScriptedServer;
  let client: WsClient | undefined;
  beforeEach(async () => {
    srv = await startScriptedServer();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await srv.close();
  });

  it('counts and logs malformed and unknown frames and keeps working', async () => {
    client = new WsClient(srv.url, FAST);
    await client.connect();
    const before = logLines.length;
    srv.sendAll('{not json');
    srv.sendAll(JSON.stringify({ channel: 'mystery', data: 1 }));
    srv.sendAll(JSON.stringify({ channel: 'l2Book', data: { coin: 'BTC', levels: 'nope' } }));
    srv.sendAll(JSON.stringify({ channel: 'error', data: { nested: true } }));
    await waitFor(() => client!.stats().malformed + client!.stats().unknownChannel === 4, 2_000, 'frames counted');
    expect(client.stats()).toMatchObject({ malformed: 3, unknownChannel: 1 });
    expect(logLines.slice(before).filter((l) => l.includes('frame ignored'))).toHaveLength(4);
    // still usable
    await expect(client.post('info', { type: 'allMids' })).resolves.toEqual({ BTC: '1' });
    expect(client.state().up).toBe(true);
  });

  it('routes channel data to the matching subscription and resolves the ack', async () => {
    client = new WsClient(srv.url, FAST);
    await client.connect();
    const btc: unknown[] = [];
    const eth: unknown[] = [];
    const h1 = client.subscribe({ type: 'l2Book', coin: 'BTC' }, (d) => btc.push(d.coin));
    client.subscribe({ type: 'l2Book', coin: 'ETH' }, (d) => eth.push(d.coin));
    await h1.acked;
    srv.sendAll(JSON.stringify({ channel: 'l2Book', data: { coin: 'BTC', time: 1, levels: [[], []] } }));
    srv.sendAll(JSON.stringify({ channel: 'l2Book', data: { coin: 'ETH', time: 1, levels: [[], []] } }));
    await waitFor(() => btc.length === 1 && eth.length === 1);
    h1.unsubscribe();
    await waitFor(() => srv.received.some((r) => r.msg.method === 'unsubscribe'));
    srv.sendAll(JSON.stringify({ channel: 'l2Book', data: { coin: 'BTC', time: 2, levels: [[], []] } }));
    srv.sendAll(JSON.stringify({ channel: 'l2Book', data: { coin: 'ETH', time: 2, levels: [[], []] } }));
    await waitFor(() => eth.length === 2);
    expect(btc).toEqual(['BTC']);
  });

  it('reconnects when no pong arrives, re-subscribes everything, and reports state transitions', async () => {
    client = new WsClient(srv.url, { ...FAST, pingIntervalMs: 50, pongTimeoutMs: 300 });
    const states: WsState[] = [];
    client.on('state', (s: WsState) => states.push(s));
    await client.connect();
    client.subscribe({ type: 'allMids' }, () => {});
    client.subscribe({ type: 'trades', coin: 'SOL' }, () => {});
    await waitFor(() => srv.received.filter((r) => r.msg.method === 'subscribe').length === 2);
    srv.answerPings = false;
    await waitFor(() => srv.connections === 2 && client!.state().up, 5_000, 'reconnect');
    srv.answerPings = true;
    await waitFor(() => srv.received.filter((r) => r.conn === 1 && r.msg.method === 'subscribe').length === 2);
    expect(srv.received.filter((r) => r.conn === 1 && r.msg.method === 'subscribe').map((r) => r.msg.subscription.type).sort()).toEqual(['allMids', 'trades']);
    expect(client.stats().pongTimeouts).toBeGreaterThanOrEqual(1);
    expect(client.stats().reconnects).toBe(1);
    expect(states.map((s) => s.up)).toEqual([true, false, true]);
    expect(states[1].since).toBeGreaterThanOrEqual(states[0].since);
  });

  it('times out a post that gets no answer and ignores the late answer', async () => {
    let held: any;
    srv.onPost = (msg) => {
      held = msg;
      return undefined;
    };
    client = new WsClient(srv.url, FAST);
    await client.connect();
    await expect(client.post('action', { action: { type: 'noop' } }, { timeoutMs: 50 })).rejects.toBeInstanceOf(VenueTimeoutError);
    expect(client.stats()).toMatchObject({ postsTimedOut: 1, postsInFlight: 0 });
    await waitFor(() => held !== undefined, 5_000, 'server got the post');
    srv.sendAll(JSON.stringify({ channel: 'post', data: { id: held.id, response: { type: 'action', payload: { status: 'ok', response: { type: 'default' } } } } }));
    srv.onPost = (msg) => ({ channel: 'post', data: { id: msg.id, response: { type: 'action', payload: { status: 'ok', response: { type: 'default' } } } } });
    await expect(client.post('action', { action: { type: 'noop' } })).resolves.toEqual({ status: 'ok', response: { type: 'default' } });
    expect(client.stats().malformed).toBe(0);
  });

  it('caps posts in flight at 100 and fails the 101st immediately', async () => {
    const held: any[] = [];
    srv.onPost = (msg) => {
      held.push(msg);
      return undefined;
    };
    client = new WsClient(srv.url, FAST);
    await client.connect();
    const posts = Array.from({ length: 100 }, () => client!.post('info', { type: 'allMids' }));
    expect(client.inFlight).toBe(100);
    await expect(client.post('info', { type: 'allMids' })).rejects.toBeInstanceOf(WsTooManyInFlightError);
    await waitFor(() => held.length === 100);
    expect(new Set(held.map((m) => m.id)).size).toBe(100);
    // answer in reverse order: correlation is by id, not by arrival
    for (const m of [...held].reverse()) {
      srv.sendAll(JSON.stringify({ channel: 'post', data: { id: m.id, response: { type: 'info', payload: { type: 'allMids', data: { id: String(m.id) } } } } }));
    }
    const answers = (await Promise.all(posts)) as { id: string }[];
    expect(answers.map((a) => Number(a.id))).toEqual(held.map((m) => m.id));
    expect(client.inFlight).toBe(0);
  });

  it('fails fast when the socket is not up, and fails in-flight posts when the link drops', async () => {
    client = new WsClient(srv.url, { ...FAST, backoff: { initialMs: 5_000, maxMs: 5_000, jitter: 0 } });
    await expect(client.post('info', { type: 'allMids' })).rejects.toBeInstanceOf(WsNotConnectedError);
    await client.connect();
    srv.onPost = () => undefined;
    const p = client.post('action', { action: { type: 'noop' } });
    srv.dropAll();
    await expect(p).rejects.toBeInstanceOf(WsConnectionLostError);
    expect(client.state().up).toBe(false);
    const t0 = Date.now();
    await expect(client.post('info', { type: 'allMids' })).rejects.toBeInstanceOf(WsNotConnectedError);
    expect(Date.now() - t0).toBeLessThan(1_000);
    await client.close();
    await expect(client.post('info', { type: 'allMids' })).rejects.toBeInstanceOf(WsNotConnectedError);
  });

  it('reconnectNow skips the backoff wait', async () => {
    client = new WsClient(srv.url, { backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 } });
    await client.connect();
    srv.dropAll();
    await waitFor(() => !client!.state().up);
    client.reconnectNow();
    await waitFor(() => client!.state().up, 2_000, 'reconnected');
    expect(srv.connections).toBe(2);
  });

  it('ties error frames and error answers to their post', async () => {
    let n = 0;
    srv.onPost = (msg) => {
      n++;
      if (n === 1) return { channel: 'error', data: `too many pending post requests id=${msg.id}` };
      if (n === 2) return { channel: 'post', data: { id: msg.id, response: { type: 'error', payload: '429 Too Many Requests' } } };
      return undefined;
    };
    client = new WsClient(srv.url, FAST);
    await client.connect();
    const e1 = await client.post('action', { action: { type: 'noop' } }, { timeoutMs: 1_500 }).catch((e) => e);
    expect(e1).toBeInstanceOf(WsPostError);
    expect((e1 as WsPostError).text).toMatch(/too many pending/);
    const e2 = await client.post('action', { action: { type: 'noop' } }).catch((e) => e);
    expect(e2).toBeInstanceOf(RateLimitedError);
    expect((e2 as RateLimitedError).status).toBe(429);
    // an error frame naming no post is counted, and nothing else fails
    const venueErrors: string[] = [];
    client.on('venueError', (t: string) => venueErrors.push(t));
    srv.sendAll(JSON.stringify({ channel: 'error', data: 'Cannot track more than 10 total users.' }));
    await waitFor(() => venueErrors.length === 1);
    expect(client.stats().errorFrames).toBe(2);
  });
});

describe('backoff', () => {
  const o = { initialMs: 100, maxMs: 5_000, factor: 2, jitter: 0.5 };
  it('grows exponentially, is capped, and jitter only shortens within bounds', () => {
    for (let a = 0; a < 20; a++) {
      const ceiling = Math.min(o.maxMs, o.initialMs * 2 ** a);
      expect(backoffDelay(a, o, () => 0)).toBe(ceiling);
      expect(backoffDelay(a, o, () => 0.999999)).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.5));
      const r = backoffDelay(a, o);
      expect(r).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.5));
      expect(r).toBeLessThanOrEqual(ceiling);
    }
    expect(backoffDelay(40, o, () => 0)).toBe(5_000);
  });

  it('retries a dead address with growing, capped delays until closed', async () => {
    const srv = await startScriptedServer();
    const url = srv.url;
    await srv.close();
    const c = new WsClient(url, { backoff: { initialMs: 20, maxMs: 80, factor: 2, jitter: 0 } });
    const delays: number[] = [];
    const orig = (c as any).log.info;
    (c as any).log = { ...((c as any).log), info: (m: string, f: any) => { if (m === 'reconnecting') delays.push(f.inMs); orig(m, f); } };
    const connecting = c.connect(60_000).catch((e: Error) => e);
    await waitFor(() => delays.length >= 4, 10_000, 'four reconnect attempts');
    await c.close();
    expect(await connecting).toBeInstanceOf(WsNotConnectedError);
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 80]);
  });
});
