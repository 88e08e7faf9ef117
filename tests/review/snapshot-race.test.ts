/**
 * Review repro (inverted, issue #13 §1): a live fill that arrives while the reconnect sync's
 * clearinghouseState is in flight used to be overwritten by the (older) snapshot, and a second
 * position was accepted. Snapshots and fills are now merged by the venue's clock: the fill is
 * newer than the snapshot, so it is re-applied on top of it — never lost, never doubled.
 */
import { parse } from 'yaml';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSessionConfig } from '../../src/config/session';
import { createHotPath } from '../../src/executor/hot-path';
import { UserFeed, type FeedSource } from '../../src/exchange/hyperliquid/user-feed';
import type { Fill } from '../../src/exchange/hyperliquid/schemas/info';
import type { WsState } from '../../src/exchange/hyperliquid/ws-client';
import { setLogSink } from '../../src/util/log';
import { FakeWire, MARKETS } from '../unit/executor/harness';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));
const USER = '0x14791697260e4c9a71f18484c9f997b308e59325';
const tick = () => new Promise((r) => setImmediate(r));

class Src implements FeedSource {
  handlers = new Map<string, ((d: any) => void)[]>();
  cbs: ((s: WsState & { reconnect?: boolean }) => void)[] = [];
  st: WsState = { up: false, since: 0 };
  positions: { coin: string; szi: string }[] = [];
  hold: ((v: any) => void) | null = null;
  holdNext = false;
  /** the venue's clock */
  now = () => 0;
  subscribe(sub: any, h: any) { this.handlers.set(sub.type, [...(this.handlers.get(sub.type) ?? []), h]); return { acked: Promise.resolve(), unsubscribe: () => {} }; }
  onSocketState(cb: any) { this.cbs.push(cb); return () => {}; }
  socketState() { return this.st; }
  setUp(up: boolean) { this.st = { up, since: Date.now() }; for (const cb of this.cbs) cb({ ...this.st }); }
  push(t: string, d: unknown) { for (const h of this.handlers.get(t) ?? []) h(d); }
  async openOrders() { return []; }
  async userFillsByTime() { return []; }
  async orderStatus() { return { status: 'unknownOid' as const }; }
  clearinghouseState(): Promise<any> {
    // the venue computes the snapshot NOW and stamps it with its own time
    const snap = { assetPositions: this.positions.map((p) => ({ type: 'oneWay', position: { coin: p.coin, szi: p.szi } })), marginSummary: {}, withdrawable: '0', time: this.now() };
    if (!this.holdNext) return Promise.resolve(snap);
    this.holdNext = false;
    // the venue computed the snapshot NOW; the answer is delivered later
    return new Promise((r) => (this.hold = () => r(snap)));
  }
}

function setup() {
  const raw = parse(fs.readFileSync(path.join(__dirname, '../../config/session.example.yaml'), 'utf8'));
  const cfg = parseSessionConfig(raw);
  const clock = { now: 1_700_000_000_000 };
  const hp = createHotPath({
    config: cfg,
    markets: MARKETS.map(({ coin, asset, szDecimals }) => ({ coin, asset, szDecimals })),
    wire: new FakeWire(),
    transport: { post: () => new Promise(() => {}) },
    hardStopPort: { signalHardStop: async () => {} },
    alert: { alert: () => {} },
    clock: () => clock.now,
    cloidPrefix: '0123456789abcdef',
  });
  const src = new Src();
  src.now = () => clock.now;
  const feed = new UserFeed(
    src,
    USER,
    {
      onFill: (f) => hp.onFill(f),
      onOrderUpdate: (u) => hp.onOrderUpdate(u),
      onPositions: (s) => hp.onPositions(s),
      onOpenOrders: (s) => hp.onOpenOrders(s),
      onSocketState: (s) => hp.onSocketState(s),
    },
    { clock: () => clock.now },
  );
  const marks = () => {
    for (const m of MARKETS) hp.onMarkUpdate({ coin: m.coin, markPx: m.mark, midPx: m.mark, at: clock.now });
  };
  return { hp, src, feed, clock, marks };
}

