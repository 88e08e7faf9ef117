/** The stop activities against an in-memory venue: what they send and how they read the answers. */
import { createStopActivities } from '../../../activities/stop';
import { FakeVenue, fakeSigner } from '../../integration/orchestration/fake-venue';
import { setLogSink } from '../../../src/util/log';

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
  const r = await a.cancelAllOpenOrders();
  expect(r).toEqual({ requested: 2, cancelled: 1, alreadyGone: 1, failed: [] });
  expect(bodies[0].action).toEqual({ type: 'cancel', cancels: [{ a: 0, o: oids[0] }, { a: 2, o: oids[1] }] });
});

test('flatten: reduce-only IOC on the closing side for the asked markets only, sized from the venue', async () => {
  const venue = new FakeVenue({ BTC: '0.5', ETH: '-1.25', SOL: '0' });
  const { a, bodies } = acts(venue);
  const r = await a.flattenPositions({ coins: ['ETH'], aggressionBps: 100 });
  expect(r.orders).toEqual([{ coin: 'ETH', isBuy: true, sz: '1.25', px: '3636', status: 'filled', filledSz: '1.25' }]);
  expect(bodies).toHaveLength(1);
  expect(bodies[0].action.orders[0]).toMatchObject({ a: 1, b: true, p: '3636', s: '1.25', r: true, t: { limit: { tif: 'Ioc' } } });
  expect(venue.positions.get('BTC')).toBe('0.5');
  const all = await a.flattenPositions({ aggressionBps: 100 });
  expect(all.orders.map((o) => `${o.isBuy ? 'buy' : 'sell'} ${o.sz} ${o.coin} @ ${o.px} ${o.status}`)).toEqual(['sell 0.5 BTC @ 96030 filled']);
  expect((await a.confirmFlat()).flat).toBe(true);
});

test('an IOC that finds nothing is reported as an error status, and confirm-flat says what is left', async () => {
  const venue = new FakeVenue({ SOL: '3' });
  venue.iocMisses = 1;
  const { a } = acts(venue);
  const r = await a.flattenPositions({ aggressionBps: 100 });
  expect(r.orders[0]).toMatchObject({ coin: 'SOL', status: 'error', error: expect.stringMatching(/could not immediately match/) });
  expect(await a.confirmFlat()).toEqual({ positions: [{ coin: 'SOL', szi: '3' }], openOrders: [], flat: false });
});

test('a whole-action rejection throws (Temporal retries the activity); a vault address is signed into the request', async () => {
  const venue = new FakeVenue({ BTC: '1' });
  venue.exchange = async () => ({ status: 'err', response: 'Invalid nonce' });
  const { a } = acts(venue);
  await expect(a.flattenPositions({ aggressionBps: 100 })).rejects.toThrow(/venue rejected order: Invalid nonce/);

  const v2 = new FakeVenue({ BTC: '1' });
  const seen: unknown[] = [];
  const signer = { ...fakeSigner, signL1: (_a: unknown, _n: number, o: unknown) => (seen.push(o), fakeSigner.signL1()) };
  const { bodies } = acts(v2);
  const a2 = createStopActivities({ venue: v2, signer, account: '0x00000000000000000000000000000000000000a1', isMainnet: true, vaultAddress: '0x00000000000000000000000000000000000000b2' });
  await a2.flattenPositions({ aggressionBps: 100 });
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
