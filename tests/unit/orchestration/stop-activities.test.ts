/** The stop activities against an in-memory venue: what they send and how they read the answers. */
import { createStopActivities } from '../../../activities/stop';
import { FakeVenue, fakeSigner } from '../../integration/orchestration/fake-venue';
import { setLogSink } from '../../../src/util/log';
import { ApplicationFailure } from '@temporalio/common';
import { WRONG_ACCOUNT_ERROR } from '../../../src/orchestration/stop-activities';

const A1 = '0x00000000000000000000000000000000000000a1';
const T = { account: A1 };

const lines: string[] = [];
beforeAll(() => setLogSink({ write: (l) => void lines.push(l) }));
afterAll(() => setLogSink(undefined));

function acts(venue: FakeVenue, extra: { vaultAddress?: string } = {}) {
  const bodies: any[] = [];
  const exchange = venue.exchange.bind(venue);
  venue.exchange = async (body: any) => {
    bodies.push(body);
    return exchange(body);
  };
  return { bodies, a: createStopActivities({ venue, signer: fakeSigner, account: '0x00000000000000000000000000000000000000a1', isMainnet: false, ...extra }) };
}

test('cancel all: one cancel action for every open order; orders already gone are not failures', async () => {
  const venue = new FakeVenue({}, [
    { coin: 'BTC', side: 'B', sz: '0.1', limitPx: '90000' },
    { coin: 'SOL', side: 'A', sz: '2', limitPx: '300' },
  ]);
  const { a, bodies } = acts(venue);
  const oids = venue.orders.map((o) => o.oid);
  // one of them disappears between the read and the cancel (filled meanwhile)
  const realOpen = venue.openOrders.bind(venue);
  venue.openOrders = async (u: string) => {
    const r = await realOpen(u);
    venue.orders = venue.orders.filter((o) => o.oid !== oids[1]);
    return r;
  };
  const r = await a.cancelAllOpenOrders(T);
  expect(r).toEqual({ requested: 2, cancelled: 1, alreadyGone: 1, failed: [], actions: 1 });
  expect(bodies[0].action).toEqual({ type: 'cancel', cancels: [{ a: 0, o: oids[0] }, { a: 2, o: oids[1] }] });
});

test('flatten: reduce-only IOC on the closing side for the asked markets only, sized from the venue', async () => {
  const venue = new FakeVenue({ BTC: '0.5', ETH: '-1.25', SOL: '0' });
  const { a, bodies } = acts(venue);
  const r = await a.flattenPositions({ ...T, coins: ['ETH'], aggressionBps: 100 });
  expect(r.orders).toEqual([{ coin: 'ETH', isBuy: true, sz: '1.25', px: '3636', status: 'filled', filledSz: '1.25' }]);
  expect(bodies).toHaveLength(1);
  expect(bodies[0].action.orders[0]).toMatchObject({ a: 1, b: true, p: '3636', s: '1.25', r: true, t: { limit: { tif: 'Ioc' } } });
  expect(venue.positions.get('BTC')).toBe('0.5');
  const all = await a.flattenPositions({ ...T, aggressionBps: 100 });
  expect(all.orders.map((o) => `${o.isBuy ? 'buy' : 'sell'} ${o.sz} ${o.coin} @ ${o.px} ${o.status}`)).toEqual(['sell 0.5 BTC @ 96030 filled']);
  expect((await a.confirmFlat(T)).flat).toBe(true);
});

test('an IOC that finds nothing is reported as an error status, and confirm-flat says what is left', async () => {
  const venue = new FakeVenue({ SOL: '3' });
  venue.iocMisses = 1;
  const { a } = acts(venue);
  const r = await a.flattenPositions({ ...T, aggressionBps: 100 });
  expect(r.orders[0]).toMatchObject({ coin: 'SOL', status: 'error', error: expect.stringMatching(/could not immediately match/) });
  expect(await a.confirmFlat(T)).toEqual({ positions: [{ coin: 'SOL', szi: '3' }], openOrders: [], flat: false });
});

test('a whole-action rejection throws (Temporal retries the activity); a vault address is signed into the request', async () => {
  const venue = new FakeVenue({ BTC: '1' });
  venue.exchange = async () => ({ status: 'err', response: 'Invalid nonce' });
  const { a } = acts(venue);
  // a refused order action is a visible error status of that order (the next round tries again)
  const refused = await a.flattenPositions({ ...T, aggressionBps: 100 });
  expect(refused.orders[0]).toMatchObject({ coin: 'BTC', status: 'error', error: expect.stringMatching(/venue rejected order: Invalid nonce/) });

  const v2 = new FakeVenue({ BTC: '1' });
  const seen: unknown[] = [];
  const signer = { ...fakeSigner, signL1: (_a: unknown, _n: number, o: unknown) => (seen.push(o), fakeSigner.signL1()) };
  const { bodies } = acts(v2);
  const a2 = createStopActivities({ venue: v2, signer, account: '0x00000000000000000000000000000000000000a1', isMainnet: true, vaultAddress: '0x00000000000000000000000000000000000000b2' });
  await a2.flattenPositions({ account: A1, vaultAddress: '0x00000000000000000000000000000000000000b2', aggressionBps: 100 });
  expect(seen[0]).toEqual({ isMainnet: true, vaultAddress: '0x00000000000000000000000000000000000000b2' });
  expect(bodies[0].vaultAddress).toBe('0x00000000000000000000000000000000000000b2');
});

