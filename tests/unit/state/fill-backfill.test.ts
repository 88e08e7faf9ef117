/**
 * Fills the socket never delivered (chaos seed 1002): the venue says an order of ours is filled,
 * its fill frame was dropped by a stalled socket. The fill is fetched with userFillsByTime, goes
 * through the tracker's ordinary path once (position, pairing, the RiskMonitor's `filled` event),
 * and a late duplicate of it from the socket counts nothing.
 */
import type { FillInput } from '../../../src/executor/events';
import type { PositionTracker } from '../../../src/state/position-tracker';
import { flush, makeHarness, sig } from '../executor/harness';

const OID = 4242;

function fillOf(cloid: string, at: number, tid = 9001): FillInput {
  return { coin: 'BTC', px: '50000', sz: '0.01', side: 'B', tid, oid: OID, cloid, fee: '0.2', closedPnl: '0', time: at, startPosition: '0' };
}

async function filledWithLostAnswer(userFills: (start: number) => Promise<FillInput[]>) {
  let cloid = '';
  const h = makeHarness({
    orderStatus: async () => ({ status: 'order', order: { order: { oid: OID, coin: 'BTC', origSz: '0.01', cloid }, status: 'filled', statusTimestamp: h.clock() } }),
    userFills,
  });
  expect(h.executor.onSignal(sig('BTC', 'buy', '0.01')).status).toBe('Accepted');
  cloid = h.accepted[0].cloid;
  h.loop.tick();
  // the post's answer is lost (a stalled socket): the outcome is unknown
  for (const p of h.transport.open()) p.reject(new Error('ws post action id=24: no answer within 5000 ms'));
  await flush();
  h.tracker.drain();
  h.advance(100);
  h.resolver!.tick(h.clock());
  await flush();
  h.tracker.drain();
  const order = h.accepted[0];
  expect(order.state).toBe('awaitingFills');
  return { h, cloid, tracker: h.tracker as PositionTracker };
}

const filledEvents = (h: ReturnType<typeof makeHarness>) => h.events.filter((e) => e.type === 'filled');

test('the venue says filled and the fill never comes on the socket: fetched after the grace, counted once, the order ends', async () => {
  const asked: number[] = [];
  let history: FillInput[] = [];
  const { h, cloid, tracker } = await filledWithLostAnswer(async (start) => (asked.push(start), history));
  const sentAt = h.accepted[0].sentAt!;
  history = [fillOf(cloid, sentAt + 30)];

  // within the grace nothing is asked (fills in transit land by then)
  h.backfill!.tick(h.clock());
  expect(asked).toEqual([]);
  expect(tracker.allPositions()).toEqual([]);

  h.advance(2_000);
  h.backfill!.tick(h.clock());
  await flush();
  h.tracker.drain();
  expect(asked).toEqual([sentAt - 5_000]);
  expect(tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.01' }]);
  expect(filledEvents(h)).toHaveLength(1);
  expect(tracker.getOrder(cloid)).toBeUndefined();
  expect(h.backfill!.stats.fillsOffered).toBe(1);

  // the socket delivers it after all: a duplicate, nothing moves
  tracker.post({ type: 'fill', fill: fillOf(cloid, sentAt + 30) });
  h.tracker.drain();
  expect(tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.01' }]);
  expect(filledEvents(h)).toHaveLength(1);
  // the order is no longer watched: nothing more is asked
  h.advance(10_000);
  h.backfill!.tick(h.clock());
  await flush();
  expect(asked).toHaveLength(1);
});

test('a fill that arrives on the socket within the grace is never asked for', async () => {
  const asked: number[] = [];
  const { h, cloid, tracker } = await filledWithLostAnswer(async (start) => (asked.push(start), []));
  tracker.post({ type: 'fill', fill: fillOf(cloid, h.accepted[0].sentAt! + 30) });
  h.tracker.drain();
  h.advance(2_500);
  h.backfill!.tick(h.clock());
  await flush();
  expect(asked).toEqual([]);
  expect(tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.01' }]);
  expect(filledEvents(h)).toHaveLength(1);
});

test('the venue cannot be asked, or has not the fill yet: asked again with backoff while the order waits', async () => {
  const asked: number[] = [];
  let fail = true;
  let history: FillInput[] = [];
  const { h, cloid, tracker } = await filledWithLostAnswer(async (start) => {
    asked.push(start);
    if (fail) throw new Error('429');
    return history;
  });
  h.advance(2_000);
  h.backfill!.tick(h.clock());
  await flush();
  expect(asked).toHaveLength(1);
  h.advance(500);
  h.backfill!.tick(h.clock()); // backoff 1 s: not yet
  await flush();
  expect(asked).toHaveLength(1);
  fail = false; // answers, but without the fill
  h.advance(600);
  h.backfill!.tick(h.clock());
  await flush();
  h.tracker.drain();
  expect(asked).toHaveLength(2);
  expect(tracker.getOrder(cloid)).toBeDefined();
  history = [fillOf(cloid, h.clock())];
  h.advance(2_100);
  h.backfill!.tick(h.clock());
  await flush();
  h.tracker.drain();
  expect(asked).toHaveLength(3);
  expect(tracker.allPositions()).toEqual([{ coin: 'BTC', szi: '0.01' }]);
  expect(tracker.getOrder(cloid)).toBeUndefined();
});
