import { UserFeed, type FeedSource } from '../../../src/exchange/hyperliquid/user-feed';
import type { Fill, OpenOrder } from '../../../src/exchange/hyperliquid/schemas/info';
import type { WsState } from '../../../src/exchange/hyperliquid/ws-client';
import type { FillInput, OrderUpdateInput, PositionsSnapshot } from '../../../src/executor/events';
import { setLogSink } from '../../../src/util/log';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));

const USER = '0x14791697260e4c9a71f18484c9f997b308e59325';

function fill(tid: number, time: number, oid = 1, coin = 'BTC'): Fill {
  return { coin, px: '100', sz: '1', side: 'B', time, startPosition: '0', dir: 'Open Long', closedPnl: '0', hash: '0x', oid, crossed: true, fee: '0.01', tid };
}
function openOrder(oid: number, sz = '1', coin = 'BTC'): OpenOrder {
  return { coin, side: 'B', limitPx: '100', sz, oid, timestamp: 1, origSz: '1', cloid: null };
}

/** An in-memory venue behind the FeedSource interface. */
class FakeSource implements FeedSource {
  handlers = new Map<string, ((d: any) => void)[]>();
  stateCbs: ((s: WsState & { reconnect?: boolean }) => void)[] = [];
  st: WsState = { up: false, since: 0 };
  fills: Fill[] = [];
  open: OpenOrder[] = [];
  statuses = new Map<number, { status: string; sz: string }>();
  positions: { coin: string; szi: string }[] = [];
  failOpenOrders = 0;
  calls: string[] = [];
  /** hook run inside openOrders before it answers (to drop the link mid-sync) */
  onOpenOrdersCall?: () => void;

  subscribe(sub: any, handler: any) {
    const k = sub.type;
    this.handlers.set(k, [...(this.handlers.get(k) ?? []), handler]);
    return { acked: Promise.resolve(), unsubscribe: () => {} };
  }
  onSocketState(cb: any) {
    this.stateCbs.push(cb);
    return () => {};
  }
  socketState() {
    return this.st;
  }
  setUp(up: boolean, reconnect = false) {
    this.st = { up, since: Date.now() };
    for (const cb of this.stateCbs) cb({ ...this.st, reconnect });
  }
  push(type: string, data: unknown) {
    for (const h of this.handlers.get(type) ?? []) h(data);
  }
  async openOrders() {
    this.calls.push('openOrders');
    this.onOpenOrdersCall?.();
    if (this.failOpenOrders > 0) {
      this.failOpenOrders--;
      throw new Error('boom');
    }
    return this.open.map((o) => ({ ...o }));
  }
  async userFillsByTime(_u: string, start: number) {
    this.calls.push(`userFillsByTime:${start}`);
    return this.fills.filter((f) => f.time >= start).sort((a, b) => a.time - b.time).slice(0, 3);
  }
  async clearinghouseState() {
    this.calls.push('clearinghouseState');
    return {
      assetPositions: this.positions.map((p) => ({ type: 'oneWay', position: { coin: p.coin, szi: p.szi } })),
      marginSummary: { accountValue: '0', totalNtlPos: '0', totalRawUsd: '0', totalMarginUsed: '0' },
      withdrawable: '0',
    } as any;
  }
  async orderStatus(_u: string, oid: number | string) {
    this.calls.push(`orderStatus:${oid}`);
    const s = this.statuses.get(Number(oid));
    if (!s) return { status: 'unknownOid' as const };
    return { status: 'order' as const, order: { order: { ...openOrder(Number(oid), s.sz) }, status: s.status, statusTimestamp: 5 } } as any;
  }
}

function collect() {
  const out = {
    events: [] as string[],
    fills: [] as FillInput[],
    updates: [] as OrderUpdateInput[],
    positions: [] as PositionsSnapshot[],
    errors: [] as string[],
  };
  return {
    out,
    handlers: {
      onFill: (f: FillInput) => (out.fills.push(f), out.events.push(`fill:${f.coin}:${f.tid}`)),
      onOrderUpdate: (u: OrderUpdateInput) => (out.updates.push(u), out.events.push(`order:${u.oid}:${u.status}`)),
      onPositions: (p: PositionsSnapshot) => (out.positions.push(p), out.events.push('positions')),
      onOpenOrders: () => out.events.push('openOrders'),
      onSocketState: (s: { up: boolean }) => out.events.push(s.up ? 'up' : 'down'),
      onError: (w: string) => out.errors.push(w),
    },
  };
}