const btcFill = (time: number, tid: number, startPosition: string): Fill => ({
  coin: 'BTC', px: '97000', sz: '0.001', side: 'B', time, startPosition, dir: 'Open Long', closedPnl: '0', hash: '0x', oid: 9, crossed: false, fee: '0.01', tid,
});

async function reconnectWithHeldSnapshot(t: ReturnType<typeof setup>) {
  t.marks();
  t.src.setUp(true); // first connect, venue flat
  await t.feed.settled(); await tick();
  t.hp.setTradingAllowed(true);
  expect(t.hp.readiness.ready).toBe(true);
  t.src.setUp(false);
  t.src.holdNext = true;
  t.src.setUp(true);
  await tick(); await tick();
  expect(t.src.hold).not.toBeNull();
}

test('a fill timed exactly at the snapshot is placed by its startPosition (after the snapshot: re-applied)', async () => {
  const t = setup();
  await reconnectWithHeldSnapshot(t); // snapshot stamped at clock.now, flat
  t.src.push('userFills', { user: USER, fills: [btcFill(t.clock.now, 77, '0')] }); // same ms, started from flat
  await tick();
  t.src.positions = [{ coin: 'BTC', szi: '0.001' }];
  t.src.hold!(undefined);
  await t.feed.settled(); await tick();
  expect(t.hp.tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.001' }]);
  t.feed.stop();
});

test('a fill the snapshot already holds (older than it) is not counted twice', async () => {
  const t = setup();
  t.marks();
  t.src.setUp(true); // first connect, venue flat
  await t.feed.settled(); await tick();
  t.clock.now += 1_000;
  // a fill at the venue; then the socket flaps and the venue computes the reconnect snapshot with it
  t.src.positions = [{ coin: 'BTC', szi: '0.001' }];
  t.src.setUp(false);
  t.src.holdNext = true;
  t.src.setUp(true);
  await tick(); await tick();
  expect(t.src.hold).not.toBeNull();
  // the fill's push (older than the snapshot) arrives while the snapshot's answer is in flight
  t.src.push('userFills', { user: USER, fills: [btcFill(t.clock.now - 50, 78, '0')] });
  await tick();
  expect(t.hp.tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.001' }]);
  t.clock.now += 20;
  t.src.hold!(undefined);
  await t.feed.settled(); await tick();
  expect(t.hp.tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.001' }]); // not 0.002
  // a late duplicate push of the same fill changes nothing either
  t.src.push('userFills', { user: USER, fills: [btcFill(t.clock.now - 70, 78, '0')] });
  await tick();
  expect(t.hp.tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.001' }]);
  t.feed.stop();
});

test('a fill delivered while the positions snapshot is in flight is kept; a second BTC position is refused', async () => {
  const t = setup();
  const { hp, src, feed } = t;
  await reconnectWithHeldSnapshot(t); // the venue computed a flat snapshot at clock.now
  // meanwhile a resting order of ours fills on the live stream: the venue now holds 0.001 BTC
  t.clock.now += 5;
  src.push('userFills', { user: USER, fills: [btcFill(t.clock.now, 4242, '0')] });
  await tick();
  expect(hp.tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.001' }]);
  src.positions = [{ coin: 'BTC', szi: '0.001' }]; // what the venue really holds now
  // the stale snapshot (taken before the fill) is delivered
  src.hold!(undefined);
  await feed.settled(); await tick();
  expect(hp.tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.001' }]); // re-applied on top, not erased
  expect(hp.tracker.bookStats.reapplied).toBe(1);
  // trading resumes; a new BTC opening order is stopped: the position is seen (MaxPosition per
  // market already counts its $97 against the example's limit, before has_position would)
  t.clock.now += 100;
  t.marks();
  expect(hp.readiness.ready).toBe(true);
  const r = hp.submitSignal({ market: 'BTC', side: 'buy', size: '0.001', limitPx: '97000', tif: 'Gtc' });
  expect(r).toEqual({ status: 'Rejected', reason: 'MaxPositionPerMarket' });
  expect(hp.tracker.hasPosition('BTC')).toBe(true);
  feed.stop();
});
