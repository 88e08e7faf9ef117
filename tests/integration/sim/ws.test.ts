/**
 * The simulator's WebSocket endpoint over a real socket: greeting, acks, snapshots, pushes,
 * post, ping, the error channel, limits and the socket faults.
 */
import { noopAction, orderAction } from '../../../src/exchange/hyperliquid';
import type { RunningSimulator } from '../../../src/sim';
import { FrameLog, Trader, sleep, startTestSim } from './helpers';

const GREETING = 'Websocket connection established.';

async function bestBid(t: Trader): Promise<number> {
  const book = await t.info({ type: 'l2Book', coin: 'BTC' });
  return Number(book.levels[0][0].px);
}

async function subscribe(log: FrameLog, subscription: object): Promise<void> {
  log.send({ method: 'subscribe', subscription });
  await log.next((f) => f.channel === 'subscriptionResponse' && f.data.method === 'subscribe' && f.data.subscription.type === (subscription as { type: string }).type);
}

describe('simulator WebSocket', () => {
  let sim: RunningSimulator;
  let t: Trader;
  let log: FrameLog;

  beforeEach(async () => {
    sim = await startTestSim();
    t = new Trader(sim);
    sim.admin.fund(t.address, '100000');
    log = await FrameLog.open(sim.wsUrl);
  });
  afterEach(async () => {
    log.close();
    await sim.stop();
  });

  test('greets in plain text, acks subscriptions, sends snapshots first', async () => {
    await log.next((f) => f.text === GREETING);
    expect(log.texts[0]).toBe(GREETING);
    await subscribe(log, { type: 'l2Book', coin: 'BTC' });
    const book = await log.next((f) => f.channel === 'l2Book');
    expect(book.data.coin).toBe('BTC');
    expect(book.data.levels[0].length).toBeGreaterThan(0);
    await subscribe(log, { type: 'userFills', user: t.address });
    const snap = await log.next((f) => f.channel === 'userFills');
    expect(snap.data).toEqual({ isSnapshot: true, user: t.address, fills: [] });
    log.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'BTC' } });
    expect((await log.next((f) => f.channel === 'error')).data).toMatch(/^Already subscribed/);
    log.send({ method: 'unsubscribe', subscription: { type: 'l2Book', coin: 'BTC' } });
    const ack = await log.next((f) => f.channel === 'subscriptionResponse' && f.data.method === 'unsubscribe');
    expect(ack.data.subscription).toMatchObject({ type: 'l2Book', coin: 'BTC' });
    log.send({ method: 'unsubscribe', subscription: { type: 'l2Book', coin: 'BTC' } });
    expect((await log.next((f) => f.channel === 'error')).data).toMatch(/^Already unsubscribed/);
    log.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'NOPE' } });
    expect((await log.next((f) => f.channel === 'error')).data).toMatch(/^Invalid subscription/);
  });

  test('post: actions and info answered on channel post with the same id; pushes follow', async () => {
    for (const sub of [
      { type: 'orderUpdates', user: t.address },
      { type: 'userEvents', user: t.address },
      { type: 'openOrders', user: t.address },
      { type: 'clearinghouseState', user: t.address },
      { type: 'trades', coin: 'BTC' },
      { type: 'userFills', user: t.address },
    ]) await subscribe(log, sub);
    await log.next((f) => f.channel === 'userFills' && f.data.isSnapshot === true);

    const info = { method: 'post', id: 11, request: { type: 'info', payload: { type: 'allMids' } } };
    log.send(info);
    const infoReply = await log.next((f) => f.channel === 'post' && f.data.id === 11);
    expect(infoReply.data.response.type).toBe('info');
    expect(infoReply.data.response.payload.type).toBe('allMids');
    expect(Object.keys(infoReply.data.response.payload.data)).toEqual(['BTC', 'ETH', 'SOL']);

    const bid = await bestBid(t);
    const rest = t.request(orderAction([{ asset: 0, isBuy: true, px: String(bid - 50), sz: '0.01', reduceOnly: false, tif: 'Gtc' }]));
    log.send({ method: 'post', id: 12, request: { type: 'action', payload: rest } });
    const r = await log.next((f) => f.channel === 'post' && f.data.id === 12);
    expect(r.data.response.type).toBe('action');
    const oid = r.data.response.payload.response.data.statuses[0].resting.oid;
    const upd = await log.next((f) => f.channel === 'orderUpdates');
    expect(upd.data).toEqual([expect.objectContaining({ status: 'open', order: expect.objectContaining({ oid, coin: 'BTC', side: 'B', sz: '0.01' }) })]);
    const oo = await log.next((f) => f.channel === 'openOrders' && f.data.orders.length === 1);
    expect(oo.data.orders[0].oid).toBe(oid);

    // the market trades through it
    sim.admin.setPrice('BTC', String(bid - 200));
    const fills = await log.next((f) => f.channel === 'userFills' && f.data.isSnapshot === false);
    expect(fills.data.fills).toEqual([expect.objectContaining({ oid, sz: '0.01', crossed: false })]);
    const ev = await log.next((f) => f.channel === 'user');
    expect(ev.data.fills[0].tid).toBe(fills.data.fills[0].tid);
    expect((await log.next((f) => f.channel === 'orderUpdates')).data[0]).toMatchObject({ status: 'filled', order: { oid } });
    const trades = await log.next((f) => f.channel === 'trades');
    expect(trades.data[0]).toMatchObject({ coin: 'BTC', sz: '0.01', users: [t.address, expect.any(String)] });
    const ch = await log.next((f) => f.channel === 'clearinghouseState' && f.data.clearinghouseState.assetPositions.length === 1);
    expect(ch.data.clearinghouseState.assetPositions[0].position).toMatchObject({ coin: 'BTC', szi: '0.01' });

    // a rejected action is still answered on the post channel
    const bad = { ...t.request(noopAction()), signature: t.request(noopAction()).signature };
    log.send({ method: 'post', id: 13, request: { type: 'action', payload: bad } });
    const br = await log.next((f) => f.channel === 'post' && f.data.id === 13);
    expect(br.data.response.payload).toMatchObject({ status: 'err' });
  });

  test('market data: allMids, bbo, activeAssetCtx snapshots and pushes on a tick', async () => {
    for (const sub of [{ type: 'allMids' }, { type: 'bbo', coin: 'ETH' }, { type: 'activeAssetCtx', coin: 'SOL' }]) await subscribe(log, sub);
    const mids = await log.next((f) => f.channel === 'allMids');
    expect(Object.keys(mids.data.mids)).toEqual(['BTC', 'ETH', 'SOL']);
    const bbo = await log.next((f) => f.channel === 'bbo');
    expect(bbo.data.coin).toBe('ETH');
    expect(bbo.data.bbo).toHaveLength(2);
    const ctx = await log.next((f) => f.channel === 'activeAssetCtx');
    expect(ctx.data).toMatchObject({ coin: 'SOL', ctx: { markPx: expect.any(String), oraclePx: expect.any(String) } });
    sim.admin.shock('ETH', 2);
    const bbo2 = await log.next((f) => f.channel === 'bbo');
    expect(Number(bbo2.data.bbo[0].px)).toBeGreaterThan(Number(bbo.data.bbo[0].px));
    await log.next((f) => f.channel === 'allMids');
  });

  test('ping → pong; a malformed frame is answered on the error channel and the socket keeps working', async () => {
    log.send({ method: 'ping' });
    expect(await log.next((f) => f.channel === 'pong')).toEqual({ channel: 'pong' });
    log.send('{this is not json');
    expect((await log.next((f) => f.channel === 'error')).data).toMatch(/^Error parsing JSON into valid websocket request/);
    log.send({ method: 'frobnicate' });
    await log.next((f) => f.channel === 'error');
    log.send({ method: 'post', request: { type: 'info', payload: { type: 'allMids' } } });
    await log.next((f) => f.channel === 'error');
    log.send({ method: 'ping' });
    await log.next((f) => f.channel === 'pong');
    expect(log.closed).toBe(false);
  });

  test('429 on a WS post comes back as an error response with the HTTP text', async () => {
    sim.admin.http429(1);
    log.send({ method: 'post', id: 5, request: { type: 'info', payload: { type: 'allMids' } } });
    const r = await log.next((f) => f.channel === 'post' && f.data.id === 5);
    expect(r.data.response).toEqual({ type: 'error', payload: '429 Too Many Requests' });
  });

  test('duplicate and out-of-order fill pushes when those faults are on', async () => {
    await subscribe(log, { type: 'userFills', user: t.address });
    await log.next((f) => f.channel === 'userFills' && f.data.isSnapshot);
    const book = await t.info({ type: 'l2Book', coin: 'BTC' });
    const levels = book.levels[1];
    // a buy that walks two ask levels: two fills in one action
    const sz = (Number(levels[0].sz) + Number(levels[1].sz) / 2).toFixed(5);
    sim.admin.duplicateFills(true);
    sim.admin.reorderFills(true);
    const r = await t.exchange(orderAction([{ asset: 0, isBuy: true, px: String(Number(levels[1].px)), sz, reduceOnly: false, tif: 'Ioc' }]));
    expect(r.body.response.data.statuses[0].filled.totalSz).toBe(String(Number(sz)));
    await sleep(100);
    const pushed = log.all((f) => f.channel === 'userFills' && !f.data.isSnapshot).map((f) => f.data.fills);
    const truth = sim.admin.state(t.address).fills;
    expect(truth).toHaveLength(2);
    // one fill per frame, newest first, each sent twice
    expect(pushed.map((b: any[]) => b.map((f) => f.tid))).toEqual([[truth[1].tid], [truth[1].tid], [truth[0].tid], [truth[0].tid]]);
  });
});

