/**
 * The UserFeed over the simulator's real socket: an order's life (rest, partial fills, cancel by
 * cloid) arrives as hot-path events in order, and marks come from activeAssetCtx.
 */
import { cancelByCloidAction } from '../../../src/exchange/hyperliquid/actions';
import { buildExchangeRequest } from '../../../src/exchange/hyperliquid/signer';
import type { FillInput, MarkUpdate, OrderUpdateInput } from '../../../src/executor/events';
import { setLogSink } from '../../../src/util/log';
import { randomCloid, startHarness, type Harness, waitUntil } from './sim-harness';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));


describe('UserFeed order life cycle against the simulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('rest → partial fills → cancel by cloid, with marks', async () => {
    const c = h.client();
    await c.connect();
    const events: string[] = [];
    const fills: FillInput[] = [];
    const updates: OrderUpdateInput[] = [];
    const marks: MarkUpdate[] = [];
    let synced = 0;
    const feed = c.userFeed(
      h.user,
      {
        onFill: (f) => (fills.push(f), events.push('fill')),
        onOrderUpdate: (u) => (updates.push(u), events.push(u.status)),
        onPositions: () => events.push('positions'),
        onMark: (m) => marks.push(m),
        onSynced: () => synced++,
      },
      { coins: ['BTC', 'ETH'] },
    );
    await waitUntil(() => synced === 1 && marks.length >= 2, 5_000, 'first sync and marks');
    expect(marks.map((m) => m.coin).sort()).toEqual(['BTC', 'ETH']);
    expect(marks[0].markPx).toMatch(/^\d+(\.\d+)?$/);

    h.sim.admin.partialFills(0.5);
    const cloid = randomCloid();
    const r = await c.post(h.orderBody([{ asset: 0, isBuy: true, px: '96000', sz: '0.004', reduceOnly: false, cloid }]));
    const oid = (r as any).response.data.statuses[0].resting.oid as number;
    await waitUntil(() => updates.length === 1);
    expect(updates[0]).toMatchObject({ coin: 'BTC', oid, cloid, status: 'open', sz: '0.004', origSz: '0.004' });

    h.sim.admin.setPrice('BTC', '95900');
    h.sim.admin.tick();
    await waitUntil(() => fills.length >= 2, 5_000, 'partial fills');
    await waitUntil(() => marks.some((m) => m.coin === 'BTC' && m.markPx !== marks[0].markPx), 5_000, 'mark moved');

    const nonce = h.nonces.next();
    const action = cancelByCloidAction([{ asset: 0, cloid }]);
    const cancel = await c.post(buildExchangeRequest(action, nonce, h.signer.signL1(action, nonce, { isMainnet: false })));
    expect(cancel).toEqual({ status: 'ok', response: { type: 'cancel', data: { statuses: ['success'] } } });
    await waitUntil(() => updates.some((u) => u.status === 'canceled'), 5_000, 'cancel update');

    const truth = h.sim.admin.state(h.user);
    const filled = fills.reduce((s, f) => s + Math.round(Number(f.sz) * 1e5), 0);
    expect(fills.every((f) => f.oid === oid && f.side === 'B' && f.cloid === cloid)).toBe(true);
    expect(fills.map((f) => `${f.coin}:${f.tid}`).sort()).toEqual(truth.fills.map((f) => `${f.coin}:${f.tid}`).sort());
    const canceled = updates.find((u) => u.status === 'canceled')!;
    // remaining size when canceled + filled = the order's size
    expect(Math.round(Number(canceled.sz) * 1e5) + filled).toBe(400);
    expect(events.filter((e) => e !== 'fill')).toEqual(['positions', 'open', 'canceled']);
    expect(truth.openOrders).toHaveLength(0);
    feed.stop();
  });
});
