/** Price/size wire formatting: the rules of hyperliquid.md §2.6, typed errors, and properties. */
import fc from 'fast-check';
import DecimalJs from 'decimal.js';
import { formatPrice, formatSize, isValidWirePrice, isValidWireSize, WireFormatError } from '../../../src/exchange/hyperliquid';

// high precision so the test's own arithmetic never rounds
const Decimal = DecimalJs.clone({ precision: 100 });

describe('formatPrice', () => {
  test.each([
    ['1234.5', 0, 'nearest', '1234.5'],
    ['1234.56', 0, 'nearest', '1234.6'],
    ['1234.56', 0, 'down', '1234.5'],
    ['1234.51', 0, 'up', '1234.6'],
    ['0.001234', 0, 'nearest', '0.001234'],
    ['0.0012345', 0, 'down', '0.001234'],
    ['0.0012345', 0, 'up', '0.001235'],
    ['0.012345', 1, 'down', '0.01234'],
    ['123456.7', 0, 'nearest', '123457'],
    ['123456.7', 0, 'down', '123456'],
    ['12345.6', 0, 'up', '12346'],
    ['9999.96', 0, 'up', '10000'],
    ['100.0', 2, 'nearest', '100'],
    ['25.20', 2, 'nearest', '25.2'],
    ['97000.50', 5, 'nearest', '97001'],
    ['3600.123', 4, 'down', '3600.1'],
    ['240.1234', 2, 'nearest', '240.12'],
    ['1e3', 2, 'nearest', '1000'],
    ['0.000000123', 0, 'up', '0.000001'],
    ['1.00000001', 0, 'up', '1.0001'],
  ] as const)('%s szDecimals %d %s → %s', (px, sz, mode, want) => {
    expect(formatPrice(px, sz, mode)).toBe(want);
  });

  test('spot allows 8 − szDecimals decimals', () => {
    expect(formatPrice('0.000012345', 0, 'down', 'spot')).toBe('0.00001234');
    expect(formatPrice('0.000012345', 0, 'down', 'perp')).toBe('0.000012');
  });

  test.each([
    ['NaN', /finite/],
    ['Infinity', /finite/],
    ['-Infinity', /finite/],
    ['-1', /negative/],
    ['0', /greater than zero/],
    ['-0', /greater than zero/],
    ['abc', /not a decimal/],
    ['0x10', /not a decimal/],
    ['', /not a decimal/],
    ['1.2.3', /not a decimal/],
  ])('%j is a WireFormatError naming px', (px, msg) => {
    let err: unknown;
    try {
      formatPrice(px, 2, 'nearest');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WireFormatError);
    expect((err as WireFormatError).field).toBe('px');
    expect((err as Error).message).toMatch(msg);
  });

  test('non-string, bad szDecimals, bad rounding and rounding to zero name their field', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof WireFormatError ? e.field : 'not a WireFormatError';
      }
      return 'no error';
    };
    expect(field(() => formatPrice(1 as unknown as string, 2, 'nearest'))).toBe('px');
    expect(field(() => formatPrice('1', -1, 'nearest'))).toBe('szDecimals');
    expect(field(() => formatPrice('1', 1.5, 'nearest'))).toBe('szDecimals');
    expect(field(() => formatPrice('1', 2, 'sideways' as 'up'))).toBe('rounding');
    expect(field(() => formatPrice('0.0000001', 0, 'down'))).toBe('px');
    expect(field(() => formatSize('0.0001', 2, 'down'))).toBe('sz');
    expect(field(() => formatSize('NaN', 2, 'down'))).toBe('sz');
    expect(field(() => formatSize('-3', 2, 'down'))).toBe('sz');
    expect(field(() => formatSize('1', 2, 'up' as 'down'))).toBe('rounding');
  });
});

describe('formatSize', () => {
  test.each([
    ['0.123456', 4, 'down', '0.1234'],
    ['0.12345', 4, 'nearest', '0.1235'],
    ['1.50', 2, 'nearest', '1.5'],
    ['3', 0, 'nearest', '3'],
    ['2.9999', 0, 'down', '2'],
    ['1000000.00000', 5, 'down', '1000000'],
  ] as const)('%s szDecimals %d %s → %s', (sz, d, mode, want) => {
    expect(formatSize(sz, d, mode)).toBe(want);
  });
});

