/**
 * Exact decimal arithmetic for the simulator, on bigint fixed point:
 * prices and sizes at 10^-8 (`Fx`, the same scale as src/state/fixed.ts), USD amounts at 10^-16
 * (`Usd`, the exact product of a price and a size). Fees and realized PnL are cut to 10^-6 (USDC
 * precision) when they are booked, so the strings a client sums equal the balance change exactly.
 */
import { parseFixed, formatFixed, SCALE } from '../state/fixed';

export { SCALE };
/** 10^-6 USD expressed at the 10^-16 scale */
const USDC_QUANTUM = 10n ** 10n;
export const USD_SCALE = SCALE * SCALE;

/** "12.5" → 1250000000n; null when not a plain non-negative decimal with ≤ 8 decimals */
export function fx(s: string): bigint | null {
  return parseFixed(s, 'reject');
}

export function fxOrThrow(s: string, what: string): bigint {
  const v = parseFixed(s, 'reject');
  if (v === null) throw new Error(`${what}: not a decimal ${JSON.stringify(s)}`);
  return v;
}

/** price/size at 10^-8 → wire string without trailing zeros */
export function fxStr(v: bigint): string {
  return formatFixed(v, 8);
}

/** USD at 10^-16 → decimal string, trimmed */
export function usdStr(v: bigint): string {
  return formatFixed(v, 16);
}

/** USD at 10^-16, cut to 6 decimals for display like the venue (value left unchanged) */
export function usdStr6(v: bigint): string {
  return formatFixed(truncUsdc(v), 16);
}

/** whole-dollar string "1000" → 10^-16 scale */
export function usdFromString(s: string): bigint | null {
  const v = parseFixed(s, 'reject');
  return v === null ? null : v * SCALE;
}

/** price × size (both 10^-8) → exact USD at 10^-16 */
export function notional(px: bigint, sz: bigint): bigint {
  return px * sz;
}

/** toward zero, to whole micro-dollars */
export function truncUsdc(v: bigint): bigint {
  return (v / USDC_QUANTUM) * USDC_QUANTUM;
}

export function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** USD (10^-16) divided by a size (10^-8) → a price at 10^-8, truncated */
export function usdPerSize(usd: bigint, sz: bigint): bigint {
  return sz === 0n ? 0n : usd / sz;
}

/** Fraction in [0,1] as parts per million, for configurable ratios without float money maths. */
export function ppm(fraction: number): bigint {
  if (!Number.isFinite(fraction) || fraction < 0) return 0n;
  return BigInt(Math.round(Math.min(fraction, 1) * 1_000_000));
}

/**
 * The venue prints its numbers the way a float prints: always at least one decimal — `"0.0"`,
 * `"2826.0"`, `"0.0507"` (SDK recorded responses, TW probes). Our exact strings, spelled so.
 */
export function venueNum(s: string): string {
  return s.includes('.') ? s : `${s}.0`;
}

/** price/size at 10^-8 in the venue's spelling */
export function wireFx(v: bigint): string {
  return venueNum(fxStr(v));
}

/** USD at 10^-16, cut to 6 decimals, in the venue's spelling */
export function wireUsd(v: bigint): string {
  return venueNum(usdStr6(v));
}
