/**
 * The example strategy module (examples/quoter/quoter.ts) loaded the way the worker loads it,
 * driven by a real hot path: a post-only bid off the mid, a cancel and a fresh quote when the mid
 * moves, and once filled a reduce-only post-only exit on the other side.
 */
import * as path from 'node:path';
import { setLogSink } from '../../../src/util/log';
import { restingConfig, restingHotPath, waitFor } from '../gateway/resting-hot-path';
import type { WireOrderSpec } from '../../../src/executor/ports';

setLogSink({ write: () => {} });
const QUOTER = path.join(__dirname, '..', '..', '..', 'examples', 'quoter', 'quoter.ts');

test('quotes post-only, re-quotes when the mid moves (cancel by cloid, then a new quote), exits reduce-only after a fill', async () => {
  const config = restingConfig({ strategy: { kind: 'module', module: QUOTER, params: { coin: 'BTC', notionalUsd: '15', offsetBps: 10, requoteBps: 5 } }, gateway: undefined });
  const { hp, venue, marks } = await restingHotPath({ config });
  try {
    const bids = () => [...venue.book.entries()].map(([cloid, o]) => ({ cloid, ...o.spec }) as WireOrderSpec & { cloid: string });
    const first = await waitFor(() => bids()[0], 'the first quote');
    expect(first).toMatchObject({ asset: 0, isBuy: true, tif: 'Alo', reduceOnly: false, px: '96903' });
    expect(Number(first.sz) * 96903).toBeGreaterThanOrEqual(15);

    // the mid moves 3 bps: below requoteBps, nothing happens
    marks({ BTC: '97029' });
    await new Promise((r) => setTimeout(r, 100));
    expect(venue.cancelled).toEqual([]);

    // 10 bps: the quote is cancelled by cloid and a fresh one rests around the new mid
    marks({ BTC: '97100' });
    await waitFor(() => venue.cancelled.includes(first.cloid!), 'the cancel of the first quote');
    const second = await waitFor(() => bids().find((b) => b.cloid !== first.cloid), 'the second quote');
    expect(second).toMatchObject({ isBuy: true, tif: 'Alo', px: '97002.9' });
    expect(hp.executor.cancelCounts.Accepted).toBe(1);

    // the bid fills: a reduce-only ask rests above the mid
    const o = venue.book.get(second.cloid!)!;
    venue.book.delete(second.cloid!);
    hp.onFill({ coin: 'BTC', px: second.px, sz: second.sz, side: 'B', tid: 1, oid: o.oid, cloid: second.cloid, fee: '0', closedPnl: '0', time: Date.now() });
    const exit = await waitFor(() => bids().find((b) => !b.isBuy), 'the reduce-only exit');
    expect(exit).toMatchObject({ isBuy: false, reduceOnly: true, tif: 'Alo', sz: second.sz, px: '97197.1' });
    expect((hp.strategy as unknown as { stats: { fills: number } }).stats.fills).toBe(1);
  } finally {
    hp.stop();
  }
});
