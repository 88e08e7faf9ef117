import fc from 'fast-check';
import { fastParseSignal, SignalSchema } from '../../../src/executor/signal';
import { createVenueWire } from '../../../src/executor/wire';

describe('fastParseSignal is an accept-only shortcut of SignalSchema', () => {
  const valueArb = fc.oneof(
    fc.constantFrom('BTC', '', 'x'.repeat(33), 'buy', 'sell', 'Gtc', 'Ioc', 'Alo', 'GTC', '0.1', '1', '1.', '.5', '-1', '1e3', ' 1', '0x' + 'a'.repeat(32), '0x' + 'A'.repeat(32)),
    fc.boolean(),
    fc.double(),
    fc.constant(undefined),
    fc.constant(null),
    fc.integer(),
  );
  const keyArb = fc.constantFrom('market', 'side', 'size', 'limitPx', 'tif', 'reduceOnly', 'expectedEdgeBps', 'intendedPx', 'cloid', 'extra');
  const base = { market: 'BTC', side: 'buy', size: '0.001', limitPx: '97000' };

  test('never accepts what zod rejects; when it accepts, the output equals zod\'s', () => {
    fc.assert(
      fc.property(fc.dictionary(keyArb, valueArb), fc.boolean(), (extra, withBase) => {
        const input = withBase ? { ...base, ...extra } : extra;
        const fast = fastParseSignal(input);
        const slow = SignalSchema.safeParse(input);
        if (fast !== null) {
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        }
      }),
      { numRuns: 5000 },
    );
  });

  test('accepts the common well-formed signal, with zod\'s defaults', () => {
    expect(fastParseSignal(base)).toEqual({ ...base, tif: 'Gtc', reduceOnly: false });
    expect(fastParseSignal(Object.create(null))).toBeNull();
  });
});

describe('createVenueWire', () => {
  test('orders carry expiresAfter and the vault; cancels carry no expiresAfter; one nonce per sign', () => {
    const seen: unknown[] = [];
    let n = 0;
    const wire = createVenueWire(
      {
        orderAction: (o) => ({ type: 'order', orders: o }),
        cancelAction: (c) => ({ type: 'cancel', cancels: c }),
        cancelByCloidAction: (c) => ({ type: 'cancelByCloid', cancels: c }),
        formatPrice: (px, _d, r) => `${px}:${r}`,
        formatSize: (sz, _d, r) => `${sz}:${r}`,
      },
      { signL1: (_a, nonce, opts) => (seen.push({ nonce, ...opts }), { r: '0x1', s: '0x2', v: 27 }) },
      { next: () => ++n },
      { isMainnet: false, vaultAddress: '0x' + 'ab'.repeat(20) },
    );
    expect(wire.formatSize('0.1', 4)).toBe('0.1:down');
    const nonce = wire.nextNonce();
    const req = wire.sign(wire.orderAction([]), nonce, 123);
    expect(req).toMatchObject({ nonce: 1, expiresAfter: 123, vaultAddress: '0x' + 'ab'.repeat(20) });
    const c = wire.sign(wire.cancelByCloidAction([]), wire.nextNonce(), undefined);
    expect('expiresAfter' in c).toBe(false);
    expect(seen).toEqual([
      { nonce: 1, isMainnet: false, vaultAddress: '0x' + 'ab'.repeat(20), expiresAfter: 123 },
      { nonce: 2, isMainnet: false, vaultAddress: '0x' + 'ab'.repeat(20) },
    ]);
  });
});
