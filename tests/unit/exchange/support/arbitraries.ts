/** fast-check generators for wire values and every action the executor builds. */
import fc from 'fast-check';
import Decimal from 'decimal.js';
import {
  batchModifyAction,
  cancelAction,
  cancelByCloidAction,
  noopAction,
  orderAction,
  scheduleCancelAction,
  updateLeverageAction,
  type Grouping,
  type OrderSpec,
} from '../../../../src/exchange/hyperliquid';

const HEX = '0123456789abcdef'.split('');
export const hex = (n: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: n, maxLength: n });
export const cloid = hex(32).map((h) => '0x' + h);
export const address = hex(40).map((h) => '0x' + h);
/** safe unsigned integers, weighted toward the widths msgpack distinguishes (fixint … uint64) */
export const uint = fc.oneof(
  fc.integer({ min: 0, max: 200 }),
  fc.integer({ min: 0, max: 0xffff }),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 127, 128, 255, 256, 65535, 65536, 0xffffffff, 0x100000000, Number.MAX_SAFE_INTEGER),
);
/** positive canonical decimal strings: mantissa / 10^scale, no trailing zeros */
export const wireDecimal = fc
  .tuple(fc.integer({ min: 1, max: 2_000_000_000 }), fc.integer({ min: 0, max: 10 }))
  .map(([m, k]) => new Decimal(m).div(new Decimal(10).pow(k)).toFixed());

export const orderSpec: fc.Arbitrary<OrderSpec> = fc
  .record({
    asset: uint,
    isBuy: fc.boolean(),
    px: wireDecimal,
    sz: wireDecimal,
    reduceOnly: fc.boolean(),
    tif: fc.option(fc.constantFrom('Gtc' as const, 'Ioc' as const, 'Alo' as const), { nil: undefined }),
    trigger: fc.option(fc.record({ isMarket: fc.boolean(), triggerPx: wireDecimal, tpsl: fc.constantFrom('tp' as const, 'sl' as const) }), { nil: undefined }),
    cloid: fc.option(cloid, { nil: undefined }),
  })
  .map((o) => {
    // absent optional fields must be absent keys, as a caller would write them
    const spec: OrderSpec = { asset: o.asset, isBuy: o.isBuy, px: o.px, sz: o.sz, reduceOnly: o.reduceOnly };
    if (o.tif) spec.tif = o.tif;
    if (o.trigger) spec.trigger = o.trigger;
    if (o.cloid) spec.cloid = o.cloid;
    return spec;
  });

const grouping: fc.Arbitrary<Grouping> = fc.oneof(
  fc.constantFrom('na' as const, 'normalTpsl' as const, 'positionTpsl' as const),
  uint.map((p) => ({ p })),
);

export const action: fc.Arbitrary<{ kind: string; action: object }> = fc.oneof(
  fc
    .record({
      orders: fc.array(orderSpec, { minLength: 1, maxLength: 6 }),
      grouping: fc.option(grouping, { nil: undefined }),
      builder: fc.option(fc.record({ b: address, f: fc.integer({ min: 0, max: 1000 }) }), { nil: undefined }),
    })
    .map((r) => ({
      kind: 'order',
      action: orderAction(r.orders, { ...(r.grouping ? { grouping: r.grouping } : {}), ...(r.builder ? { builder: r.builder } : {}) }),
    })),
  fc
    .record({ cancels: fc.array(fc.record({ asset: uint, oid: uint }), { minLength: 1, maxLength: 8 }), fast: fc.boolean() })
    .map((r) => ({ kind: 'cancel', action: cancelAction(r.cancels, { fast: r.fast }) })),
  fc
    .record({ cancels: fc.array(fc.record({ asset: uint, cloid }), { minLength: 1, maxLength: 8 }), fast: fc.boolean() })
    .map((r) => ({ kind: 'cancelByCloid', action: cancelByCloidAction(r.cancels, { fast: r.fast }) })),
  fc
    .record({
      modifies: fc.array(fc.record({ oid: fc.oneof(uint, cloid), order: orderSpec }), { minLength: 1, maxLength: 4 }),
      alwaysPlace: fc.boolean(),
    })
    .map((r) => ({ kind: 'batchModify', action: batchModifyAction(r.modifies, { alwaysPlace: r.alwaysPlace }) })),
  fc.option(uint, { nil: undefined }).map((t) => ({ kind: 'scheduleCancel', action: scheduleCancelAction(t) })),
  fc
    .record({ asset: uint, isCross: fc.boolean(), leverage: fc.integer({ min: 1, max: 200 }) })
    .map((r) => ({ kind: 'updateLeverage', action: updateLeverageAction(r.asset, r.isCross, r.leverage) })),
  fc.constant(null).map(() => ({ kind: 'noop', action: noopAction() })),
);

export const signingCase = fc.record({
  action,
  nonce: uint,
  vaultAddress: fc.option(address, { nil: undefined }),
  expiresAfter: fc.option(uint, { nil: undefined }),
  isMainnet: fc.boolean(),
});