describe('simulator WebSocket faults and limits', () => {
  test('dropSockets closes every socket; silence swallows frames until it ends', async () => {
    const sim = await startTestSim();
    try {
      const a = await FrameLog.open(sim.wsUrl);
      const b = await FrameLog.open(sim.wsUrl);
      expect(sim.admin.dropSockets()).toBe(2);
      await sleep(50);
      expect(a.closed && b.closed).toBe(true);

      const c = await FrameLog.open(sim.wsUrl);
      await c.next((f) => f.text === GREETING);
      sim.admin.silence(300);
      c.send({ method: 'ping' });
      await sleep(150);
      expect(c.all((f) => f.channel === 'pong')).toEqual([]);
      await sleep(200);
      c.send({ method: 'ping' });
      await c.next((f) => f.channel === 'pong');
      c.close();
    } finally {
      await sim.stop();
    }
  });

  test('idle close: a connection the server has sent nothing to is closed', async () => {
    const sim = await startTestSim({ limits: { wsIdleCloseMs: 300 } });
    try {
      const c = await FrameLog.open(sim.wsUrl);
      await sleep(1500);
      expect(c.closed).toBe(true);
    } finally {
      await sim.stop();
    }
  });

  test('posts in flight over the limit are refused with the post id; latency delays answers', async () => {
    const sim = await startTestSim({ limits: { wsMaxInflightPosts: 2 } });
    try {
      const c = await FrameLog.open(sim.wsUrl);
      sim.admin.latency(200);
      const t0 = Date.now();
      for (const id of [1, 2, 3]) c.send({ method: 'post', id, request: { type: 'info', payload: { type: 'allMids' } } });
      expect((await c.next((f) => f.channel === 'error')).data).toBe('too many pending post requests id=3');
      await c.next((f) => f.channel === 'post' && f.data.id === 1);
      await c.next((f) => f.channel === 'post' && f.data.id === 2);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
      c.close();
    } finally {
      await sim.stop();
    }
  });

  test('message and user limits answer on the error channel', async () => {
    const sim = await startTestSim({ limits: { wsMessagesPerMinute: 3, wsMaxUsers: 1 } });
    try {
      const c = await FrameLog.open(sim.wsUrl);
      c.send({ method: 'subscribe', subscription: { type: 'userFills', user: '0x' + '11'.repeat(20) } });
      c.send({ method: 'subscribe', subscription: { type: 'userFills', user: '0x' + '22'.repeat(20) } });
      expect((await c.next((f) => f.channel === 'error')).data).toBe('Cannot track more than 1 total users.');
      c.send({ method: 'ping' });
      c.send({ method: 'ping' });
      expect((await c.next((f) => f.channel === 'error')).data).toBe('Cannot send more than 3 messages per minute.');
      c.close();
    } finally {
      await sim.stop();
    }
  });
});
