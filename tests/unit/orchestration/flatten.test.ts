import { flattenOrderFor } from '../../../src/orchestration/flatten';
import { isValidWirePrice } from '../../../src/exchange/hyperliquid/format';

const BTC = { asset: 0, szDecimals: 5 };
const SOL = { asset: 2, szDecimals: 2 };

describe('flattenOrderFor', () => {
  test('a long is sold reduce-only IOC below the mark, rounded down to a valid tick', () => {
    const p = flattenOrderFor({ coin: 'BTC', szi: '0.5' }, BTC, '97123.4', 200);
    expect(p.kind).toBe('order');
    if (p.kind !== 'order') return;
    expect(p.order).toMatchObject({ asset: 0, isBuy: false, sz: '0.5', reduceOnly: true, tif: 'Ioc' });
    // 97123.4 × 0.98 = 95180.932 → BTC allows 1 decimal but 5 significant figures: 95180
    expect(p.order.px).toBe('95180');
    expect(isValidWirePrice(p.order.px, 5)).toBe(true);
  });

  test('a short is bought above the mark, rounded up', () => {
    const p = flattenOrderFor({ coin: 'SOL', szi: '-12.34' }, SOL, '240.111', 100);
    if (p.kind !== 'order') throw new Error('expected an order');
    expect(p.order.isBuy).toBe(true);
    expect(p.order.sz).toBe('12.34');
    // 240.111 × 1.01 = 242.51211 → 4 decimals allowed at szDecimals 2, 5 sig figs: 242.52 (up)
    expect(p.order.px).toBe('242.52');
    expect(Number(p.order.px)).toBeGreaterThan(240.111 * 1.01 - 1e-9);
  });

  test('flat, unknown market, missing mark and unreadable size are skipped with a reason', () => {
    expect(flattenOrderFor({ coin: 'BTC', szi: '0.0' }, BTC, '1', 100)).toEqual({ kind: 'skip', coin: 'BTC', why: 'already flat' });
    expect(flattenOrderFor({ coin: 'XYZ', szi: '1' }, undefined, '1', 100)).toMatchObject({ kind: 'skip', why: /meta/ });
    expect(flattenOrderFor({ coin: 'BTC', szi: '1' }, BTC, undefined, 100)).toMatchObject({ kind: 'skip', why: /mark/ });
    expect(flattenOrderFor({ coin: 'BTC', szi: 'abc' }, BTC, '1', 100)).toMatchObject({ kind: 'skip', why: /unreadable/ });
  });
});