describe('validators', () => {
  test.each([
    ['1234.5', 0, true],
    ['1234.56', 0, false],
    ['0.001234', 0, true],
    ['0.0012345', 0, false],
    ['0.01234', 1, true],
    ['0.012345', 1, false],
    ['123456', 0, true],
    ['12345.6', 0, false],
    ['100.0', 0, false],
    ['1e3', 0, false],
    ['0', 0, false],
    ['-1', 0, false],
    ['01', 0, false],
  ] as const)('isValidWirePrice(%s, %d) = %s', (px, d, ok) => {
    expect(isValidWirePrice(px, d)).toBe(ok);
  });
  test('isValidWireSize', () => {
    expect(isValidWireSize('0.1234', 4)).toBe(true);
    expect(isValidWireSize('0.12345', 4)).toBe(false);
    expect(isValidWireSize('1.50', 4)).toBe(false);
    expect(isValidWireSize('0', 4)).toBe(false);
    expect(isValidWireSize('12', 0)).toBe(true);
  });
});

describe('properties', () => {
  // random positive decimals across 14 orders of magnitude, in plain and exponent spelling
  const decimal = fc
    .tuple(fc.bigInt({ min: BigInt(1), max: BigInt(10) ** BigInt(15) }), fc.integer({ min: 0, max: 14 }), fc.boolean())
    .map(([m, k, exp]) => (exp ? `${m}e-${k}` : new Decimal(m.toString()).div(new Decimal(10).pow(k)).toFixed()));
  const szDecimals = fc.integer({ min: 0, max: 6 });

  test('every formatted price is a valid wire price, and up/down never round the wrong way', () => {
    fc.assert(
      fc.property(decimal, szDecimals, fc.constantFrom('nearest' as const, 'up' as const, 'down' as const), (px, d, mode) => {
        let out: string;
        try {
          out = formatPrice(px, d, mode);
        } catch (e) {
          // only a price below the smallest tick may fail, and only when not rounding up
          expect(e).toBeInstanceOf(WireFormatError);
          expect(mode).not.toBe('up');
          expect(new Decimal(px).lt(new Decimal(10).pow(-(6 - d)))).toBe(true);
          return;
        }
        expect(isValidWirePrice(out, d)).toBe(true);
        expect(out).not.toMatch(/e|E|\.$|\.\d*0$/);
        const x = new Decimal(px);
        const y = new Decimal(out);
        if (mode === 'up') expect(y.gte(x)).toBe(true);
        if (mode === 'down') expect(y.lte(x)).toBe(true);
        // an already valid price is left unchanged by every mode
        if (isValidWirePrice(x.toFixed(), d)) expect(out).toBe(x.toFixed());
      }),
      { numRuns: 3000 },
    );
  });

  test('up/down are the tightest valid prices on their side', () => {
    fc.assert(
      fc.property(decimal, szDecimals, (px, d) => {
        const x = new Decimal(px);
        if (x.lt(1e-6 * 10 ** d)) return;
        const up = new Decimal(formatPrice(px, d, 'up'));
        const down = new Decimal(formatPrice(px, d, 'down'));
        const near = new Decimal(formatPrice(px, d, 'nearest'));
        expect(near.eq(up) || near.eq(down)).toBe(true);
        expect(down.lte(x) && up.gte(x)).toBe(true);
        // nothing valid lies strictly between down and x, or between x and up: the next valid
        // price past `down` is already ≥ x, and the one before `up` already ≤ x
        const eps = new Decimal(10).pow(-30);
        if (!down.eq(x)) expect(new Decimal(formatPrice(down.plus(eps).toFixed(), d, 'up')).gte(x)).toBe(true);
        if (!up.eq(x) && up.gt(new Decimal(10).pow(d - 6))) expect(new Decimal(formatPrice(up.minus(eps).toFixed(), d, 'down')).lte(x)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('formatted sizes are valid and "down" never increases a size', () => {
    fc.assert(
      fc.property(decimal, szDecimals, fc.constantFrom('nearest' as const, 'down' as const), (sz, d, mode) => {
        let out: string;
        try {
          out = formatSize(sz, d, mode);
        } catch (e) {
          expect(e).toBeInstanceOf(WireFormatError);
          expect(new Decimal(sz).toDecimalPlaces(d, mode === 'down' ? DecimalJs.ROUND_DOWN : DecimalJs.ROUND_HALF_UP).isZero()).toBe(true);
          return;
        }
        expect(isValidWireSize(out, d)).toBe(true);
        if (mode === 'down') expect(new Decimal(out).lte(new Decimal(sz))).toBe(true);
        expect(new Decimal(out).minus(new Decimal(sz)).abs().lte(new Decimal(10).pow(-d))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