describe('UserFeed', () => {
  it('first connection: snapshot fills are history, live fills arrive once across both channels, positions follow', async () => {
    const src = new FakeSource();
    src.positions = [{ coin: 'BTC', szi: '2' }];
    src.open = [openOrder(7)];
    const { out, handlers } = collect();
    const feed = new UserFeed(src, USER, handlers, { fillLookbackMs: 0 });
    src.setUp(true);
    src.push('userFills', { isSnapshot: true, user: USER, fills: [fill(1, 10), fill(2, 11)] });
    await feed.settled();
    expect(out.fills).toEqual([]);
    expect(out.updates).toEqual([]); // pre-existing orders are state, not news
    expect(out.events).toEqual(['up', 'openOrders', 'positions']);
    expect(out.positions[0].positions).toEqual([{ coin: 'BTC', szi: '2' }]);
    // a live fill on userFills and again on userEvents, plus a replayed old one
    src.push('userFills', { user: USER, fills: [fill(3, 20)] });
    src.push('userEvents', { fills: [fill(3, 20), fill(1, 10)] });
    expect(out.fills.map((f) => f.tid)).toEqual([3]);
    expect(out.fills[0]).toEqual({ coin: 'BTC', px: '100', sz: '1', side: 'B', tid: 3, oid: 1, cloid: null, fee: '0.01', closedPnl: '0', time: 20, startPosition: '0' });
    expect(feed.stats()).toMatchObject({ fillsDelivered: 1, fillDuplicatesDropped: 2 });
  });

  it('the same tid on another coin is a different fill', () => {
    const src = new FakeSource();
    const { out, handlers } = collect();
    new UserFeed(src, USER, handlers);
    src.push('userEvents', { fills: [fill(9, 1, 1, 'BTC'), fill(9, 1, 2, 'ETH'), fill(9, 1, 1, 'BTC')] });
    expect(out.fills.map((f) => `${f.coin}:${f.tid}`)).toEqual(['BTC:9', 'ETH:9']);
  });

  it('after a reconnect delivers every missed fill and order update exactly once, then positions', async () => {
    const src = new FakeSource();
    src.open = [openOrder(7), openOrder(8)];
    const { out, handlers } = collect();
    const feed = new UserFeed(src, USER, handlers, { fillLookbackMs: 0, fillPageSize: 3, clock: () => 50 });
    src.setUp(true);
    await feed.settled();
    src.push('orderUpdates', [{ order: { ...openOrder(9), origSz: '1' }, status: 'open', statusTimestamp: 3 }]);
    src.push('userFills', { user: USER, fills: [fill(1, 100)] });
    expect(out.fills.map((f) => f.tid)).toEqual([1]);
    src.setUp(false);
    // while down: fills 2..6 (more than one page), order 7 filled, 8 partially filled, 9 canceled, 10 new
    src.fills = [fill(1, 100), ...[2, 3, 4, 5, 6].map((t) => fill(t, 100 + t, 7))];
    src.open = [openOrder(8, '0.4'), openOrder(10)];
    src.statuses.set(7, { status: 'filled', sz: '0' });
    src.statuses.set(9, { status: 'canceled', sz: '1' });
    src.positions = [{ coin: 'BTC', szi: '6' }];
    out.events.length = 0;
    src.setUp(true, true);
    // the reconnect snapshot overlaps with the HTTP answer
    src.push('userFills', { isSnapshot: true, user: USER, fills: [fill(1, 100), fill(2, 102, 7), fill(3, 103, 7)] });
    await feed.settled();
    expect(out.fills.map((f) => f.tid).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const upd = out.updates.map((u) => `${u.oid}:${u.status}:${u.sz}`);
    expect(upd).toEqual(['9:open:1', '8:open:0.4', '10:open:1', '7:filled:0', '9:canceled:1']);
    // ordering: everything missed precedes the open-orders report and the positions snapshot
    expect(out.events.slice(-2)).toEqual(['openOrders', 'positions']);
    expect(out.positions.at(-1)!.positions).toEqual([{ coin: 'BTC', szi: '6' }]);
    // paging asked from the last fill time on
    expect(src.calls.filter((c) => c.startsWith('userFillsByTime'))[0]).toBe('userFillsByTime:100');
    // the stream repeating any of it delivers nothing new
    src.push('orderUpdates', [{ order: { ...openOrder(7), sz: '0', origSz: '1' }, status: 'filled', statusTimestamp: 5 }]);
    src.push('userEvents', { fills: src.fills });
    expect(out.fills).toHaveLength(6);
    expect(out.updates).toHaveLength(5);
    // 2 and 3 came with the reconnect snapshot, 4..6 only over HTTP: all five were missed
    expect(feed.stats()).toMatchObject({ missedFillsRecovered: 5, missedOrderUpdatesRecovered: 4, syncs: 2 });
  });

  it('retries a failed sync and abandons one overtaken by a new disconnect', async () => {
    const src = new FakeSource();
    src.failOpenOrders = 1;
    const { out, handlers } = collect();
    const feed = new UserFeed(src, USER, handlers, { retryMs: 5 });
    src.setUp(true);
    await feed.settled();
    expect(out.errors).toEqual(['sync']);
    expect(out.positions).toHaveLength(1);
    // the link drops while the reconnect sync waits on openOrders: that sync must not report positions
    src.onOpenOrdersCall = () => {
      src.onOpenOrdersCall = undefined;
      src.setUp(false);
    };
    src.setUp(false);
    src.setUp(true, true);
    await feed.settled();
    expect(out.positions).toHaveLength(1);
    src.setUp(true, true); // (no-op duplicate state in the fake: a fresh up)
    await feed.settled();
    expect(out.positions).toHaveLength(2);
  });

  it('a handler that throws is reported and does not stop later events', () => {
    const src = new FakeSource();
    const { out, handlers } = collect();
    let n = 0;
    new UserFeed(src, USER, { ...handlers, onFill: (f) => { if (n++ === 0) throw new Error('x'); handlers.onFill(f); } });
    src.push('userEvents', { fills: [fill(1, 1), fill(2, 2)] });
    expect(out.fills.map((f) => f.tid)).toEqual([2]);
    expect(out.errors).toEqual(['onFill']);
  });
});
