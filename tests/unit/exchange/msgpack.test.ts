/** msgpack integer widths and the values we refuse, byte for byte (Python msgpack.packb semantics). */
import { encodeMsgpack, toHex, WireFormatError } from '../../../src/exchange/hyperliquid';

const hex = (v: unknown) => toHex(encodeMsgpack(v)).slice(2);

test.each([
  [0, '00'],
  [127, '7f'],
  [128, 'cc80'],
  [255, 'ccff'],
  [256, 'cd0100'],
  [65535, 'cdffff'],
  [65536, 'ce00010000'],
  [0xffffffff, 'ceffffffff'],
  [0x100000000, 'cf0000000100000000'],
  [287286372177, 'cf00000042e39a2751'],
  [Number.MAX_SAFE_INTEGER, 'cf001fffffffffffff'],
  [-1, 'ff'],
  [-32, 'e0'],
  [-33, 'd0df'],
  [-129, 'd1ff7f'],
  [-32769, 'd2ffff7fff'],
  [-0x80000001, 'd3ffffffff7fffffff'],
  [1.5, 'cb3ff8000000000000'],
  [true, 'c3'],
  [false, 'c2'],
  ['na', 'a26e61'],
])('%p → %s', (v, want) => {
  expect(hex(v)).toBe(want);
});

test('undefined keys are dropped and insertion order is kept', () => {
  expect(hex({ b: 1, a: undefined, c: 2 })).toBe('82a16201a16302');
});

test.each([
  [2 ** 53, '(root)'],
  [{ orders: [{ a: Number.NaN }] }, 'orders.0.a'],
  [{ t: Infinity }, 't'],
  [{ x: BigInt(1) }, 'x'],
])('%p is refused naming %s', (v, field) => {
  let err: unknown;
  try {
    encodeMsgpack(v);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(WireFormatError);
  expect((err as WireFormatError).field).toBe(field);
});
