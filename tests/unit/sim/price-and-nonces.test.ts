/** The seeded price process, the synthetic book's grid, and the nonce rules. */
import { isValidWirePrice, isValidWireSize } from '../../../src/exchange/hyperliquid/format';
import { buildMarkets } from '../../../src/sim/markets';
import { PriceProcess } from '../../../src/sim/price-process';
import { Book } from '../../../src/sim/book';
import { NonceBook } from '../../../src/sim/nonces';
import { fxStr } from '../../../src/sim/money';

const markets = buildMarkets(['BTC', 'ETH', 'SOL', 'DOGE']);

function path(seed: number, market = markets[0], steps = 200): string[] {
  const p = new PriceProcess(market, seed);
  return Array.from({ length: steps }, () => fxStr(p.step()));
}

describe('price process', () => {
  test('the same seed gives the same path; another seed another path', () => {
    expect(path(42)).toEqual(path(42));
    expect(path(42)).not.toEqual(path(43));
  });

  test('a market’s path does not depend on which other markets exist', () => {
    const [btcAlone] = buildMarkets(['BTC']);
    const [, btcSecond] = buildMarkets(['ETH', 'BTC']);
    expect(path(9, btcAlone)).toEqual(path(9, btcSecond));
  });

  test('every mark and every synthetic level is a valid wire price and size', () => {
    const invalid: string[] = [];
    for (const m of markets) {
      const p = new PriceProcess(m, 5);
      const book = new Book(m);
      for (let i = 0; i < 300; i++) {
        const mark = p.step();
        if (!isValidWirePrice(fxStr(mark), m.szDecimals)) invalid.push(`${m.name} mark ${fxStr(mark)}`);
        book.rebuild(mark, () => p.random());
        for (const l of [...book.synthBids, ...book.synthAsks]) {
          if (!isValidWirePrice(fxStr(l.px), m.szDecimals)) invalid.push(`${m.name} px ${fxStr(l.px)}`);
          if (!isValidWireSize(fxStr(l.sz), m.szDecimals)) invalid.push(`${m.name} sz ${fxStr(l.sz)}`);
        }
        if (!(book.bestSynthBid()! < book.bestSynthAsk()!)) invalid.push(`${m.name} crossed at step ${i}`);
      }
    }
    expect(invalid).toEqual([]);
  });

  test('frozen prices do not move; shock moves by the percentage', () => {
    const p = new PriceProcess(markets[1], 1);
    p.frozen = true;
    const before = p.mark;
    for (let i = 0; i < 10; i++) p.step();
    expect(p.mark).toBe(before);
    p.shock(-10);
    expect(p.mark).toBe((before * 9n) / 10n);
  });
});

describe('nonce rules', () => {
  const now = 1_800_000_000_000;
  test('unused, above the smallest of the 100 highest, inside (T-2d, T+1d); per signer', () => {
    const n = new NonceBook();
    expect(n.use('0xA', now, now)).toBeNull();
    expect(n.use('0xa', now, now)).toBe(`Invalid nonce: duplicate nonce ${now}`);
    expect(n.use('0xb', now, now)).toBeNull();
    for (let i = 1; i <= 100; i++) expect(n.use('0xa', now + i, now)).toBeNull();
    // the 100 highest are now+1 … now+100: anything at or below now+1 is refused
    expect(n.use('0xa', now - 1, now)).toBe(`Invalid nonce: nonce too low ${now - 1} < ${now + 1}`);
    // out-of-order but above the smallest kept: accepted
    expect(n.use('0xa', now + 1000, now)).toBeNull();
    expect(n.use('0xa', now + 500, now)).toBeNull();
    expect(n.use('0xa', now - 2 * 86_400_000, now)).toBe(`Invalid nonce: nonce too low ${now - 2 * 86_400_000} < ${now - 2 * 86_400_000}`);
    expect(n.use('0xa', now + 86_400_000, now)).toBe(`Invalid nonce: nonce too high ${now + 86_400_000} > ${now + 86_400_000}`);
  });
});
