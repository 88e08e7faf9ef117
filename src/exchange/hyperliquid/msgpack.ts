/**
 * msgpack exactly as the venue (Python `msgpack.packb`, Rust `rmp_serde::to_vec_named`) encodes an
 * action: map keys in insertion order, the smallest integer width (uint64 `cf` for values ≥ 2^32,
 * never float64), strings as str, `undefined` keys dropped.
 *
 * @msgpack/msgpack already picks the smallest width for safe integers (and uint64/int64 past 32
 * bits when useBigInt64 is off). What it would get wrong silently is an integer beyond 2^53: it
 * falls back to float64. Those cannot be exact in JSON either, so they are refused here.
 */
import { Encoder } from '@msgpack/msgpack';
import { WireFormatError } from './format';

// One shared encoder: encodeSharedRef() reuses its buffer, and every caller copies the bytes out
// before encoding again (signing is synchronous), which keeps the hot path free of allocations.
const encoder = new Encoder({ ignoreUndefined: true, useBigInt64: false, sortKeys: false });

function checkNumbers(value: unknown, path: string): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new WireFormatError(path || '(root)', `must be a finite number, got ${value}`);
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new WireFormatError(path || '(root)', `integer ${value} is beyond 2^53 and cannot be encoded exactly`);
    }
    return;
  }
  if (typeof value === 'bigint') throw new WireFormatError(path || '(root)', 'bigint is not a JSON value; use a safe integer number');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkNumbers(value[i], path ? `${path}.${i}` : String(i));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const k in value) checkNumbers((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
  }
}

/**
 * The msgpack bytes of `value`, as a view into a shared buffer that the next call overwrites.
 * Copy it (or consume it) before calling any encoder again.
 */
export function encodeMsgpackShared(value: unknown): Uint8Array {
  checkNumbers(value, '');
  return encoder.encodeSharedRef(value);
}

/** The msgpack bytes of `value` in a fresh buffer. */
export function encodeMsgpack(value: unknown): Uint8Array {
  return encodeMsgpackShared(value).slice();
}

export function toHex(bytes: Uint8Array): string {
  return '0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
