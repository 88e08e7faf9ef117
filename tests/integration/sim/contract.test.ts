/**
 * The simulator speaks the same shapes the executor's transports parse: every frame it sends
 * passes the transports' WS frame parser, every /info answer the matching response schema, and
 * every /exchange answer the foundation's response schema.
 */
import { cancelAction, cancelByCloidAction, exchangeResponseSchema, noopAction, orderAction } from '../../../src/exchange/hyperliquid';
import { infoResponseSchemas } from '../../../src/exchange/hyperliquid/schemas/info';
import { parseWsFrame } from '../../../src/exchange/hyperliquid/schemas/ws';
import { formatZodError } from '../../../src/config/zod-error';
import type { RunningSimulator } from '../../../src/sim';
import { FrameLog, Trader, sleep, startTestSim } from './helpers';

describe('simulator ↔ transport schemas', () => {
  let sim: RunningSimulator;
  afterEach(async () => sim?.stop());

  test('frames, info answers and exchange answers all parse with the client schemas', async () => {
    sim = await startTestSim();
    const t = new Trader(sim);
    sim.admin.fund(t.address, '100000');
    const log = await FrameLog.open(sim.wsUrl);
    const subs = [
      { type: 'allMids' },
      { type: 'l2Book', coin: 'BTC' },
      { type: 'bbo', coin: 'BTC' },
      { type: 'trades', coin: 'BTC' },
      { type: 'activeAssetCtx', coin: 'BTC' },
      { type: 'orderUpdates', user: t.address },
      { type: 'userFills', user: t.address },
      { type: 'userEvents', user: t.address },
      { type: 'clearinghouseState', user: t.address },
      { type: 'openOrders', user: t.address },
    ];
    for (const subscription of subs) log.send({ method: 'subscribe', subscription });
    await sleep(100);

    const exchangeAnswers: unknown[] = [];
    const ex = async (a: unknown) => {
      const r = await t.exchange(a);
      exchangeAnswers.push(r.body);
      return r.body;
    };
    const book = await t.info({ type: 'l2Book', coin: 'BTC' });
    const bid = Number(book.levels[0][0].px);
    const ask = Number(book.levels[1][0].px);
    const cloid = '0x' + '0e'.repeat(16);
    const rest = await ex(orderAction([{ asset: 0, isBuy: true, px: String(bid - 30), sz: '0.01', reduceOnly: false, tif: 'Gtc', cloid }]));
    const oid = rest.response.data.statuses[0].resting.oid;
    await ex(orderAction([{ asset: 0, isBuy: true, px: String(ask + 30), sz: '0.02', reduceOnly: false, tif: 'Ioc' }]));
    await ex(orderAction([{ asset: 0, isBuy: false, px: String(bid - 30), sz: '0.0001', reduceOnly: false, tif: 'Ioc' }]));
    await ex(cancelByCloidAction([{ asset: 0, cloid }]));
    await ex(cancelAction([{ asset: 0, oid }]));
    await ex(noopAction());
    await ex(noopAction()).then(() => t.exchange(noopAction(), { expiresAfter: 1 })).then((r) => exchangeAnswers.push(r.body));
    sim.admin.tick();
    log.send({ method: 'post', id: 1, request: { type: 'info', payload: { type: 'l2Book', coin: 'ETH' } } });
    log.send({ method: 'post', id: 2, request: { type: 'action', payload: t.request(noopAction()) } });
    log.send({ method: 'ping' });
    log.send('garbage');
    await log.next((f) => f.channel === 'post' && f.data.id === 2);
    await log.next((f) => f.channel === 'error');

    const infoReqs: { type: keyof typeof infoResponseSchemas; [k: string]: unknown }[] = [
      { type: 'meta' },
      { type: 'metaAndAssetCtxs' },
      { type: 'allMids' },
      { type: 'l2Book', coin: 'SOL' },
      { type: 'clearinghouseState', user: t.address },
      { type: 'openOrders', user: t.address },
      { type: 'frontendOpenOrders', user: t.address },
      { type: 'orderStatus', user: t.address, oid },
      { type: 'orderStatus', user: t.address, oid: 1 },
      { type: 'userFills', user: t.address },
      { type: 'userFillsByTime', user: t.address, startTime: 0 },
    ];
    const problems: string[] = [];
    for (const req of infoReqs) {
      const r = infoResponseSchemas[req.type].safeParse(await t.info(req));
      if (!r.success) problems.push(`info ${JSON.stringify(req)}: ${formatZodError(r.error)}`);
    }
    for (const body of exchangeAnswers) {
      const r = exchangeResponseSchema.safeParse(body);
      if (!r.success) problems.push(`exchange ${JSON.stringify(body)}: ${formatZodError(r.error)}`);
    }
    const channels = new Set<string>();
    for (const text of log.texts) {
      const p = parseWsFrame(text);
      if (!p.ok) problems.push(`frame ${text.slice(0, 200)}: ${p.reason}`);
      else if ('frame' in p) channels.add(p.frame.channel);
    }
    expect(problems).toEqual([]);
    // every channel the executor consumes was exercised
    for (const c of ['subscriptionResponse', 'allMids', 'l2Book', 'bbo', 'trades', 'activeAssetCtx', 'orderUpdates', 'userFills', 'user', 'clearinghouseState', 'openOrders', 'post', 'pong', 'error']) {
      expect(channels).toContain(c);
    }
    log.close();
  });
});
