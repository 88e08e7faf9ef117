/**
 * The socket is dropped in the middle of a stream of fills: the UserFeed must deliver every fill
 * the venue made exactly once (live, from the reconnect snapshot or over HTTP), report how each
 * order ended, and finish with a positions snapshot equal to the venue's truth.
 */
import { VenueClient } from '../../../src/exchange/hyperliquid/venue-client';
import type { SyncReport } from '../../../src/exchange/hyperliquid/user-feed';
import type { FillInput, OrderUpdateInput, PositionsSnapshot, SocketState } from '../../../src/executor/events';
import { setLogSink } from '../../../src/util/log';
import { startHarness, type Harness, waitUntil } from './sim-harness';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));


describe('fills across a forced socket drop', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  async function run(faults: { duplicate?: boolean; reorder?: boolean }) {
    const { sim, user } = h;
    const feedClient = h.client({ ws: { backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 } } });
    const trader = new VenueClient({ httpUrl: sim.httpUrl, wsUrl: null });
    const fills: FillInput[] = [];
    const updates: OrderUpdateInput[] = [];
    const positions: PositionsSnapshot[] = [];
    const sockets: SocketState[] = [];
    const syncs: SyncReport[] = [];
    const order: string[] = [];
    const fillsAtSnapshot: number[] = [];
    await feedClient.connect();
    const feed = feedClient.userFeed(user, {
      onFill: (f) => (fills.push(f), order.push('fill')),
      onOrderUpdate: (u) => updates.push(u),
      onPositions: (p) => (positions.push(p), fillsAtSnapshot.push(fills.length), order.push('positions')),
      onSocketState: (s) => sockets.push(s),
      onSynced: (r) => syncs.push(r),
    });
    await waitUntil(() => syncs.length === 1, 5_000, 'first sync');
    sim.admin.duplicateFills(faults.duplicate ?? false);
    sim.admin.reorderFills(faults.reorder ?? false);

    // a resting bid that will fill while the socket is down
    const rest = await trader.post(h.orderBody([{ asset: 0, isBuy: true, px: '96000', sz: '0.002', reduceOnly: false }]));
    const restOid = (rest as any).response.data.statuses[0].resting.oid as number;
    await waitUntil(() => updates.some((u) => u.oid === restOid && u.status === 'open'), 5_000, 'resting order seen open');

    const ioc = (i: number) => {
      const buy = i % 2 === 0;
      // two orders per action, so one push carries several fills
      return h.orderBody([
        { asset: 0, isBuy: buy, px: buy ? '99000' : '95000', sz: '0.001', reduceOnly: false, tif: 'Ioc' },
        { asset: 1, isBuy: !buy, px: buy ? '3500' : '3700', sz: '0.01', reduceOnly: false, tif: 'Ioc' },
      ]);
    };
    for (let i = 0; i < 10; i++) await trader.post(ioc(i));
    await waitUntil(() => fills.length >= 20, 5_000, 'live fills');

    // drop the socket mid-stream; trading goes on over HTTP while it is down
    sim.admin.dropSockets();
    await waitUntil(() => !feedClient.socketUp(), 5_000, 'socket down');
    for (let i = 10; i < 25; i++) await trader.post(ioc(i));
    sim.admin.setPrice('BTC', '95500'); // the resting bid fills while nobody listens
    expect(feedClient.socketUp()).toBe(false);
    feedClient.ws!.reconnectNow(); // the gap ends when the test says so, not when a timer does

    await waitUntil(() => syncs.length === 2, 10_000, 'reconnect sync');
    for (let i = 25; i < 30; i++) await trader.post(ioc(i));

    const truth = sim.admin.state(user);
    await waitUntil(() => fills.length >= truth.fills.length, 5_000, 'all fills delivered');
    await new Promise((r) => setTimeout(r, 100)); // any late duplicate would show up now

    const key = (f: { coin: string; tid: number }) => `${f.coin}:${f.tid}`;
    const delivered = fills.map(key);
    expect(new Set(delivered).size).toBe(delivered.length); // none doubled
    expect([...delivered].sort()).toEqual(truth.fills.map(key).sort()); // none lost
    expect(truth.fills.some((f) => f.oid === restOid)).toBe(true);

    // how the resting order ended, reported once
    const restUpdates = updates.filter((u) => u.oid === restOid).map((u) => u.status);
    expect(restUpdates).toEqual(['open', 'filled']);

    // the reconnect's positions snapshot equals the fills delivered before it; all fills sum to the venue's positions
    const signedSum = (fs: FillInput[], coin: string) =>
      fs.filter((f) => f.coin === coin).reduce((s, f) => s + (f.side === 'B' ? 1 : -1) * Math.round(Number(f.sz) * 1e6), 0);
    const micro = (ps: { coin: string; szi: string }[], coin: string) => Math.round(Number(ps.find((p) => p.coin === coin)?.szi ?? '0') * 1e6);
    const last = positions[positions.length - 1];
    for (const coin of ['BTC', 'ETH']) {
      expect(signedSum(fills.slice(0, fillsAtSnapshot[fillsAtSnapshot.length - 1]), coin)).toBe(micro(last.positions, coin));
      expect(signedSum(fills, coin)).toBe(micro(truth.positions, coin));
    }
    expect(sockets.map((s) => s.up)).toEqual([true, false, true]); // initial state, the drop, the reconnect
    expect(syncs[1].reconnect).toBe(true);
    expect(syncs[1].missedFills).toBeGreaterThan(0);
    // the reconnect's positions snapshot came after the missed fills it includes
    expect(order.lastIndexOf('positions')).toBeGreaterThan(order.indexOf('fill'));
    feed.stop();
    return feed.stats();
  }

  it('delivers every fill exactly once', async () => {
    const stats = await run({});
    expect(stats.missedFillsRecovered).toBeGreaterThan(0);
  });

  it('still exactly once with duplicated and reordered fill pushes', async () => {
    const stats = await run({ duplicate: true, reorder: true });
    expect(stats.fillDuplicatesDropped).toBeGreaterThan(0);
  });
});
