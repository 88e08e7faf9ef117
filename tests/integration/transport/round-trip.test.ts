/**
 * Orders and info through VenueClient against the simulator over real sockets: WS post while the
 * socket is up, HTTP when it is not, and the venue's 429 surfacing as RateLimitedError.
 */
import { RateLimitedError, HttpClient } from '../../../src/exchange/hyperliquid/http-client';
import { VenueClient } from '../../../src/exchange/hyperliquid/venue-client';
import { setLogSink } from '../../../src/util/log';
import { randomCloid, startHarness, type Harness } from './sim-harness';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));

describe('VenueClient round trips against the simulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('places, sees and cancels an order over WS post', async () => {
    const c = h.client();
    await c.connect();
    const cloid = randomCloid();
    const r = await c.post(h.orderBody([{ asset: 0, isBuy: true, px: '90000', sz: '0.001', reduceOnly: false, cloid }]));
    expect(r.status).toBe('ok');
    const st = (r as any).response.data.statuses[0];
    expect(st.resting.cloid).toBe(cloid);
    const oid = st.resting.oid as number;
    expect(c.stats()).toMatchObject({ actionsViaWs: 1, actionsViaHttp: 0 });
    // the venue's truth and our info view agree
    expect(h.sim.admin.state(h.user).openOrders.map((o) => o.oid)).toContain(oid);
    const open = await c.openOrders(h.user);
    expect(open.find((o) => o.oid === oid)).toMatchObject({ coin: 'BTC', side: 'B', limitPx: '90000.0', sz: '0.001', cloid });
    const byCloid = await c.orderStatus(h.user, cloid);
    expect(byCloid.status === 'order' && byCloid.order.status).toBe('open');
    const cancel = await c.post(h.cancelBody([{ asset: 0, oid }]));
    expect(cancel).toEqual({ status: 'ok', response: { type: 'cancel', data: { statuses: ['success'] } } });
    expect(h.sim.admin.state(h.user).openOrders.map((o) => o.oid)).not.toContain(oid);
    expect(c.stats().ws!.postsSent).toBeGreaterThanOrEqual(4);
    expect(c.stats().infoViaHttp).toBe(0);
  });

  it('a 40-order batch over WS and HTTP gives one status per order', async () => {
    const c = h.client();
    await c.connect();
    const batch = () =>
      Array.from({ length: 40 }, (_, i) => ({ asset: 1, isBuy: true, px: String(3000 + i), sz: '0.01', reduceOnly: false }));
    const viaWs = await c.post(h.orderBody(batch()));
    const http = new VenueClient({ httpUrl: h.sim.httpUrl, wsUrl: null });
    const viaHttp = await http.post(h.orderBody(batch()));
    for (const r of [viaWs, viaHttp]) {
      expect(r.status).toBe('ok');
      const statuses = (r as any).response.data.statuses as { resting: { oid: number } }[];
      expect(statuses).toHaveLength(40);
      expect(new Set(statuses.map((s) => s.resting.oid)).size).toBe(40);
    }
    expect(http.stats()).toMatchObject({ actionsViaHttp: 1, actionsViaWs: 0, ws: null });
  });

  it('uses HTTP while the socket is down and WS again once it is back', async () => {
    const c = h.client({ ws: { backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 } } });
    await c.connect();
    h.sim.admin.dropSockets();
    await new Promise<void>((r) => c.onSocketState((s) => !s.up && r()));
    expect(c.socketUp()).toBe(false);
    const r = await c.post(h.orderBody([{ asset: 2, isBuy: false, px: '300', sz: '1', reduceOnly: false }]));
    expect(r.status).toBe('ok');
    const mids = await c.allMids();
    expect(Object.keys(mids).sort()).toEqual(['BTC', 'ETH', 'SOL']);
    expect(c.stats()).toMatchObject({ actionsViaHttp: 1, infoViaHttp: 1 });
    const up = new Promise<void>((r) => c.onSocketState((s) => s.up && r()));
    c.ws!.reconnectNow();
    await up;
    await c.allMids();
    expect(c.stats().infoViaWs).toBe(1);
    expect(c.stats().ws!.reconnects).toBe(1);
  });

  it('maps the venue 429 to RateLimitedError over HTTP and over WS post, then recovers', async () => {
    const http = new HttpClient(h.sim.httpUrl);
    h.sim.admin.http429(1);
    const e1 = await http.allMids().catch((e) => e);
    expect(e1).toBeInstanceOf(RateLimitedError);
    expect(e1.status).toBe(429);
    await expect(http.allMids()).resolves.toHaveProperty('BTC');
    expect(http.counters.rateLimited).toBe(1);

    const c = h.client();
    await c.connect();
    h.sim.admin.http429(1);
    const e2 = await c.post(h.orderBody([{ asset: 0, isBuy: true, px: '90000', sz: '0.001', reduceOnly: false }])).catch((e) => e);
    expect(e2).toBeInstanceOf(RateLimitedError);
    // a refused action is not re-sent over HTTP behind the caller's back
    expect(c.stats()).toMatchObject({ actionsViaHttp: 0 });
    h.sim.admin.http429(1);
    await expect(c.allMids()).rejects.toBeInstanceOf(RateLimitedError);
    expect(c.stats().infoViaHttp).toBe(0);
    const r = await c.post(h.orderBody([{ asset: 0, isBuy: true, px: '90000', sz: '0.001', reduceOnly: false }]));
    expect(r.status).toBe('ok');
  });

  it('surfaces a wrong signature as the venue would, not as a transport error', async () => {
    const c = h.client();
    await c.connect();
    const body = h.orderBody([{ asset: 0, isBuy: true, px: '90000', sz: '0.001', reduceOnly: false }]);
    const tampered = { ...body, action: { ...(body.action as object), orders: [{ ...(body.action as any).orders[0], s: '0.002' }] } };
    const r = await c.post(tampered);
    expect(r.status).toBe('err');
    expect((r as { response: string }).response).toMatch(/^User or API Wallet 0x[0-9a-fA-F]{40} does not exist\.$/);
  });

  it('reconnects when the venue goes silent (no pong) and keeps serving posts', async () => {
    const c = h.client({ ws: { pingIntervalMs: 50, pongTimeoutMs: 250, backoff: { initialMs: 20, maxMs: 100 } } });
    await c.connect();
    const states: boolean[] = [];
    c.onSocketState((s) => states.push(s.up));
    h.sim.admin.silence(700);
    await new Promise<void>((r) => c.onSocketState((s) => s.up && r()));
    expect(states).toEqual([false, true]);
    expect(c.stats().ws!.pongTimeouts).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 750));
    await expect(c.l2Book('ETH')).resolves.toMatchObject({ coin: 'ETH' });
  });
});
