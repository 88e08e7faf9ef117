/**
 * Property: no request body, however malformed, makes the venue throw — every /exchange and
 * /info body gets a reply with an HTTP status, and the venue keeps serving afterwards.
 */
import fc from 'fast-check';
import { Venue } from '../../../src/sim/venue';
import { VENUE_LIMITS } from '../../../src/sim/limits';
import { Wallet } from 'ethers';
import { Signer } from '../../../src/exchange/hyperliquid/signer';
import { canonicalizeAction } from '../../../src/exchange/hyperliquid/canonical';
import { ALICE, makeEngine, usd } from './engine-fixture';

const trader = Signer.fromPrivateKey(Wallet.createRandom().privateKey);

/** A correctly signed body for the action when it is well-formed enough to hash; else undefined. */
function signedBody(a: unknown, nonce: number): object | undefined {
  let canonical: object;
  try {
    canonical = canonicalizeAction(a);
  } catch {
    return undefined;
  }
  return { action: a, nonce, signature: trader.signL1(canonical, nonce, { isMainnet: false }) };
}

const sig = fc.record({ r: fc.oneof(fc.constant('0x' + '1'.repeat(64)), fc.string()), s: fc.oneof(fc.constant('0x' + '2'.repeat(64)), fc.string()), v: fc.oneof(fc.constant(27), fc.constant(28), fc.integer()) });
/** mostly well-formed orders (so signed ones reach the engine), with junk mixed in */
const often = <T,>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: bad });
const wireOrder = fc.record(
  {
    a: often(fc.constantFrom(0, 1, 2), fc.oneof(fc.integer({ min: -1, max: 5 }), fc.string())),
    b: often(fc.boolean(), fc.constant('yes')),
    p: often(fc.constantFrom('97000', '96000', '98000', '3600', '240'), fc.oneof(fc.constant('0'), fc.constant('1.0'), fc.string(), fc.double())),
    s: often(fc.constantFrom('0.01', '0.1', '1', '0.00001'), fc.oneof(fc.constant('0'), fc.string())),
    r: fc.boolean(),
    t: often(fc.constantFrom({ limit: { tif: 'Gtc' } }, { limit: { tif: 'Ioc' } }, { limit: { tif: 'Alo' } }), fc.oneof(fc.constant({ limit: { tif: 'Bad' } }), fc.constant({ trigger: { isMarket: true, triggerPx: '1', tpsl: 'tp' } }), fc.anything())),
    c: fc.oneof(fc.constant('0x' + 'ab'.repeat(16)), fc.string()),
  },
  { requiredKeys: ['a', 'b', 'p', 's', 'r', 't'] },
);
const action = fc.oneof(
  fc.record({ type: fc.constant('order'), orders: fc.array(wireOrder, { maxLength: 3 }), grouping: fc.oneof(fc.constant('na'), fc.anything()) }),
  fc.record({ type: fc.constant('cancel'), cancels: fc.array(fc.record({ a: fc.anything(), o: fc.anything() }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('cancelByCloid'), cancels: fc.array(fc.record({ asset: fc.anything(), cloid: fc.anything() }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('batchModify'), modifies: fc.array(fc.record({ oid: fc.anything(), order: wireOrder }), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('approveAgent'), signatureChainId: fc.anything(), hyperliquidChain: fc.constantFrom('Testnet', 'Mainnet', 'x'), agentAddress: fc.anything(), nonce: fc.anything() }),
  fc.record({ type: fc.string(), x: fc.anything() }),
  fc.anything(),
);
/** well-formed actions with random contents: these get signed and reach the matching engine */
const goodOrder = fc.record(
  {
    a: fc.constantFrom(0, 1, 2, 7),
    b: fc.boolean(),
    p: fc.constantFrom('97000', '96990', '97010', '3600', '3599.9', '240', '240.01', '1'),
    s: fc.constantFrom('0.01', '0.1', '1', '0.00001', '100'),
    r: fc.boolean(),
    t: fc.constantFrom({ limit: { tif: 'Gtc' } }, { limit: { tif: 'Ioc' } }, { limit: { tif: 'Alo' } }),
    c: fc.constantFrom('0x' + 'ab'.repeat(16), '0x' + 'cd'.repeat(16)),
  },
  { requiredKeys: ['a', 'b', 'p', 's', 'r', 't'] },
);
const signedAction = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('order'), orders: fc.array(goodOrder, { minLength: 1, maxLength: 4 }), grouping: fc.constant('na') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('cancel'), cancels: fc.array(fc.record({ a: fc.integer({ min: 0, max: 3 }), o: fc.integer({ min: 40_000_000_000, max: 40_000_000_050 }) }), { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('cancelByCloid'), cancels: fc.array(fc.record({ asset: fc.integer({ min: 0, max: 3 }), cloid: fc.constantFrom('0x' + 'ab'.repeat(16), '0x' + 'cd'.repeat(16)) }), { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('batchModify'), modifies: fc.array(fc.record({ oid: fc.oneof(fc.integer({ min: 40_000_000_000, max: 40_000_000_050 }), fc.constant('0x' + 'ab'.repeat(16))), order: goodOrder }), { maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('updateLeverage'), asset: fc.integer({ min: 0, max: 3 }), isCross: fc.boolean(), leverage: fc.integer({ min: 0, max: 50 }) }) },
  { weight: 1, arbitrary: action },
);
const exchangeBody = fc.oneof(
  fc.record({ action, nonce: fc.oneof(fc.integer(), fc.anything()), signature: fc.oneof(sig, fc.anything()), vaultAddress: fc.anything(), expiresAfter: fc.anything() }, { requiredKeys: ['action', 'nonce', 'signature'] }),
  fc.anything(),
);
const infoBody = fc.oneof(
  fc.record({ type: fc.constantFrom('meta', 'l2Book', 'orderStatus', 'userFillsByTime', 'clearinghouseState', 'nope'), coin: fc.anything(), user: fc.oneof(fc.constant(ALICE), fc.anything()), oid: fc.anything(), startTime: fc.anything() }, { requiredKeys: ['type'] }),
  fc.anything(),
);

describe('venue robustness (property)', () => {
  test('arbitrary /exchange and /info bodies get a reply, never an exception', () => {
    const { e } = makeEngine();
    e.fund(ALICE, usd('1000'));
    e.fund(trader.address, usd('5000'));
    let nonce = e.now();
    const venue = new Venue(e, 'testnet', { ...VENUE_LIMITS, ipWeightPerMinute: Number.POSITIVE_INFINITY });
    fc.assert(
      fc.property(exchangeBody, infoBody, signedAction, (ex, info, act) => {
        const a = venue.exchange(ex, '127.0.0.1');
        const body = signedBody(act, ++nonce);
        if (body) {
          const r = venue.exchange(body, '127.0.0.1');
          expect(r.status).toBe(200);
          expect((r.body as { status: string }).status === 'ok' || /^(Invalid leverage|Unsupported action|Cannot set scheduled|Invalid asset|Order price cannot be more than 80% away|Order has invalid price\.|Order list is empty|Cannot switch margin mode)/.test(String((r.body as { response: unknown }).response))).toBe(true);
        }
        const b = venue.info(info, '127.0.0.1');
        expect([200, 422]).toContain(a.status);
        expect([200, 422]).toContain(b.status);
        e.drain();
      }),
      { numRuns: 400 },
    );
    expect(venue.info({ type: 'allMids' }, '127.0.0.1').status).toBe(200);
    // the signed branch really reached the matching engine
    expect(e.orders.size).toBeGreaterThan(0);
  });
});
