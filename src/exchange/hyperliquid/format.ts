/**
 * Wire formatting of prices and sizes (hyperliquid.md §2.6).
 *
 * The venue rebuilds the signed bytes from the JSON strings it receives, so a price or size must
 * be the one canonical spelling: no trailing zeros, no exponent, no leading '+'. A string that is
 * numerically right but spelled differently hashes differently and the venue answers with the
 * opaque "User or API Wallet 0x… does not exist." — so every value is formatted here, in decimal
 * arithmetic (decimal.js), never through a binary float.
 *
 * Rounding is always chosen by the caller: 'nearest' for ordinary limits, 'up'/'down' for
 * aggressive IOC flattens (buy up, sell down), 'down' for reduce sizes that must never grow.
 */
import Decimal from 'decimal.js';

/** A value that cannot be put on the wire; `field` names which input was wrong. */
export class WireFormatError extends Error {
  override name = 'WireFormatError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export type PriceRounding = 'nearest' | 'up' | 'down';
export type SizeRounding = 'nearest' | 'down';
/** Perps allow 6 − szDecimals price decimals, spot 8 − szDecimals. */
export type MarketKind = 'perp' | 'spot';

// Enough precision that no input we accept is rounded by decimal.js itself; only our explicit
// toDecimalPlaces() calls round.
const D = Decimal.clone({ precision: 80, toExpNeg: -1000, toExpPos: 1000 });

const MAX_SIG_FIGS = 5;
const DECIMAL_RE = /^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const WIRE_RE = /^(0|[1-9]\d*)(\.\d*[1-9])?$/;

const ROUNDING: Record<PriceRounding, Decimal.Rounding> = {
  nearest: Decimal.ROUND_HALF_UP,
  up: Decimal.ROUND_UP,
  down: Decimal.ROUND_DOWN,
};

function checkSzDecimals(szDecimals: number): void {
  if (!Number.isInteger(szDecimals) || szDecimals < 0 || szDecimals > 18) {
    throw new WireFormatError('szDecimals', `must be an integer 0..18, got ${String(szDecimals)}`);
  }
}

/** Parses a positive decimal string; NaN, Infinity, negative, zero and junk are typed errors. */
function parsePositive(value: unknown, field: string): Decimal {
  if (typeof value !== 'string') {
    throw new WireFormatError(field, `must be a decimal string, got ${value === null ? 'null' : typeof value}`);
  }
  const s = value.trim();
  if (/^[+-]?(nan|inf|infinity)$/i.test(s)) throw new WireFormatError(field, `must be finite, got ${JSON.stringify(value)}`);
  if (s.startsWith('-')) {
    if (DECIMAL_RE.test(s.slice(1)) && new D(s.slice(1)).isZero()) throw new WireFormatError(field, 'must be greater than zero, got 0');
    throw new WireFormatError(field, `must not be negative, got ${JSON.stringify(value)}`);
  }
  if (!DECIMAL_RE.test(s)) throw new WireFormatError(field, `is not a decimal number: ${JSON.stringify(value)}`);
  const d = new D(s);
  if (!d.isFinite()) throw new WireFormatError(field, `must be finite, got ${JSON.stringify(value)}`);
  if (d.isZero()) throw new WireFormatError(field, 'must be greater than zero, got 0');
  return d;
}

function maxPriceDecimals(szDecimals: number, market: MarketKind): number {
  return Math.max(0, (market === 'spot' ? 8 : 6) - szDecimals);
}

/**
 * Decimals a price of this magnitude may carry: at most 5 significant figures and at most
 * maxDecimals; at or above 10^4 only integers (integers are always valid, whatever their length).
 */
function allowedDecimals(d: Decimal, maxDecimals: number): number {
  // Decimal#e is floor(log10(|d|)) for a non-zero value
  return Math.min(maxDecimals, Math.max(0, MAX_SIG_FIGS - 1 - d.e));
}

/**
 * The valid wire price closest to `px` in the requested direction: 'up' never returns less than
 * px, 'down' never more. Throws WireFormatError('px') when the result would be zero (a price
 * below the smallest tick rounded down).
 */
export function formatPrice(px: string, szDecimals: number, rounding: PriceRounding, market: MarketKind = 'perp'): string {
  checkSzDecimals(szDecimals);
  const mode = ROUNDING[rounding];
  if (mode === undefined) throw new WireFormatError('rounding', `must be nearest, up or down, got ${String(rounding)}`);
  const d = parsePositive(px, 'px');
  const out = d.toDecimalPlaces(allowedDecimals(d, maxPriceDecimals(szDecimals, market)), mode);
  // Rounding up can cross a power of ten (9999.95 → 10000): fewer significant figures, still valid.
  if (out.isZero()) throw new WireFormatError('px', `${JSON.stringify(px)} rounds to zero at ${maxPriceDecimals(szDecimals, market)} decimals`);
  return out.toFixed();
}

/** `sz` rounded to szDecimals decimals; 'down' never increases a size (reduce-only safety). */
export function formatSize(sz: string, szDecimals: number, rounding: SizeRounding): string {
  checkSzDecimals(szDecimals);
  if (rounding !== 'nearest' && rounding !== 'down') throw new WireFormatError('rounding', `must be nearest or down, got ${String(rounding)}`);
  const d = parsePositive(sz, 'sz');
  const out = d.toDecimalPlaces(szDecimals, ROUNDING[rounding]);
  if (out.isZero()) throw new WireFormatError('sz', `${JSON.stringify(sz)} rounds to zero at ${szDecimals} decimals`);
  return out.toFixed();
}

/** Count of decimals in a canonical wire string. */
function decimalsOf(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** True when `px` is already a canonical, venue-valid price string for this asset. */
export function isValidWirePrice(px: string, szDecimals: number, market: MarketKind = 'perp'): boolean {
  if (typeof px !== 'string' || !WIRE_RE.test(px) || !Number.isInteger(szDecimals) || szDecimals < 0) return false;
  if (/^0(\.0*)?$/.test(px)) return false;
  const dot = px.indexOf('.');
  if (dot < 0) return true; // integers are always valid
  if (decimalsOf(px) > maxPriceDecimals(szDecimals, market)) return false;
  const sig = px.replace('.', '').replace(/^0+/, '').length;
  return sig <= MAX_SIG_FIGS;
}

/** True when `sz` is a canonical, positive size string with at most szDecimals decimals. */
export function isValidWireSize(sz: string, szDecimals: number): boolean {
  if (typeof sz !== 'string' || !WIRE_RE.test(sz) || !Number.isInteger(szDecimals) || szDecimals < 0) return false;
  if (/^0(\.0*)?$/.test(sz)) return false;
  return decimalsOf(sz) <= szDecimals;
}

/** True when `s` is spelled the way the venue re-serializes decimals (no trailing zeros, no exponent). */
export function isCanonicalDecimal(s: string): boolean {
  return typeof s === 'string' && WIRE_RE.test(s);
}

/**
 * The Python SDK's float_to_int_for_hashing: a decimal scaled by 10^8 as an exact integer
 * (used by actions that carry USD amounts as integers). Refuses values that would lose digits.
 */
export function floatToIntForHashing(x: string, field = 'value'): bigint {
  if (typeof x !== 'string' || !DECIMAL_RE.test(x.replace(/^-/, ''))) throw new WireFormatError(field, `is not a decimal number: ${JSON.stringify(x)}`);
  const scaled = new D(x).times(1e8);
  if (!scaled.isInteger()) throw new WireFormatError(field, `${x} has more than 8 decimals and would be rounded`);
  return BigInt(scaled.toFixed(0));
}