test('alert: critical goes to the log as an error and to the sink; a failing sink is logged, not thrown', async () => {
  const sunk: string[] = [];
  const venue = new FakeVenue();
  const a = createStopActivities({
    venue,
    signer: fakeSigner,
    account: '0x00000000000000000000000000000000000000a1',
    isMainnet: false,
    alertSink: async (r) => {
      sunk.push(r.message);
      throw new Error('pager down');
    },
  });
  lines.length = 0;
  await a.alert({ level: 'critical', sessionId: 's', stopWorkflowId: 's-stop-1', outcome: 'STOP_FAILED', message: 's: STOP FAILED', remaining: [{ coin: 'BTC', szi: '1' }], openOrdersLeft: 0 });
  expect(sunk).toEqual(['s: STOP FAILED']);
  expect(lines.join('\n')).toMatch(/ALERT s: STOP FAILED/);
  expect(lines.join('\n')).toMatch(/alert sink failed/);
});

test("an account the worker's signer cannot act for is refused non-retryably, naming both, before anything is read", async () => {
  const venue = new FakeVenue({ BTC: '1' });
  const reads: string[] = [];
  venue.clearinghouseState = async (u: string) => (reads.push(u), FakeVenue.prototype.clearinghouseState.call(venue, u));
  const { a, bodies } = acts(venue);
  const B = '0x00000000000000000000000000000000000000b7';
  for (const call of [() => a.readVenueState({ account: B }), () => a.flattenPositions({ account: B, aggressionBps: 100 }), () => a.cancelAllOpenOrders({ account: B }), () => a.confirmFlat({ account: A1, vaultAddress: B })]) {
    const e = await call().catch((x) => x);
    expect(e).toBeInstanceOf(ApplicationFailure);
    expect(e).toMatchObject({ type: WRONG_ACCOUNT_ERROR, nonRetryable: true });
    expect(e.message).toContain(A1);
    expect(e.message).toContain(B);
  }
  expect(reads).toEqual([]);
  expect(bodies).toEqual([]);
});

test('cancels are chunked to the per-action limit; a refused chunk does not stop the others, and the activity then throws', async () => {
  const orders = Array.from({ length: 450 }, (_, i) => ({ coin: 'SOL', side: 'B' as const, sz: '1', limitPx: String(100 + (i % 50)) }));
  const venue = new FakeVenue({}, orders);
  const { a } = acts(venue);
  const real = venue.exchange.bind(venue);
  const bodies: any[] = [];
  let n = 0;
  venue.exchange = async (body: any) => {
    bodies.push(body);
    if (body.action.cancels.length > 200) return { status: 'err', response: 'Signed action over weight limit of 200.' };
    if (++n === 2) return { status: 'err', response: 'Too many requests' };
    return real(body);
  };
  await expect(a.cancelAllOpenOrders({ ...T, maxPerAction: 200 })).rejects.toThrow(/1 of 3 cancel action\(s\) refused: venue rejected cancel: Too many requests/);
  expect(bodies.map((b) => b.action.cancels.length)).toEqual([200, 200, 50]);
  expect(venue.orders).toHaveLength(200); // the refused chunk's orders are left for the retry
  const again = await a.cancelAllOpenOrders({ ...T, maxPerAction: 200 });
  expect(again).toMatchObject({ requested: 200, cancelled: 200, actions: 1, failed: [] });
});

test('flatten prices from the L2 book, split by notional on the lot grid, held at the ceiling when the book is thin', async () => {
  const venue = new FakeVenue({ BTC: '0.00003', ETH: '-2.5' });
  const { a, bodies } = acts(venue);
  const r = await a.flattenPositions({ ...T, coins: ['ETH'], pricing: { widenBps: 10, maxSlippageBps: 300, maxOrderNotionalUsd: '4000', maxOrdersPerAction: 2 } });
  // 2.5 ETH at ~3604 in pieces of ≤ 4000 USD: 1.11 + 1.11 + 0.28, two orders per action
  expect(r.orders.map((o) => o.sz)).toEqual(['1.11', '1.11', '0.28']);
  expect(bodies.map((b) => b.action.orders.length)).toEqual([2, 1]);
  expect(r.pricing).toEqual([{ coin: 'ETH', bookPx: '3600', px: '3603.6', capped: false }]);
  venue.bookEmpty = true;
  venue.positions.set('ETH', '-1');
  const thin = await a.flattenPositions({ ...T, coins: ['ETH'], pricing: { widenBps: 10, maxSlippageBps: 300, maxOrderNotionalUsd: '1000000', maxOrdersPerAction: 40 } });
  expect(thin.pricing).toEqual([{ coin: 'ETH', bookPx: null, px: '3708', capped: true }]);
});
